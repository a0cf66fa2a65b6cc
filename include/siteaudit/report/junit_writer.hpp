// junit_writer.hpp — the report as JUnit XML, for CI systems that show test results.
//
// write_junit() renders a Report in the JUnit XML dialect that GitLab, Jenkins, GitHub
// test-report actions and Azure all load:
//   <testsuites>   totals: tests, failures, time (the run's duration); no `skipped`, which
//                  the Jenkins xUnit schema (junit-10.xsd) does not allow there
//     <testsuite>  one per sitemap that listed URLs or failed to load, named by its URL
//       <testcase> one per listed URL: <failure> with the reason when it failed, <skipped>
//                  when it was skipped or cancelled, <system-out> with its warnings; its
//                  classname is the sitemap without its scheme, dots made underscores
//                  ("example_com/sitemap_xml"), since CI tools split classnames at dots
//     <testsuite name="routes"> with --expect: one testcase per expected route; missing
//                  routes fail; unexpected sitemap URLs are listed in its <system-out>
// A sitemap that could not be loaded is a suite with one failing testcase, so a CI page shows
// it next to the URLs. With --baseline a failure the baseline had (known) is no <failure>: its
// testcase is <skipped type="known_failure" message="known failure (in the baseline): ...">
// with the details in its <system-out>, so that the report is green exactly when the exit code
// is 0; a last suite, "baseline (FILE)", has no testcases and lists the counts and the fixed
// failures in its <system-out>. All text is escaped for XML 1.0, including control characters and
// invalid UTF-8, which XML cannot carry and which become U+FFFD.
//
// Example:
//   std::ofstream file("junit.xml");
//   report::write_junit(report, file);
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <ostream>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// write_junit() writes `report` to `out` as JUnit XML (UTF-8). Memory beyond the Report is
// one index per result (to group results by sitemap). Stops early if `out` fails.
void write_junit(const model::Report& report, std::ostream& out);

}  // namespace siteaudit::report
