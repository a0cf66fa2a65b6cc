// html_writer.cpp — the HTML report: the embedded page with the run's data as JSON inside.
#include "siteaudit/report/html_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "json_text.hpp"
#include "report/html_report_page.inc"
#include "rule_help.hpp"
#include "text.hpp"

namespace siteaudit::report {

namespace {

using json_text::append_array;
using json_text::append_int;
using json_text::append_string;
using json_text::Array;
using json_text::Object;

constexpr std::string_view kDataMarker = "/*SITEAUDIT_DATA*/";
static_assert(kHtmlReportPage.find(kDataMarker) != std::string_view::npos,
              "html_report.html holds the data marker");

// kLatencyEdges are the lower bounds (ms) of the latency histogram's bins; the last is open.
constexpr std::array<std::uint32_t, 10> kLatencyEdges = {0,    50,   100,  200,   500,
                                                         1000, 2000, 5000, 10000, 30000};

// write_script_safe() writes JSON text into the page's <script> element. '<' occurs in JSON
// only inside strings, where \u003c means the same, so "</script>" in a URL cannot end the
// element early.
void write_script_safe(std::ostream& out, std::string_view json) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '<') continue;
    out.write(json.data() + start, static_cast<std::streamsize>(i - start));
    out << "\\u003c";
    start = i + 1;
  }
  out.write(json.data() + start, static_cast<std::streamsize>(json.size() - start));
}

std::string_view verdict_word(text::VerdictKind kind) {
  switch (kind) {
    case text::VerdictKind::passed:
      return "passed";
    case text::VerdictKind::failed:
      return "failed";
    case text::VerdictKind::error:
      return "error";
    case text::VerdictKind::interrupted:
      return "interrupted";
  }
  return "failed";
}

// config_text() is a setting's value as the page shows it.
std::string config_text(const model::ConfigValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using Value = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<Value, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<Value, std::uint64_t> ||
                             std::is_same_v<Value, double>) {
          std::string s;
          if constexpr (std::is_same_v<Value, double>) {
            Object(s).real("v", v);
          } else {
            Object(s).number("v", v);
          }
          return s.substr(5, s.size() - 6);  // {"v":N} -> N
        } else if constexpr (std::is_same_v<Value, std::string>) {
          return v;
        } else {
          std::string joined;
          for (const std::string& item : v) joined += (joined.empty() ? "" : ", ") + item;
          return joined;
        }
      },
      value);
}

std::vector<std::string> inputs(const model::Report& report) {
  for (const model::ConfigSetting& setting : report.config) {
    if (setting.option != "input") continue;
    if (const auto* list = std::get_if<std::vector<std::string>>(&setting.value)) return *list;
  }
  std::vector<std::string> top;
  for (const model::Source& s : report.sources) {
    if (s.parent < 0) top.push_back(s.url);
  }
  return top;
}

void append_histogram(std::string& out, const model::Report& report) {
  std::array<std::uint64_t, kLatencyEdges.size()> counts{};
  for (const model::Result& r : report.results) {
    if (r.method == model::CheckMethod::none) continue;  // never requested
    std::size_t bin = kLatencyEdges.size() - 1;
    while (bin > 0 && r.time_ms < kLatencyEdges[bin]) --bin;
    ++counts[bin];
  }
  Object(out)
      .nested("edges_ms",
              [&](std::string& a) {
                append_array(a, kLatencyEdges,
                             [](std::string& o, std::uint32_t e) { append_int(o, e); });
              })
      .nested("counts", [&](std::string& a) {
        append_array(a, counts, [](std::string& o, std::uint64_t c) { append_int(o, c); });
      });
}

// append_help() maps every kind's and code's word to its one-line description.
void append_help(std::string& out) {
  Object o(out);
  for (const model::ErrorKindName& row : model::error_kind_names()) {
    if (row.kind == model::ErrorKind::none || row.kind == model::ErrorKind::finding) continue;
    o.string(row.name, error_help(row.kind).summary);
  }
  for (const model::FindingCodeName& row : model::finding_code_names()) {
    // A hygiene code is also an error_kind; the finding's words describe both.
    o.string(row.name, finding_help(row.code).summary);
  }
}

