// url_pattern.cpp — the only translation unit that includes RE2.
#include "siteaudit/audit/url_pattern.hpp"

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <utility>

namespace siteaudit::audit {

struct UrlPattern::Compiled {
  explicit Compiled(const std::string& text, const RE2::Options& options) : re(text, options) {}
  RE2 re;
};

namespace {

// kMaxMemory bounds what one pattern may hold: its compiled program (up to about two thirds of
// it; a pattern that needs more is refused when it is compiled) and the lazily built DFA
// states. When the DFA fills its share, RE2 starts it afresh or falls back to its NFA: slower,
// still linear in the URL, never more memory. RE2's own default, named here because it is a
// promise of this file.
constexpr std::int64_t kMaxMemory = std::int64_t{8} << 20;

RE2::Options pattern_options() {
  RE2::Options options;
  // A URL is bytes, not necessarily UTF-8 (a hostile sitemap may hold any byte): in UTF-8 mode
  // '.' would not match an invalid byte, and "^https://x/.*private" would let such a URL past
  // an --exclude. Latin-1 makes every byte one character, as std::regex<char> did.
  options.set_encoding(RE2::Options::EncodingLatin1);
  // Errors are returned to the user as one line naming the option; RE2 must not also print
  // them on stderr.
  options.set_log_errors(false);
  options.set_max_mem(kMaxMemory);
  return options;
}

// describe_error() says in words what RE2 rejected and where (error_arg() is the offending
// piece), with a hint when it is an ECMAScript form that RE2 does not have: back references
// and lookaround are left out on purpose, as they cannot be matched in linear time.
std::string describe_error(const RE2& re) {
  const std::string& arg = re.error_arg();
  const std::string quoted = "'" + arg + "'";
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      if (arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9')
        return "invalid escape " + quoted + " (back references are not supported)";
      if (arg == "\\u")
        return "invalid escape " + quoted + " (write the character, or each of its bytes as \\xHH)";
      return "invalid escape " + quoted;
    case RE2::ErrorBadCharClass:
      return "invalid character class " + quoted;
    case RE2::ErrorBadCharRange:
      return "invalid character range " + quoted + " in '[]'";
    case RE2::ErrorMissingBracket:
      return "unmatched '[' or ']'";
    case RE2::ErrorMissingParen:
    case RE2::ErrorUnexpectedParen:
      return "unmatched '(' or ')'";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash";
    case RE2::ErrorRepeatArgument:
      return quoted + " has nothing to repeat";
    case RE2::ErrorRepeatSize:
      return "invalid count " + quoted + " (counts in {} go up to 1000)";
    case RE2::ErrorRepeatOp:
      return "invalid repetition " + quoted;
    case RE2::ErrorBadPerlOp:
      if (arg.starts_with("(?=") || arg.starts_with("(?!"))
        return "unsupported group " + quoted + " (lookahead is not supported)";
      if (arg.starts_with("(?<"))
        return "unsupported group " + quoted +
               " (lookbehind is not supported; a named group is written (?P<name>...))";
      return "invalid group " + quoted;
    case RE2::ErrorBadNamedCapture:
      return "invalid named group " + quoted;
    case RE2::ErrorPatternTooLarge:
      return "too large (it would need more than 8 MiB compiled; split it into several patterns)";
    default:
      return re.error();
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
  // A leading quantifier is the commonest mistake (a glob such as "*.pdf"): it gets a hint
  // that says what to write instead.
  if (!text.empty() &&
      (text.front() == '*' || text.front() == '+' || text.front() == '?' || text.front() == '{')) {
    std::string why(1, '\'');
    why += text.front();
    why += "' at the start has nothing to repeat (for any text write .*)";
    return invalid(why);
  }
  auto compiled = std::make_shared<const Compiled>(text, pattern_options());
  if (!compiled->re.ok()) {
    return invalid(describe_error(compiled->re));
  }
  return ParseResult<UrlPattern>::success(UrlPattern(std::move(text), std::move(compiled)));
}

bool UrlPattern::search(std::string_view url) const {
  // Unanchored, no submatches: RE2 answers with its DFA, one pass over the URL.
  return RE2::PartialMatch(re2::StringPiece(url.data(), url.size()), compiled_->re);
}

}  // namespace siteaudit::audit
