#include "siteaudit/audit/url_rewrite.hpp"

#include <algorithm>

#include "audit/rule_text.hpp"

namespace siteaudit::audit {

namespace {

using namespace rules_detail;

// scheme_length() is the length of "http://" or "https://" at the start of `text` (any case),
// 0 when there is neither.
std::size_t scheme_length(std::string_view text) {
  if (istarts_with(text, "http://")) return 7;
  if (istarts_with(text, "https://")) return 8;
  return 0;
}

// check_prefix() validates one side of a rule and lower-cases its scheme and host in place.
bool check_prefix(std::string& prefix, const char* side, const std::string& where,
                  std::string& error) {
  std::size_t scheme = scheme_length(prefix);
  if (scheme == 0) {
    error =
        where + ": " + side + " '" + prefix + "' is not an absolute http:// or https:// URL prefix";
    return false;
  }
  std::size_t host_end = prefix.find_first_of("/?#", scheme);
  if (host_end == std::string::npos) host_end = prefix.size();
  std::string_view authority = std::string_view(prefix).substr(scheme, host_end - scheme);
  if (authority.empty() || authority.front() == ':' || authority.front() == '@') {
    error = where + ": " + side + " '" + prefix + "' has no host";
    return false;
  }
  for (char c : prefix) {
    if (is_space(c)) {
      error = where + ": " + side + " '" + prefix + "' contains whitespace";
      return false;
    }
  }
  if (prefix.find('#') != std::string::npos) {
    error = where + ": " + side + " '" + prefix +
            "' contains '#' (fragments are never sent to servers)";
    return false;
  }
  for (std::size_t i = 0; i < host_end; ++i) prefix[i] = to_lower(prefix[i]);
  return true;
}

}  // namespace

ParseResult<RewriteRules> RewriteRules::parse(const std::vector<std::string>& rules) {
  using Result = ParseResult<RewriteRules>;
  RewriteRules out;
  for (const std::string& raw : rules) {
    std::string_view text = strip(raw);
    const std::string where = "--rewrite '" + std::string(text) + "'";
    // Split at the first '=' that starts the TO URL, so that a FROM with a query works.
    std::size_t split = std::string_view::npos;
    for (std::size_t eq = text.find('='); eq != std::string_view::npos;
         eq = text.find('=', eq + 1)) {
      if (scheme_length(text.substr(eq + 1)) != 0) {
        split = eq;
        break;
      }
    }
    if (split == std::string_view::npos || split == 0) {
      return Result::failure(where +
                             ": expected FROM=TO with absolute http(s) URL prefixes (e.g. "
                             "https://example.com=https://preview.example.net)");
    }
    Rule rule{std::string(text.substr(0, split)), std::string(text.substr(split + 1)),
              std::string(text)};
    std::string error;
    if (!check_prefix(rule.from, "FROM", where, error) ||
        !check_prefix(rule.to, "TO", where, error)) {
      return Result::failure(std::move(error));
    }
    // A trailing '/' on FROM alone would glue the rest of the path to TO's last segment
    // ("https://a.test/=https://b.test" made "https://b.testx" of "https://a.test/x"): TO gets
    // the '/' too. (One on TO alone is handled by apply(), which drops the doubled slash.)
    if (rule.from.back() == '/' && rule.to.back() != '/') {
      if (rule.to.find('?') != std::string::npos) {
        return Result::failure(where +
                               ": FROM ends with '/' and TO, which has a query, does not; "
                               "end both with '/' or neither");
      }
      rule.to += '/';
    }
    for (const Rule& other : out.rules_) {
      if (other.from == rule.from) {
        return Result::failure(where + ": FROM '" + rule.from + "' is already rewritten to '" +
                               other.to + "'; give each FROM once");
      }
    }
    out.rules_.push_back(std::move(rule));
  }
  std::stable_sort(out.rules_.begin(), out.rules_.end(),
                   [](const Rule& a, const Rule& b) { return a.from.size() > b.from.size(); });
  out.hits_ = std::make_shared<std::vector<std::atomic<std::uint64_t>>>(out.rules_.size());
  return Result::success(std::move(out));
}

std::vector<std::string> RewriteRules::unused() const {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if ((*hits_)[i].load(std::memory_order_relaxed) == 0) texts.push_back(rules_[i].text);
  }
  return texts;
}

std::string RewriteRules::apply(std::string_view url) const {
  for (std::size_t index = 0; index < rules_.size(); ++index) {
    const Rule& rule = rules_[index];
    if (url.size() < rule.from.size()) continue;
    // FROM's scheme and host are lower-case; compare them without regard to case, the rest
    // exactly, because paths are case-sensitive.
    std::size_t host_end = rule.from.find_first_of("/?#", scheme_length(rule.from));
    if (host_end == std::string::npos) host_end = rule.from.size();
    if (!iequals(url.substr(0, host_end), std::string_view(rule.from).substr(0, host_end))) {
      continue;
    }
    if (url.substr(host_end, rule.from.size() - host_end) !=
        std::string_view(rule.from).substr(host_end)) {
      continue;
    }
    std::string_view rest = url.substr(rule.from.size());
    bool in_query = rule.from.find('?') != std::string::npos;
    bool at_boundary = rule.from.back() == '/' || rest.empty() || rest.front() == '/' ||
                       rest.front() == '?' || rest.front() == '#' ||
                       (in_query && rest.front() == '&');
    if (!at_boundary) continue;
    (*hits_)[index].fetch_add(1, std::memory_order_relaxed);
    std::string out = rule.to;
    // "https://a.test=https://b.test/" applied to "https://a.test/x" would otherwise give
    // "https://b.test//x".
    if (!out.empty() && out.back() == '/' && !rest.empty() && rest.front() == '/') {
      rest.remove_prefix(1);
    }
    out.append(rest);
    return out;
  }
  return std::string(url);
}

}  // namespace siteaudit::audit