// append_baseline() is null without --baseline, else {file, new, known, fixed: [[url, kind]]}.
void append_baseline(std::string& out, const model::Report& report) {
  const model::BaselineInfo& b = report.baseline;
  if (!b.enabled()) {
    out += "null";
    return;
  }
  Object(out)
      .string("file", b.file)
      .number("new", b.fresh.size())
      .number("known", b.known.size())
      .nested("fixed", [&](std::string& a) {
        append_array(a, b.fixed, [](std::string& e, const model::FailureKey& key) {
          Array(e).string(key.url).string(key.kind);
        });
      });
}

void append_head(std::string& out, const model::Report& report) {
  const bool strict = text::strict(report);
  Object o(out);
  o.nested("tool", [&](std::string& t) {
    Object(t).string("name", report.tool.name).string("version", report.tool.version);
  });
  o.nested("run", [&](std::string& r) {
    Object(r)
        .string_or_null("started_at", report.run.started_at)
        .number("duration_ms", report.run.duration_ms)
        .boolean("interrupted", report.run.interrupted)
        .number("exit_code", report.run.exit_code);
  });
  o.string("verdict", text::verdict(report));
  o.string("verdict_kind", verdict_word(text::verdict_kind(report)));
  o.boolean("strict", strict);
  o.number("strict_failures", text::strict_failures(report).total());
  o.nested("inputs", [&](std::string& a) {
    append_array(a, inputs(report),
                 [](std::string& s, const std::string& i) { append_string(s, i); });
  });
  o.number("unreadable_sitemaps", text::failed_sources(report));
  o.nested("summary", [&](std::string& s) { json_text::append_summary(s, report.summary); });
  o.nested("latency_histogram", [&](std::string& h) { append_histogram(h, report); });
  o.nested("help", append_help);
  o.nested("config", [&](std::string& a) {
    append_array(a, report.config, [](std::string& c, const model::ConfigSetting& setting) {
      Array(c).string(setting.option).string(config_text(setting.value));
    });
  });
  o.nested("sources", [&](std::string& a) {
    append_array(a, report.sources, [&](std::string& c, const model::Source& s) {
      Array(c)
          .string(s.url)
          .string(model::to_string(s.kind))
          .number(s.urls)
          .string(s.error)
          .string(s.parent >= 0 ? text::source_url(report, static_cast<std::uint32_t>(s.parent))
                                : std::string_view())
          .string(s.error.empty() ? ""
                                  : model::to_string(report.baseline.state(s.url, "source_error")));
    });
  });
  o.nested("baseline", [&](std::string& b) { append_baseline(b, report); });
  // The crawl and routes blocks as the JSON report writes them.
  o.nested("crawl", [&](std::string& c) { json_text::append_crawl(c, report.crawl); });
  o.nested("routes", [&](std::string& r) {
    const model::RouteReport& routes = report.routes;
    Object(r)
        .boolean("enabled", routes.enabled)
        .string("file", routes.file)
        .number("expected", routes.expected.size())
        .nested("missing", [&](std::string& a) { json_text::append_strings(a, routes.missing); })
        .nested("missing_baseline",
                [&](std::string& a) {
                  append_array(a, routes.missing, [&](std::string& e, const std::string& route) {
                    append_string(e,
                                  model::to_string(report.baseline.state(route, "missing_route")));
                  });
                })
        .nested("unexpected",
                [&](std::string& a) { json_text::append_strings(a, routes.unexpected); });
  });
}

// kRowReferrers caps the referring pages a row carries: the page shows a few per broken link,
// and the JSON report has them all.
constexpr std::size_t kRowReferrers = 10;

