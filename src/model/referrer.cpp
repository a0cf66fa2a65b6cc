// referrer.cpp — how a referrer's element and attribute are named.
#include "siteaudit/model/referrer.hpp"

namespace siteaudit::model {

bool is_css_construct(std::string_view element, std::string_view attribute) noexcept {
  return attribute.empty() && (element.starts_with('@') || element.ends_with(')'));
}

std::string link_holder(std::string_view element, std::string_view attribute) {
  if (is_css_construct(element, attribute)) return std::string(element);
  std::string out = "<";
  out.append(element);
  if (!attribute.empty()) out.append(" ").append(attribute);
  out += '>';
  return out;
}

}  // namespace siteaudit::model
