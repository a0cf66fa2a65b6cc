// sarif_writer.cpp — SARIF 2.1.0, streamed one result at a time with the JSON report's emitter.
#include "siteaudit/report/sarif_writer.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "issues.hpp"
#include "json_text.hpp"
#include "rule_help.hpp"
#include "text.hpp"

namespace siteaudit::report {

namespace {

using json_text::append_array;
using json_text::append_string;
using json_text::Object;

constexpr std::string_view kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kSourceErrorRule = "source/unreadable";

// Rule is one entry of tool.driver.rules; a result refers to it by id and index.
struct Rule {
  std::string id;
  std::string name;  // PascalCase, as SARIF viewers show it
  RuleHelp help;
  bool failure;  // its results fail the run by default (defaultConfiguration.level)
};

std::string pascal_case(std::string_view word) {
  std::string name;
  bool upper = true;
  for (char c : word) {
    if (c == '_') {
      upper = true;
      continue;
    }
    name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return name;
}

// RuleTable is every rule, built from the model's tables, with the index of each kind's and
// code's rule.
class RuleTable {
 public:
  RuleTable() {
    for (const model::ErrorKindName& row : model::error_kind_names()) {
      // `none` is no error, and `finding` is reported as the finding's code.
      if (row.kind == model::ErrorKind::none || row.kind == model::ErrorKind::finding) continue;
      error_index_[row.kind] = rules_.size();
      rules_.push_back(
          {fmt::format("error/{}", row.name), pascal_case(row.name), error_help(row.kind), true});
    }
    for (const model::FindingCodeName& row : model::finding_code_names()) {
      finding_index_[row.code] = rules_.size();
      const bool failure = row.code == model::FindingCode::missing_route;
      rules_.push_back({fmt::format("finding/{}", row.name), pascal_case(row.name),
                        finding_help(row.code), failure});
    }
    source_error_index_ = rules_.size();
    rules_.push_back(
        {std::string(kSourceErrorRule), "UnreadableSitemap", source_error_help(), true});
  }

  const std::vector<Rule>& rules() const { return rules_; }
  // index_of_kind() is the index of the rule of a baseline's failure kind (FailureKey::kind):
  // an error kind's, a finding code's, or an unreadable sitemap's.
  std::size_t index_of_kind(std::string_view kind) const {
    if (kind == "source_error") return source_error_index_;
    if (kind == "missing_route") return finding_index_.at(model::FindingCode::missing_route);
    if (kind == "unexpected_route") return finding_index_.at(model::FindingCode::unexpected_url);
    // An error kind first: "status" is also a finding code, but a result fails by its kind.
    for (const model::ErrorKindName& row : model::error_kind_names()) {
      auto at = error_index_.find(row.kind);
      if (row.name == kind && at != error_index_.end()) return at->second;
    }
    if (auto code = model::finding_code_from(kind)) return finding_index_.at(*code);
    // "failed" (no error kind) and "inconclusive" are judged by the status.
    return error_index_.at(model::ErrorKind::status);
  }
  // index() is the index of the rule `issue` breaks.
  std::size_t index(const Issue& issue) const {
    switch (issue.rule) {
      case IssueRule::error_kind:
        return error_index_.at(issue.error);
      case IssueRule::finding:
        return finding_index_.at(issue.code);
      case IssueRule::source_error:
        break;
    }
    return source_error_index_;
  }

 private:
  std::vector<Rule> rules_;
  std::unordered_map<model::ErrorKind, std::size_t> error_index_;
  std::unordered_map<model::FindingCode, std::size_t> finding_index_;
  std::size_t source_error_index_ = 0;
};

// fingerprint() is FNV-1a (64 bits) of the parts, each followed by a unit separator, as 16 hex
// digits: the same on every platform and every run, unlike std::hash.
std::string fingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::string_view part : parts) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0x1f;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

// artifact_uri() is a sitemap's or file's place as a URI reference: a URL as it is, an absolute
// path as a file: URI, a relative path as a relative reference (code scanning resolves it
// against the repository's root). Characters a URI cannot hold are percent-encoded.
std::string artifact_uri(std::string_view where) {
  if (where.find("://") != std::string_view::npos) return std::string(where);
  std::string uri = where.starts_with('/') ? "file://" : "";
  for (char c : where) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                       (byte >= '0' && byte <= '9') ||
                       std::string_view("-._~/!$&'()*+,;=@").find(c) != std::string_view::npos;
    uri += plain ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  return uri;
}

// append_physical() appends a physicalLocation: the artifact and, when known, the line.
void append_physical(std::string& out, std::string_view where, std::uint32_t line) {
  Object physical(out);
  physical.nested("artifactLocation",
                  [&](std::string& l) { Object(l).string("uri", artifact_uri(where)); });
  if (line > 0) {
    physical.nested("region", [&](std::string& g) { Object(g).number("startLine", line); });
  }
}

// ResultWriter renders one issue at a time into a reused buffer and writes it out.
class ResultWriter {
 public:
  ResultWriter(const RuleTable& rules, std::ostream& out) : rules_(rules), out_(out) {}