// append_referrers() is [count, [[page, line, element, attribute, text], ...]].
void append_referrers(std::string& out, const model::ResultDetail* d) {
  static const std::vector<model::Referrer> kNone;
  const std::vector<model::Referrer>& all = d != nullptr ? d->referrers : kNone;
  const std::span<const model::Referrer> kept(all.data(), std::min(all.size(), kRowReferrers));
  Array(out).number(d != nullptr ? d->referrer_count : 0).nested([&](std::string& a) {
    append_array(a, kept, [](std::string& e, const model::Referrer& ref) {
      Array(e)
          .string(ref.page)
          .number(ref.line)
          .string(ref.element)
          .string(ref.attribute)
          .string(ref.text);
    });
  });
}

// append_row() is one listed URL: [url, outcome, status, reason, error_kind, source, line,
// check_url, found_by, referrers, baseline] (check_url "" when it is the URL itself; source -1
// when no sitemap listed it; baseline "new", "known" or "" as model::to_string(BaselineState)).
void append_row(std::string& out, const model::Result& r, model::BaselineState baseline) {
  const model::ResultDetail* d = r.detail.get();
  Array(out)
      .string(r.url)
      .string(model::to_string(r.outcome))
      .number(r.status)
      .string(text::failure_reason(r))
      .string(d != nullptr ? model::error_kind_name(*d) : "")
      .number(r.source == model::kNoSource ? std::int64_t{-1} : std::int64_t{r.source})
      .number(r.line)
      .string(d != nullptr && d->check_url != r.url ? std::string_view(d->check_url)
                                                    : std::string_view())
      .string(model::to_string(r.found))
      .nested([&](std::string& a) { append_referrers(a, d); })
      .string(model::to_string(baseline));
}

// append_finding() is [code, severity, message, where, line, url].
void append_finding(std::string& out, const model::Finding& f, std::string_view where,
                    std::string_view url) {
  Array(out)
      .string(model::to_string(f.code))
      .string(model::to_string(f.severity))
      .string(f.message)
      .string(f.where.empty() ? where : std::string_view(f.where))
      .number(f.line)
      .string(url);
}

// ListWriter writes one JSON array element at a time, each rendered into a reused buffer.
class ListWriter {
 public:
  explicit ListWriter(std::ostream& out) : out_(out) { out_ << '['; }
  ListWriter(const ListWriter&) = delete;
  ListWriter& operator=(const ListWriter&) = delete;
  ~ListWriter() { out_ << "\n]"; }

  template <typename Render>
  void add(Render render) {
    if (!out_) return;
    buf_.assign(first_ ? "\n" : ",\n");
    first_ = false;
    render(buf_);
    write_script_safe(out_, buf_);
  }

 private:
  std::ostream& out_;
  std::string buf_;
  bool first_ = true;
};

}  // namespace

void write_html(const model::Report& report, std::ostream& out) {
  const std::size_t marker = kHtmlReportPage.find(kDataMarker);
  const std::string_view before = kHtmlReportPage.substr(0, marker);
  const std::string_view after = kHtmlReportPage.substr(marker + kDataMarker.size());
  out.write(before.data(), static_cast<std::streamsize>(before.size()));

  // The head object is written without its closing brace; the lists follow as its members.
  std::string head;
  append_head(head, report);
  head.pop_back();
  write_script_safe(out, head);
  out << ",\n\"rows\":";
  {
    ListWriter rows(out);
    for (const model::Result& r : report.results) {
      if (r.outcome == model::Outcome::ok) continue;  // passing URLs are counted, not listed
      rows.add([&](std::string& b) { append_row(b, r, text::baseline_state(report, r)); });
    }
  }
  out << ",\n\"findings\":";
  {
    ListWriter findings(out);
    for (const model::Source& s : report.sources) {
      for (const model::Finding& f : s.warnings) {
        findings.add([&](std::string& b) { append_finding(b, f, s.url, {}); });
      }
    }
    for (const model::Result& r : report.results) {
      if (r.detail == nullptr) continue;
      for (const model::Finding& f : r.detail->findings) {
        findings.add([&](std::string& b) { append_finding(b, f, r.url, r.url); });
      }
    }
  }
  out << "}";
  if (!out) return;
  out.write(after.data(), static_cast<std::streamsize>(after.size()));
}

}  // namespace siteaudit::report
