// page_charset_test.cpp — pages decoded to UTF-8 by BOM, header, meta prescan or the default.
#include "audit/page_charset.hpp"

#include <catch2/catch.hpp>
#include <string>

using siteaudit::audit::declared_charset;
using siteaudit::audit::utf8_page_text;

TEST_CASE("page charset: the header, then a meta in the first 1,024 bytes, decide",
          "[audit][crawl]") {
  CHECK(declared_charset("<p>", "text/html; charset=ISO-8859-1") == "iso-8859-1");
  CHECK(declared_charset("<meta charset=\"koi8-r\">", "text/html") == "koi8-r");
  CHECK(declared_charset("<meta http-equiv=Content-Type content='text/html; charset=shift_jis'>",
                         "text/html") == "shift_jis");
  CHECK(declared_charset(std::string(2000, ' ') + "<meta charset=koi8-r>", "text/html").empty());
  CHECK(declared_charset("\xEF\xBB\xBF<meta charset=koi8-r>", "text/html") == "utf-8");
}

TEST_CASE("page charset: Latin-1 is read as windows-1252; UTF-8 is kept as it is",
          "[audit][crawl]") {
  std::string latin1 = "<a href='/caf\xE9'>\x93quoted\x94</a>";
  auto text = utf8_page_text(latin1, "text/html; charset=iso-8859-1");
  CHECK(text.error.empty());
  CHECK(text.charset == "windows-1252");
  CHECK(text.utf8 == "<a href='/caf\xC3\xA9'>\xE2\x80\x9Cquoted\xE2\x80\x9D</a>");

  std::string utf8 = "<p>caf\xC3\xA9</p>";
  text = utf8_page_text(utf8, "text/html");
  CHECK(text.charset == "utf-8");
  CHECK(text.utf8 == "<p>caf\xC3\xA9</p>");

  // Undeclared and not UTF-8: the standard's default for such a page.
  std::string legacy = "<p>caf\xE9</p>";
  text = utf8_page_text(legacy, "text/html");
  CHECK(text.charset == "windows-1252");
  CHECK(text.utf8 == "<p>caf\xC3\xA9</p>");
}

TEST_CASE("page charset: an unknown charset is an error a person can read", "[audit][crawl]") {
  std::string page = "<p>x</p>";
  auto text = utf8_page_text(page, "text/html; charset=x-no-such-charset");
  CHECK(text.utf8.empty());
  CHECK(text.error.find("x-no-such-charset") != std::string::npos);
}