  void write(const Issue& issue) {
    if (!out_) return;
    buf_.assign(first_ ? "\n        " : ",\n        ");
    first_ = false;
    render(issue);
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

  bool wrote_any() const { return !first_; }

  // write_absent() writes a baseline's failure that this run no longer has: baselineState
  // "absent", kind "pass" (the check found no problem), level "none"; located at the URL (or
  // the routes file), with the fingerprint the failure had.
  void write_absent(const model::FailureKey& key, std::string_view routes_file) {
    if (!out_) return;
    buf_.assign(first_ ? "\n        " : ",\n        ");
    first_ = false;
    render_absent(key, routes_file);
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

 private:
  void render(const Issue& issue) {
    const std::size_t index = rules_.index(issue);
    const Rule& rule = rules_.rules()[index];
    Object o(buf_);
    o.string("ruleId", rule.id).number("ruleIndex", index);
    // A known failure (--baseline) does not fail the run: a warning, as SARIF's levels go.
    const bool known = issue.baseline == model::BaselineState::known;
    o.string("level", issue.fails && !known ? "error" : "warning");
    if (issue.baseline != model::BaselineState::none) {
      o.string("baselineState", known ? "unchanged" : "new");
    }
    o.nested("message", [&](std::string& m) { Object(m).string("text", issue.message); });
    if (!issue.where.empty()) {
      o.nested("locations", [&](std::string& a) {
        a += '[';
        {
          Object location(a);
          location.nested("physicalLocation",
                          [&](std::string& p) { append_physical(p, issue.where, issue.line); });
        }
        a += ']';
      });
    }
    if (issue.referrers != nullptr) {
      // Crawl mode: every page kept that links to the URL, at the link's line.
      o.nested("relatedLocations", [&](std::string& a) {
        std::size_t id = 0;
        append_array(a, *issue.referrers, [&](std::string& l, const model::Referrer& ref) {
          Object related(l);
          related.number("id", id++);
          related.nested("physicalLocation",
                         [&](std::string& p) { append_physical(p, ref.page, ref.line); });
          related.nested("message", [&](std::string& m) {
            Object(m).string("text", text::referrer_text(ref));
          });
        });
      });
    }
    o.nested("partialFingerprints", [&](std::string& f) {
      Object(f).string(kSarifFingerprintKey, fingerprint({rule.id, issue.identity}));
    });
    if (!issue.url.empty()) {
      o.nested("properties", [&](std::string& p) {
        Object props(p);
        props.string("url", issue.url);
        if (issue.status > 0) {
          props.number("status", issue.status);
        } else {
          props.null("status");
        }
      });
    }
  }

  // render_absent() is write_absent()'s object, closed before the buffer is written.
  void render_absent(const model::FailureKey& key, std::string_view routes_file) {
    const std::size_t index = rules_.index_of_kind(key.kind);
    const Rule& rule = rules_.rules()[index];
    const bool route = key.kind == "missing_route";
    Object o(buf_);
    o.string("ruleId", rule.id).number("ruleIndex", index);
    o.string("kind", "pass").string("level", "none").string("baselineState", "absent");
    o.nested("message", [&](std::string& m) {
      Object(m).string("text",
                       fmt::format("{}: {} is fixed since the baseline", key.url, key.kind));
    });
    const std::string_view where = route ? routes_file : std::string_view(key.url);
    if (!where.empty()) {
      o.nested("locations", [&](std::string& a) {
        a += '[';
        {
          Object location(a);
          location.nested("physicalLocation",
                          [&](std::string& p) { append_physical(p, where, 0); });
        }
        a += ']';
      });
    }
    o.nested("partialFingerprints", [&](std::string& f) {
      Object(f).string(kSarifFingerprintKey, fingerprint({rule.id, key.url}));
    });
  }

  const RuleTable& rules_;
  std::ostream& out_;
  std::string buf_;
  bool first_ = true;
};

void append_rule(std::string& out, const Rule& rule) {
  const std::string help = rule.help.summary + " " + rule.help.advice;
  Object(out)
      .string("id", rule.id)
      .string("name", rule.name)
      .nested("shortDescription",
              [&](std::string& d) { Object(d).string("text", rule.help.summary); })
      .nested("fullDescription", [&](std::string& d) { Object(d).string("text", help); })
      .nested("help",
              [&](std::string& h) {
                Object(h)
                    .string("text", help)
                    .string("markdown", fmt::format("{}\n\n**What to do:** {}", rule.help.summary,
                                                    rule.help.advice));
              })
      .nested(
          "defaultConfiguration",
          [&](std::string& c) { Object(c).string("level", rule.failure ? "error" : "warning"); })
      .nested("properties", [&](std::string& p) {
        Object(p).nested("tags", [&](std::string& t) {
          append_array(
              t, std::vector<std::string_view>{"siteaudit", rule.id.substr(0, rule.id.find('/'))},
              [](std::string& s, std::string_view tag) { append_string(s, tag); });
        });
      });
}

// append_properties() is the run's property bag: the verdict, the JSON report's summary object,
// and the counts of what is not a URL.
void append_properties(std::string& out, const model::Report& report) {
  Object(out)
      .string("verdict", text::verdict(report))
      .nested("summary", [&](std::string& s) { json_text::append_summary(s, report.summary); })
      .number("missing_routes", report.routes.missing.size())
      .number("unexpected_urls", report.routes.unexpected.size())
      .number("unreadable_sitemaps", text::failed_sources(report))
      .number("strict_failures", text::strict_failures(report).total())
      .nested("baseline",
              [&](std::string& b) {
                const model::BaselineInfo& info = report.baseline;
                if (!info.enabled()) {
                  b += "null";
                  return;
                }
                Object(b)
                    .string("file", info.file)
                    .number("new", info.fresh.size())
                    .number("known", info.known.size())
                    .number("fixed", info.fixed.size());
              })
      .number("duration_ms", report.run.duration_ms);
}

}  // namespace

void write_sarif(const model::Report& report, std::ostream& out) {
  static const RuleTable rules;
  std::string buf = "{\n  \"$schema\": ";
  append_string(buf, kSchemaUri);
  buf += ",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": ";
  Object(buf).nested("driver", [&](std::string& d) {
    Object driver(d);
    driver.string("name", report.tool.name)
        .string("version", report.tool.version)
        .string("semanticVersion", report.tool.version)
        .nested("rules", [&](std::string& a) { append_array(a, rules.rules(), append_rule); });
  });
  buf += ",\n      \"invocations\": ";
  append_array(buf, std::vector<int>{0}, [&](std::string& a, int) {
    Object invocation(a);
    invocation.boolean(
        "executionSuccessful",
        !report.run.interrupted && (report.run.exit_code == 0 || report.run.exit_code == 1));
    invocation.number("exitCode", report.run.exit_code);
    if (!report.run.started_at.empty()) invocation.string("startTimeUtc", report.run.started_at);
  });
  buf += ",\n      \"properties\": ";
  append_properties(buf, report);
  buf += ",\n      \"results\": [";
  out << buf;

  ResultWriter writer(rules, out);
  for_each_issue(report, [&](const Issue& issue) { writer.write(issue); });
  for (const model::FailureKey& key : report.baseline.fixed) {
    writer.write_absent(key, report.routes.file);
  }
  if (!out) return;
  out << (writer.wrote_any() ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
}

}  // namespace siteaudit::report
