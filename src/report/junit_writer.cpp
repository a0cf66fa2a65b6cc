// junit_writer.cpp — JUnit XML: one suite per sitemap, one testcase per URL and route.
#include "siteaudit/report/junit_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text.hpp"

namespace siteaudit::report {

namespace {

std::string attr(std::string_view s) {
  return text::xml_escape(s, true);
}
std::string body(std::string_view s) {
  return text::xml_escape(s, false);
}

// Suite holds what a <testsuite> start tag needs, which must be known before its testcases.
struct Suite {
  std::uint64_t tests = 0, failures = 0, skipped = 0, time_ms = 0;
};

// Run is consecutive results of one suite: where they begin and how many.
struct Run {
  std::size_t suite = 0;
  model::ResultLog::Position at;
  std::uint64_t count = 0;
};

// failure_details() is the <failure> body: everything a person needs to reproduce the check.
std::string failure_details(const model::Report& report, const model::Result& r) {
  std::string out = fmt::format("url: {}\n", r.url);
  const model::ResultDetail* d = r.detail.get();
  if (d && !d->check_url.empty() && d->check_url != r.url) {
    out += fmt::format("requested: {}\n", d->check_url);
  }
  if (std::string where = text::location(report, r); !where.empty()) {
    out += fmt::format("sitemap: {}\n", where);
  }
  if (r.status) out += fmt::format("status: {}\n", text::status_text(r.status));
  if (r.method != model::CheckMethod::none) {
    out += fmt::format("method: {}, attempts: {}, time: {}ms\n", model::to_string(r.method),
                       unsigned{r.attempts}, r.time_ms);
  }
  if (d) {
    if (!d->error.empty()) out += fmt::format("error: {}\n", d->error);
    for (const model::RedirectHop& hop : d->redirects) {
      out += fmt::format("redirect: {} {} -> {}\n", hop.status, hop.url, hop.location);
    }
    for (const model::Finding& f : d->findings) {
      out += fmt::format("{}: {}: {}\n", model::to_string(f.severity), model::to_string(f.code),
                         f.message);
    }
    if (d->referrer_count > 0) {
      out += fmt::format("linked from {} {}:\n", d->referrer_count,
                         d->referrer_count == 1 ? "place" : "places");
      for (const model::Referrer& ref : d->referrers) {
        out += fmt::format("  {}\n", text::referrer_text(ref));
      }
      if (d->referrer_count > d->referrers.size()) {
        out += fmt::format("  ... and {} more\n", d->referrer_count - d->referrers.size());
      }
    }
  }
  return out;
}

// kKnownType is the <skipped> type of a failure the baseline had (--baseline): it does not fail
// the run, so it is no <failure>, and a green JUnit report matches exit code 0.
constexpr std::string_view kKnownType = "known_failure";

// known_message() is the <skipped> message of a known failure.
std::string known_message(std::string_view reason) {
  return fmt::format("known failure (in the baseline): {}", reason);
}

// write_known() is the body of a known failure's testcase: skipped, with the details as output.
void write_known(std::ostream& out, std::string_view reason, const std::string& details) {
  out << "      <skipped type=\"" << kKnownType << "\" message=\"" << attr(known_message(reason))
      << "\"/>\n      <system-out>" << body(details) << "</system-out>\n";
}

// write_testcase() writes one URL's testcase; with `strict`, a passing URL with findings and an
// inconclusive answer fail. A failure the baseline had (`known`) is skipped instead.
void write_testcase(std::ostream& out, const model::Report& report, const model::Result& r,
                    std::string_view classname, bool strict) {
  out << "    <testcase name=\"" << attr(r.url) << "\" classname=\"" << attr(classname)
      << "\" time=\"" << text::seconds(r.time_ms) << '"';
  const model::ResultDetail* d = r.detail.get();
  const bool has_findings = d && !d->findings.empty();
  if (text::baseline_state(report, r) == model::BaselineState::known) {
    const std::string reason =
        r.outcome == model::Outcome::ok && has_findings
            ? fmt::format("{}: {}", model::to_string(d->findings[0].code), d->findings[0].message)
            : text::failure_reason(r);
    out << ">\n";
    write_known(out, reason, failure_details(report, r));
    out << "    </testcase>\n";
    return;
  }
  switch (r.outcome) {
    case model::Outcome::ok:
      if (!has_findings) {
        out << "/>\n";
        return;
      }
      out << ">\n";
      if (strict) {
        const model::Finding& f = d->findings.front();
        out << "      <failure message=\""
            << attr(fmt::format("{}: {} (a failure under --strict)", model::to_string(f.code),
                                f.message))
            << "\" type=\"" << attr(model::to_string(f.code)) << "\">"
            << body(failure_details(report, r)) << "</failure>\n    </testcase>\n";
        return;
      }
      break;
    case model::Outcome::failed:
      out << ">\n      <failure message=\"" << attr(text::failure_reason(r)) << "\" type=\""
          << attr(d && d->error_kind != model::ErrorKind::none ? model::error_kind_name(*d)
                                                               : "failed")
          << "\">" << body(failure_details(report, r)) << "</failure>\n";
      break;
    case model::Outcome::inconclusive:  // a failure under --strict only
      if (strict) {
        out << ">\n      <failure message=\""
            << attr(text::failure_reason(r) + " (inconclusive: a failure under --strict)")
            << "\" type=\"inconclusive\">" << body(failure_details(report, r)) << "</failure>\n";
        break;
      }
      [[fallthrough]];
    case model::Outcome::skipped:
    case model::Outcome::cancelled:
      out << ">\n      <skipped message=\"" << attr(text::failure_reason(r)) << "\"/>\n";
      break;
  }
  if (has_findings && r.outcome != model::Outcome::failed) {
    out << "      <system-out>";
    for (const model::Finding& f : d->findings) {
      out << body(fmt::format("{}: {}: {}\n", model::to_string(f.severity),
                              model::to_string(f.code), f.message));
    }
    out << "</system-out>\n";
  }
  out << "    </testcase>\n";
}

// classname_of() is a sitemap as a testcase's classname: its URL without the scheme, or its
// path, with each '.' made '_', since CI tools split a classname at dots into package and class
// ("example_com/sitemap_xml", not "https://example" and "com/sitemap" and "xml").
std::string classname_of(std::string_view sitemap) {
  if (auto scheme = sitemap.find("://"); scheme != std::string_view::npos) {
    sitemap.remove_prefix(scheme + 3);
  }
  std::string name(sitemap);
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

// contains() is a linear search: route lists are as short as a hand-written routes file.
bool contains(const std::vector<std::string>& list, const std::string& item) {
  for (const std::string& s : list) {
    if (s == item) return true;
  }
  return false;
}

void write_suite_start(std::ostream& out, std::string_view name, const Suite& s,
                       std::string_view timestamp) {
  out << "  <testsuite name=\"" << attr(name) << "\" tests=\"" << s.tests << "\" failures=\""
      << s.failures << "\" errors=\"0\" skipped=\"" << s.skipped << "\" time=\""
      << text::seconds(s.time_ms) << '"';
  if (!timestamp.empty()) out << " timestamp=\"" << attr(timestamp) << '"';
  out << ">\n";
}

// source_warnings_known() is true when the baseline had every finding of a sitemap, which
// --strict fails.
bool source_warnings_known(const model::Report& report, const model::Source& src) {
  if (!report.baseline.enabled() || src.warnings.empty()) return false;
  for (const model::Finding& f : src.warnings) {
    if (report.baseline.state(src.url, model::to_string(f.code)) != model::BaselineState::known) {
      return false;
    }
  }
  return true;
}

// write_source_warnings() lists a sitemap's findings: in the suite's output, or with `strict`
// as one failing testcase of the sitemap's own (skipped when the baseline had them all).
void write_source_warnings(std::ostream& out, const model::Report& report, const model::Source& src,
                           bool strict) {
  if (src.warnings.empty()) return;
  if (strict && source_warnings_known(report, src)) {
    std::string details;
    for (const model::Finding& f : src.warnings) {
      std::string where = f.line ? fmt::format("{}:{}", f.where, f.line) : f.where;
      details += fmt::format("{}: {}: {}\n", where, model::to_string(f.code), f.message);
    }
    out << "    <testcase name=\"" << attr(src.url) << "\" classname=\"sitemap\" time=\"0.000\">\n";
    write_known(out, fmt::format("{} sitemap findings", src.warnings.size()), details);
    out << "    </testcase>\n";
    return;
  }
  if (strict) {
    out << "    <testcase name=\"" << attr(src.url)
        << "\" classname=\"sitemap\" time=\"0.000\">\n      <failure message=\""
        << attr(fmt::format("{} sitemap findings (failures under --strict)", src.warnings.size()))
        << "\" type=\"sitemap_findings\">";
    for (const model::Finding& f : src.warnings) {
      std::string where = f.line ? fmt::format("{}:{}", f.where, f.line) : f.where;
      out << body(fmt::format("{}: {}: {}\n", where, model::to_string(f.code), f.message));
    }
    out << "</failure>\n    </testcase>\n";
    return;
  }
  out << "    <system-out>";
  for (const model::Finding& f : src.warnings) {
    std::string where = f.line ? fmt::format("{}:{}", f.where, f.line) : f.where;
    out << body(fmt::format("{}: {}: {}: {}\n", where, model::to_string(f.severity),
                            model::to_string(f.code), f.message));
  }
  out << "</system-out>\n";
}

// write_baseline_suite() is a suite without testcases whose output says what --baseline
// found: the counts, and the baseline's failures that this run no longer has.
void write_baseline_suite(std::ostream& out, const model::Report& report) {
  const model::BaselineInfo& b = report.baseline;
  write_suite_start(out, "baseline (" + b.file + ")", Suite{}, report.run.started_at);
  std::string text = text::baseline_line(report) + '\n';
  for (const model::FailureKey& key : b.fixed) {
    text += fmt::format("fixed: {} ({})\n", key.url, key.kind);
  }
  out << "    <system-out>" << body(text) << "</system-out>\n  </testsuite>\n";
}

}  // namespace

void write_junit(const model::Report& report, std::ostream& out) {
  const bool strict = text::strict(report);
  const std::size_t n_sources = report.sources.size();
  // Results arrive in load order, where one sitemap's are usually consecutive: each suite is
  // written from the runs of its results, a pass over the results from where each run begins,
  // so that what is held is one position per run, not the results.
  // Slot n_sources collects results whose source index is out of range.
  std::vector<Suite> suites(n_sources + 1);
  std::vector<Run> runs;
  for (auto it = report.results.begin(); it != report.results.end(); ++it) {
    const model::Result& r = *it;
    const std::size_t s = r.source < n_sources ? r.source : n_sources;
    if (runs.empty() || runs.back().suite != s) runs.push_back(Run{s, it.position(), 0});
    ++runs.back().count;
    Suite& suite = suites[s];
    ++suite.tests;
    suite.time_ms += r.time_ms;
    const bool warned = r.detail != nullptr && !r.detail->findings.empty();
    // Under --strict a warned page and an inconclusive answer fail the run, so they fail here.
    const bool strict_failure = strict && ((r.outcome == model::Outcome::ok && warned) ||
                                           r.outcome == model::Outcome::inconclusive);
    if ((r.outcome == model::Outcome::failed || strict_failure) &&
        text::baseline_state(report, r) == model::BaselineState::known) {
      ++suite.skipped;  // a known failure (--baseline) does not fail the run
    } else if (r.outcome == model::Outcome::failed || strict_failure) {
      ++suite.failures;
    } else if (r.outcome == model::Outcome::skipped || r.outcome == model::Outcome::cancelled ||
               r.outcome == model::Outcome::inconclusive) {
      ++suite.skipped;
    }
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.suite < b.suite; });
  // A source that failed to load is one failing testcase of its own.
  // A known one (--baseline) is skipped.
  const model::BaselineInfo& baseline = report.baseline;
  for (std::size_t s = 0; s < n_sources; ++s) {
    const model::Source& src = report.sources[s];
    if (!src.error.empty()) {
      ++suites[s].tests;
      ++(baseline.state(src.url, "source_error") == model::BaselineState::known
             ? suites[s].skipped
             : suites[s].failures);
    }
    if (strict && !src.warnings.empty()) {
      ++suites[s].tests;
      ++(source_warnings_known(report, src) ? suites[s].skipped : suites[s].failures);
    }
  }
  Suite routes;
  if (report.routes.enabled) {
    routes.tests = report.routes.expected.size();
    // A missing route that is not among `expected` still gets its failing testcase.
    for (const std::string& m : report.routes.missing) {
      if (!contains(report.routes.expected, m)) ++routes.tests;
      ++(baseline.state(m, "missing_route") == model::BaselineState::known ? routes.skipped
                                                                           : routes.failures);
    }
    // Under --strict each unexpected URL is a failing testcase.
    if (strict) {
      routes.tests += report.routes.unexpected.size();
      for (const std::string& u : report.routes.unexpected) {
        ++(baseline.state(u, "unexpected_route") == model::BaselineState::known ? routes.skipped
                                                                                : routes.failures);
      }
    }
  }
  Suite total = routes;
  for (const Suite& s : suites) {
    total.tests += s.tests;
    total.failures += s.failures;
  }

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"siteaudit\" tests=\"" << total.tests << "\" failures=\""
      << total.failures << "\" errors=\"0\" time=\"" << text::seconds(report.run.duration_ms)
      << "\">\n";

