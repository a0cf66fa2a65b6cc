#include "siteaudit/audit/status_policy.hpp"

#include <algorithm>
#include <charconv>

#include "audit/rule_text.hpp"

namespace siteaudit::audit {

namespace {

using namespace rules_detail;

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;
constexpr const char* kListExample = "(expected e.g. 200-299,304)";

// parse_status() reads one STATUS; false when `text` is not all digits or out of int range.
bool parse_status(std::string_view text, int& status) {
  if (text.empty() || text.size() > 6 || text.front() < '0' || text.front() > '9') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

ParseResult<StatusSet> StatusSet::parse(std::string_view text, std::string_view option) {
  using Result = ParseResult<StatusSet>;
  const std::string prefix = std::string(option) + ": ";
  StatusSet set;
  for (char c : text) {
    if (!is_space(c)) set.text_ += c;
  }
  if (set.text_.empty()) return Result::failure(prefix + "empty status list " + kListExample);

  std::string_view rest = set.text_;
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    if (item.empty()) {
      return Result::failure(prefix + "empty item in '" + set.text_ + "' " + kListExample);
    }
    // A leading '-' cannot start a range, so search for the separator after the first char.
    std::size_t dash = item.find('-', 1);
    std::string_view low_text = item.substr(0, dash);
    std::string_view high_text = dash == std::string_view::npos ? low_text : item.substr(dash + 1);
    int low = 0, high = 0;
    if (!parse_status(low_text, low) || !parse_status(high_text, high)) {
      return Result::failure(prefix + "'" + std::string(item) + "' is not a status or range " +
                             kListExample);
    }
    for (int status : {low, high}) {
      if (status < kMinStatus || status > kMaxStatus) {
        return Result::failure(prefix + std::to_string(status) +
                               " is not an HTTP status (statuses are 100-599)");
      }
    }
    if (low > high) {
      return Result::failure(prefix + "range '" + std::string(item) + "' is backwards (write " +
                             std::to_string(high) + "-" + std::to_string(low) + ")");
    }
    set.ranges_.emplace_back(low, high);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Result::success(std::move(set));
}

StatusSet StatusSet::all() {
  StatusSet set;
  set.ranges_.emplace_back(kMinStatus, kMaxStatus);
  set.text_.push_back('*');  // not = "*": GCC 12 -O3 reports a false -Wrestrict (bug 105329)
  return set;
}

bool StatusSet::contains(int status) const noexcept {
  return std::any_of(ranges_.begin(), ranges_.end(), [status](const auto& range) {
    return status >= range.first && status <= range.second;
  });
}

const char* to_string(StatusAction action) noexcept {
  switch (action) {
    case StatusAction::ok:
      return "ok";
    case StatusAction::warn:
      return "warn";
    case StatusAction::fail:
      return "fail";
    case StatusAction::skip:
      return "skip";
  }
  return "?";
}

StatusPolicy::StatusPolicy() : accept_(StatusSet::parse("200-299", "--accept").value()) {}

ParseResult<StatusPolicy> StatusPolicy::parse(std::string_view accept,
                                              const std::vector<std::string>& rules) {
  using Result = ParseResult<StatusPolicy>;
  StatusPolicy policy;
  auto accepted = StatusSet::parse(accept, "--accept");
  if (!accepted.ok()) return Result::failure(accepted.error());
  policy.accept_ = std::move(accepted).value();
  for (const std::string& text : rules) {
    Rule rule;
    std::string error;
    if (!parse_rule(text, rule, error)) return Result::failure(error);
    policy.rules_.push_back(std::move(rule));
  }
  return Result::success(std::move(policy));
}

bool StatusPolicy::parse_rule(std::string_view text, Rule& rule, std::string& error) {
  rule.text = std::string(strip(text));
  const std::string where = "--status-rule '" + rule.text + "'";
  const std::string grammar =
      " (expected e.g. 'host=cdn.example.com 429=warn' or 'url=^https://x/api/ 404=ok')";
  std::vector<std::string_view> words = split_words(text);
  if (words.empty()) {
    error = "--status-rule: empty rule" + grammar;
    return false;
  }
  std::size_t first_clause = 0;
  std::string_view head = words.front();
  if (istarts_with(head, "host=")) {
    std::string host = lowercase(head.substr(5));
    bool wildcard = host.starts_with("*.");
    std::string_view name = wildcard ? std::string_view(host).substr(2) : std::string_view(host);
    bool valid = !name.empty() && name.find_first_of("*/?#@ ") == std::string_view::npos &&
                 name.front() != '.' && name.back() != '.';
    if (!valid) {
      error = where + ": '" + std::string(head.substr(5)) +
              "' is not a host (expected e.g. host=cdn.example.com or host=*.example.org)";
      return false;
    }
    rule.selector = wildcard ? Rule::Selector::host_suffix : Rule::Selector::host;
    rule.host = wildcard ? std::string(1, '.').append(name) : std::string(name);
    first_clause = 1;
  } else if (istarts_with(head, "url=")) {
    std::string pattern(head.substr(4));
    if (pattern.empty()) {
      error = where + ": url= needs a regular expression (e.g. url=^https://x/api/)";
      return false;
    }
    ParseResult<UrlPattern> compiled = UrlPattern::compile(where, std::move(pattern));
    if (!compiled.ok()) {
      error = compiled.error();
      return false;
    }
    rule.url = std::move(compiled).value();
    rule.selector = Rule::Selector::url_regex;
    first_clause = 1;
  }
  if (first_clause == words.size()) {
    error = where + ": no STATUS=ACTION clause (expected e.g. 429=warn or 500-599=fail)";
    return false;
  }
  for (std::size_t i = first_clause; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (istarts_with(word, "host=") || istarts_with(word, "url=")) {
      error = where + ": '" + std::string(word) +
              "' is a selector; write it first, once per rule (e.g. 'host=a.test 429=warn')";
      return false;
    }
    std::size_t eq = word.rfind('=');
    if (eq == std::string_view::npos) {
      error = where + ": '" + std::string(word) +
              "' is not a STATUS=ACTION clause (expected e.g. 429=warn; a selector such as "
              "host= or url= must come first)";
      return false;
    }
    std::string_view list = word.substr(0, eq);
    std::string action = lowercase(word.substr(eq + 1));
    Clause clause;
    if (action == "ok") {
      clause.action = StatusAction::ok;
    } else if (action == "warn") {
      clause.action = StatusAction::warn;
    } else if (action == "fail") {
      clause.action = StatusAction::fail;
    } else if (action == "skip") {
      clause.action = StatusAction::skip;
    } else {
      error = where + ": '" + std::string(word.substr(eq + 1)) +
              "' is not an action (expected ok, warn, fail or skip)";
      return false;
    }
    if (list == "*") {
      clause.statuses = StatusSet::all();
    } else {
      auto statuses = StatusSet::parse(list, where);
      if (!statuses.ok()) {
        error = statuses.error();
        return false;
      }
      clause.statuses = std::move(statuses).value();
    }
    rule.clauses.push_back(std::move(clause));
  }
  return true;
}

bool StatusPolicy::selects(const Rule& rule, std::string_view url, std::string_view host) {
  switch (rule.selector) {
    case Rule::Selector::any:
      return true;
    case Rule::Selector::host:
      return host == rule.host;
    case Rule::Selector::host_suffix:
      return host.size() > rule.host.size() && host.ends_with(rule.host);
    case Rule::Selector::url_regex:
      return rule.url->search(url);
  }
  return false;
}

StatusVerdict StatusPolicy::judge(std::string_view url, int status) const {
  // The host is extracted lazily: most runs have no host rules, and a million URLs each
  // allocating a host string for nothing adds up.
  std::string host;
  bool host_known = false;
  for (std::size_t r = 0; r < rules_.size(); ++r) {
    const Rule& rule = rules_[r];
    auto clause = std::find_if(rule.clauses.begin(), rule.clauses.end(),
                               [status](const Clause& c) { return c.statuses.contains(status); });
    if (clause == rule.clauses.end()) continue;
    bool by_host =
        rule.selector == Rule::Selector::host || rule.selector == Rule::Selector::host_suffix;
    if (by_host && !host_known) {
      host = url_host(url);
      host_known = true;
    }
    if (!selects(rule, url, host)) continue;

    StatusVerdict verdict;
    verdict.rule = static_cast<int>(r);
    const std::string by = " by --status-rule '" + rule.text + "'";
    const std::string code = "status " + std::to_string(status);
    switch (clause->action) {
      case StatusAction::ok:
        verdict.kind = StatusVerdict::Kind::ok;
        break;
      case StatusAction::warn:
        verdict.kind = StatusVerdict::Kind::warning;
        verdict.reason = code + " is a warning" + by;
        break;
      case StatusAction::fail:
        verdict.kind = StatusVerdict::Kind::failure;
        verdict.reason = code + " is a failure" + by;
        break;
      case StatusAction::skip:
        verdict.kind = StatusVerdict::Kind::skipped;
        verdict.reason = code + " is skipped" + by;
        break;
    }
    return verdict;
  }
  StatusVerdict verdict;
  if (!accept_.contains(status)) {
    verdict.kind = StatusVerdict::Kind::failure;
    verdict.reason = status == 0 ? std::string("no HTTP status")
                                 : "status " + std::to_string(status) +
                                       " is not accepted (--accept " + accept_.text() + ")";
  }
  return verdict;
}

}  // namespace siteaudit::audit
