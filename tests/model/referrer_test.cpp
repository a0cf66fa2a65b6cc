// referrer_test.cpp — how a referrer's element and attribute are named in reports and messages.
#include "siteaudit/model/referrer.hpp"

#include <catch2/catch.hpp>

using siteaudit::model::is_css_construct;
using siteaudit::model::link_holder;

TEST_CASE("link_holder: an element and attribute, an element's text, a CSS construct", "[model]") {
  CHECK(link_holder("img", "src") == "<img src>");
  CHECK(link_holder("redirect", "location") == "<redirect location>");
  CHECK(link_holder("style", "") == "<style>");
  CHECK(link_holder("url()", "") == "url()");
  CHECK(link_holder("@import", "") == "@import");
  CHECK(is_css_construct("url()", ""));
  CHECK(is_css_construct("@import", ""));
  CHECK_FALSE(is_css_construct("style", ""));
  CHECK_FALSE(is_css_construct("div", "style"));
}
