// url_pattern.cpp — the only translation unit that instantiates std::regex.
#include "siteaudit/audit/url_pattern.hpp"

#include <regex>
#include <utility>

namespace siteaudit::audit {

struct UrlPattern::Compiled {
  std::regex regex;
};

namespace {

// describe_regex_error() says in words what std::regex rejected; the library's what() strings
// differ between standard libraries and are rarely helpful.
const char* describe_regex_error(std::regex_constants::error_type code) noexcept {
  namespace rc = std::regex_constants;
  switch (code) {
    case rc::error_collate:
      return "invalid collating element";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape or trailing backslash";
    case rc::error_backref:
      return "invalid back reference";
    case rc::error_brack:
      return "unmatched '[' or ']'";
    case rc::error_paren:
      return "unmatched '(' or ')'";
    case rc::error_brace:
      return "unmatched '{' or '}'";
    case rc::error_badbrace:
      return "invalid count in '{}'";
    case rc::error_range:
      return "invalid character range in '[]'";
    case rc::error_space:
      return "out of memory compiling it";
    case rc::error_badrepeat:
      return "'*', '+', '?' or '{' with nothing to repeat";
    case rc::error_complexity:
      return "too complex to match";
    case rc::error_stack:
      return "too complex to match (stack)";
    default:
      return "invalid syntax";
  }
}

}  // namespace

UrlPattern::UrlPattern(std::string text, std::shared_ptr<const Compiled> compiled)
    : text_(std::move(text)), compiled_(std::move(compiled)) {}

ParseResult<UrlPattern> UrlPattern::compile(std::string_view option, std::string text) {
  auto invalid = [&](std::string_view why) {
    return ParseResult<UrlPattern>::failure(
        std::string(option) + ": '" + text +
        "' is not a valid regular expression: " + std::string(why));
  };
  // A leading quantifier is the commonest mistake (a glob such as "*.pdf"); libstdc++ reports
  // it as a mismatched parenthesis, so it is recognised here first.
  if (!text.empty() &&
      (text.front() == '*' || text.front() == '+' || text.front() == '?' || text.front() == '{')) {
    std::string why(1, '\'');
    why += text.front();
    why += "' at the start has nothing to repeat (for any text write .*)";
    return invalid(why);
  }
  // std::regex reports errors only by throwing, so this is the one place that catches
  // regex_error.
  try {
    auto compiled = std::make_shared<const Compiled>(
        Compiled{std::regex(text, std::regex::ECMAScript | std::regex::optimize)});
    return ParseResult<UrlPattern>::success(UrlPattern(std::move(text), std::move(compiled)));
  } catch (const std::regex_error& e) {
    return invalid(describe_regex_error(e.code()));
  }
}

bool UrlPattern::search(std::string_view url) const {
  return std::regex_search(url.begin(), url.end(), compiled_->regex);
}

}  // namespace siteaudit::audit
