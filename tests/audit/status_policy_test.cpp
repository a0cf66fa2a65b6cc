#include "siteaudit/audit/status_policy.hpp"

#include <catch2/catch.hpp>

using siteaudit::audit::StatusPolicy;
using siteaudit::audit::StatusSet;
using Kind = siteaudit::audit::StatusVerdict::Kind;

namespace {

StatusPolicy policy(std::string_view accept, std::vector<std::string> rules = {}) {
  auto parsed = StatusPolicy::parse(accept, rules);
  INFO(parsed.error());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

std::string policy_error(std::string_view accept, std::vector<std::string> rules = {}) {
  auto parsed = StatusPolicy::parse(accept, rules);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

}  // namespace

TEST_CASE("StatusSet parses statuses and inclusive ranges", "[audit]") {
  auto set = StatusSet::parse("200-299, 304,418", "--accept");
  REQUIRE(set.ok());
  CHECK(set.value().contains(200));
  CHECK(set.value().contains(250));
  CHECK(set.value().contains(299));
  CHECK(set.value().contains(304));
  CHECK(set.value().contains(418));
  CHECK_FALSE(set.value().contains(199));
  CHECK_FALSE(set.value().contains(300));
  CHECK_FALSE(set.value().contains(0));
  CHECK(set.value().text() == "200-299,304,418");

  auto single_range = StatusSet::parse("100-599", "--accept");
  REQUIRE(single_range.ok());
  CHECK(single_range.value().contains(100));
  CHECK(single_range.value().contains(599));
  CHECK_FALSE(single_range.value().contains(600));
}

TEST_CASE("StatusSet rejects malformed lists with the option and the offending text", "[audit]") {
  auto error = [](std::string_view text) {
    auto set = StatusSet::parse(text, "--accept");
    REQUIRE_FALSE(set.ok());
    return set.error();
  };
  CHECK(error("20x") == "--accept: '20x' is not a status or range (expected e.g. 200-299,304)");
  CHECK(error("") == "--accept: empty status list (expected e.g. 200-299,304)");
  CHECK(error("   ") == "--accept: empty status list (expected e.g. 200-299,304)");
  CHECK(error("200,,304") == "--accept: empty item in '200,,304' (expected e.g. 200-299,304)");
  CHECK(error("200,") == "--accept: empty item in '200,' (expected e.g. 200-299,304)");
  CHECK(error("700") == "--accept: 700 is not an HTTP status (statuses are 100-599)");
  CHECK(error("99-200") == "--accept: 99 is not an HTTP status (statuses are 100-599)");
  CHECK(error("299-200") == "--accept: range '299-200' is backwards (write 200-299)");
  CHECK(error("-200") == "--accept: '-200' is not a status or range (expected e.g. 200-299,304)");
  CHECK(error("200-") == "--accept: '200-' is not a status or range (expected e.g. 200-299,304)");
  CHECK(error("2xx") == "--accept: '2xx' is not a status or range (expected e.g. 200-299,304)");
  CHECK(error("200-250-299") ==
        "--accept: '200-250-299' is not a status or range (expected e.g. 200-299,304)");
  CHECK(error("99999999999") ==
        "--accept: '99999999999' is not a status or range (expected e.g. 200-299,304)");
}

TEST_CASE("StatusPolicy defaults to accepting 2xx and fails everything else", "[audit]") {
  StatusPolicy defaults;
  CHECK(defaults.judge("https://example.com/", 200).kind == Kind::ok);
  CHECK(defaults.judge("https://example.com/", 204).reason.empty());
  auto verdict = defaults.judge("https://example.com/", 404);
  CHECK(verdict.kind == Kind::failure);
  CHECK(verdict.reason == "status 404 is not accepted (--accept 200-299)");
  CHECK(verdict.rule == -1);
  CHECK(defaults.judge("https://example.com/", 0).reason == "no HTTP status");
}

TEST_CASE("StatusPolicy: a 429 from one host warns while a 404 anywhere fails", "[audit]") {
  StatusPolicy rules = policy("200-299,304", {"host=cdn.example.com 429=warn"});
  auto warned = rules.judge("https://cdn.example.com/lib.js", 429);
  CHECK(warned.kind == Kind::warning);
  CHECK(warned.reason ==
        "status 429 is a warning by --status-rule 'host=cdn.example.com 429=warn'");
  CHECK(warned.rule == 0);
  CHECK(rules.judge("https://cdn.example.com/missing.js", 404).kind == Kind::failure);
  CHECK(rules.judge("https://www.example.com/", 429).kind == Kind::failure);
  CHECK(rules.judge("https://www.example.com/", 304).kind == Kind::ok);
}

TEST_CASE("StatusPolicy host selectors: exact, any case, wildcard subdomains, ports", "[audit]") {
  StatusPolicy rules =
      policy("200-299", {"host=CDN.Example.com 429=warn", "host=*.example.org 500-599=warn"});
  CHECK(rules.judge("https://cdn.example.com:8443/a", 429).kind == Kind::warning);
  CHECK(rules.judge("https://user:pw@cdn.example.com/a", 429).kind == Kind::warning);
  CHECK(rules.judge("https://xcdn.example.com/a", 429).kind == Kind::failure);
  CHECK(rules.judge("https://cdn.example.com.evil.net/a", 429).kind == Kind::failure);

  CHECK(rules.judge("https://a.example.org/", 503).kind == Kind::warning);
  CHECK(rules.judge("https://a.b.example.org/?q", 500).kind == Kind::warning);
  // *.example.org names subdomains only, and never a host that merely ends in the text.
  CHECK(rules.judge("https://example.org/", 503).kind == Kind::failure);
  CHECK(rules.judge("https://badexample.org/", 503).kind == Kind::failure);

  StatusPolicy ipv6 = policy("200", {"host=::1 404=ok"});
  CHECK(ipv6.judge("http://[::1]:8080/x", 404).kind == Kind::ok);
}

TEST_CASE("StatusPolicy url selectors search a regular expression in the URL", "[audit]") {
  StatusPolicy rules = policy("200-299", {"url=^https://x\\.test/api/ 404=ok 500-599=skip"});
  auto ok = rules.judge("https://x.test/api/v1", 404);
  CHECK(ok.kind == Kind::ok);
  CHECK(ok.reason.empty());
  CHECK(ok.rule == 0);
  auto skipped = rules.judge("https://x.test/api/v1", 502);
  CHECK(skipped.kind == Kind::skipped);
  CHECK(skipped.reason ==
        "status 502 is skipped by --status-rule 'url=^https://x\\.test/api/ 404=ok 500-599=skip'");
  CHECK(rules.judge("https://x.test/docs/api/", 404).kind == Kind::failure);
}

TEST_CASE("StatusPolicy: the first matching rule wins, then --accept", "[audit]") {
  StatusPolicy rules = policy("200-299,404", {"host=a.test 404=fail", "404=warn", "*=ok"});
  auto failed = rules.judge("https://a.test/", 404);
  CHECK(failed.kind == Kind::failure);
  CHECK(failed.reason == "status 404 is a failure by --status-rule 'host=a.test 404=fail'");
  CHECK(rules.judge("https://b.test/", 404).kind == Kind::warning);
  CHECK(rules.judge("https://b.test/", 404).rule == 1);
  // A rule without a selector applies everywhere; "*" is every status.
  CHECK(rules.judge("https://b.test/", 500).kind == Kind::ok);
  CHECK(rules.judge("https://b.test/", 500).rule == 2);

  // Within a rule, clauses are tried left to right.
  StatusPolicy clauses = policy("200", {"host=a.test 400-499=warn 404=fail"});
  CHECK(clauses.judge("https://a.test/", 404).kind == Kind::warning);
  // fail overrides --accept.
  StatusPolicy strict = policy("200-299", {"host=a.test 204=fail"});
  CHECK(strict.judge("https://a.test/", 204).kind == Kind::failure);
  CHECK(strict.judge("https://b.test/", 204).kind == Kind::ok);
}

TEST_CASE("StatusPolicy rejects bad rules with the rule and what to write", "[audit]") {
  CHECK(policy_error("2xx") ==
        "--accept: '2xx' is not a status or range (expected e.g. 200-299,304)");
  CHECK(policy_error("200", {"  "}) ==
        "--status-rule: empty rule (expected e.g. 'host=cdn.example.com 429=warn' or "
        "'url=^https://x/api/ 404=ok')");
  CHECK(policy_error("200", {"host=cdn.example.com"}) ==
        "--status-rule 'host=cdn.example.com': no STATUS=ACTION clause (expected e.g. 429=warn "
        "or 500-599=fail)");
  CHECK(policy_error("200", {"host=a.test 429=ignore"}) ==
        "--status-rule 'host=a.test 429=ignore': 'ignore' is not an action (expected ok, warn, "
        "fail or skip)");
  CHECK(policy_error("200", {"host=a.test 42x=warn"}) ==
        "--status-rule 'host=a.test 42x=warn': '42x' is not a status or range (expected e.g. "
        "200-299,304)");
  CHECK(policy_error("200", {"429=warn host=a.test"}) ==
        "--status-rule '429=warn host=a.test': 'host=a.test' is a selector; write it first, "
        "once per rule (e.g. 'host=a.test 429=warn')");
  CHECK(policy_error("200", {"host=a.test url=x 429=warn"}) ==
        "--status-rule 'host=a.test url=x 429=warn': 'url=x' is a selector; write it first, "
        "once per rule (e.g. 'host=a.test 429=warn')");
  CHECK(policy_error("200", {"host=a.test warn"}) ==
        "--status-rule 'host=a.test warn': 'warn' is not a STATUS=ACTION clause (expected e.g. "
        "429=warn; a selector such as host= or url= must come first)");
  CHECK(policy_error("200", {"host= 429=warn"}) ==
        "--status-rule 'host= 429=warn': '' is not a host (expected e.g. host=cdn.example.com "
        "or host=*.example.org)");
  CHECK(policy_error("200", {"host=a.*.test 429=warn"}) ==
        "--status-rule 'host=a.*.test 429=warn': 'a.*.test' is not a host (expected e.g. "
        "host=cdn.example.com or host=*.example.org)");
  CHECK(policy_error("200", {"host=https://a.test/ 429=warn"}).find("is not a host") !=
        std::string::npos);
  CHECK(policy_error("200", {"url=[a 404=ok"}) ==
        "--status-rule 'url=[a 404=ok': '[a' is not a valid regular expression: unmatched '[' "
        "or ']'");
  CHECK(policy_error("200", {"url= 404=ok"}) ==
        "--status-rule 'url= 404=ok': url= needs a regular expression (e.g. url=^https://x/api/)");
  CHECK(policy_error("200", {"host=a.test 999=warn"}) ==
        "--status-rule 'host=a.test 999=warn': 999 is not an HTTP status (statuses are 100-599)");
}
