// utf8_test.cpp — invalid_utf8_at() finds the first byte that starts no UTF-8 sequence.
#include "siteaudit/audit/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using siteaudit::audit::invalid_utf8_at;

TEST_CASE("invalid_utf8_at: UTF-8 of every length passes", "[audit]") {
  CHECK(invalid_utf8_at("") == std::string_view::npos);
  CHECK(invalid_utf8_at("https://example.com/a") == std::string_view::npos);
  CHECK(invalid_utf8_at("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == std::string_view::npos);
}

TEST_CASE("invalid_utf8_at: the first byte that starts no complete sequence", "[audit]") {
  CHECK(invalid_utf8_at("caf\xE9.html") == 3);             // Latin-1 e acute
  CHECK(invalid_utf8_at("ab\x80") == 2);                   // a continuation without a lead
  CHECK(invalid_utf8_at("\xC3\xA9\xC3") == 2);             // cut at the end
  CHECK(invalid_utf8_at("x\xE2\x82y") == 1);               // a short sequence before ASCII
  CHECK(invalid_utf8_at("\xF8\x88\x80\x80\x80") == 0);     // no UTF-8 lead byte
  CHECK(invalid_utf8_at(std::string("a\0\xFF", 3)) == 2);  // a NUL is UTF-8
}

TEST_CASE("append_utf8: one to four bytes", "[audit]") {
  std::string out;
  for (const char32_t cp : {U'a', U'\u00E9', U'\u20AC', U'\U0001F600'})
    siteaudit::audit::append_utf8(out, cp);
  CHECK(out == "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(invalid_utf8_at(out) == std::string_view::npos);
}