  for (std::size_t s = 0; s <= n_sources; ++s) {
    const bool unknown = s == n_sources;
    const model::Source* src = unknown ? nullptr : &report.sources[s];
    if (suites[s].tests == 0) continue;  // indexes and robots.txt list sitemaps, not pages
    if (!out) return;
    const std::string_view name = unknown ? std::string_view("(unknown sitemap)") : src->url;
    const std::string classname = unknown ? std::string("unlisted") : classname_of(src->url);
    write_suite_start(out, name, suites[s], report.run.started_at);
    if (src && !src->error.empty()) {
      out << "    <testcase name=\"" << attr(src->url)
          << "\" classname=\"sitemap\" time=\"0.000\">\n";
      if (baseline.state(src->url, "source_error") == model::BaselineState::known) {
        write_known(out, "sitemap could not be loaded", src->error + '\n');
      } else {
        out << "      <failure message=\"sitemap could not be loaded\" type=\"sitemap\">"
            << body(src->error) << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    for (auto run =
             std::lower_bound(runs.begin(), runs.end(), s,
                              [](const Run&r, std::size_t suite) { return r.suite < suite; });
         run != runs.end() && run->suite == s; ++run) {
      auto it = report.results.at(run->at);
      for (std::uint64_t k = 0; k < run->count; ++k, ++it) {
        if (!out) return;
        write_testcase(out, report, *it, classname, strict);
      }
    }
    if (src) write_source_warnings(out, report, *src, strict);
    out << "  </testsuite>\n";
  }

  if (report.routes.enabled) {
    const model::RouteReport& rr = report.routes;
    const std::string name = rr.file.empty() ? "routes" : "routes (" + rr.file + ")";
    write_suite_start(out, name, routes, report.run.started_at);
    auto write_route = [&](const std::string& route, bool missing) {
      out << "    <testcase name=\"" << attr(route) << "\" classname=\"routes\" time=\"0.000\"";
      if (!missing) {
        out << "/>\n";
        return;
      }
      const std::string details =
          fmt::format("route {} (from {}) matched no sitemap URL\n", route, rr.file);
      out << ">\n";
      if (baseline.state(route, "missing_route") == model::BaselineState::known) {
        write_known(out, "expected route is not in any sitemap", details);
      } else {
        out << "      <failure message=\"expected route is not in any sitemap\" "
               "type=\"missing_route\">"
            << body(details) << "</failure>\n";
      }
      out << "    </testcase>\n";
    };
    for (const std::string& route : rr.expected) write_route(route, contains(rr.missing, route));
    for (const std::string& m : rr.missing) {
      if (!contains(rr.expected, m)) write_route(m, true);
    }
    if (strict) {
      for (const std::string& u : rr.unexpected) {
        const std::string details = fmt::format("{} matches no expected route in {}\n", u, rr.file);
        out << "    <testcase name=\"" << attr(u) << "\" classname=\"routes\" time=\"0.000\">\n";
        if (baseline.state(u, "unexpected_route") == model::BaselineState::known) {
          write_known(out, "unexpected URL", details);
        } else {
          out << "      <failure message=\""
              << "unexpected URL (a failure under --strict)\" type=\"unexpected_url\">"
              << body(details) << "</failure>\n";
        }
        out << "    </testcase>\n";
      }
    } else if (!rr.unexpected.empty()) {
      out << "    <system-out>";
      for (const std::string& u : rr.unexpected) {
        out << body(fmt::format("unexpected: {} matches no expected route\n", u));
      }
      out << "</system-out>\n";
    }
    out << "  </testsuite>\n";
  }
  if (baseline.enabled()) write_baseline_suite(out, report);
  out << "</testsuites>\n";
}

}  // namespace siteaudit::report
