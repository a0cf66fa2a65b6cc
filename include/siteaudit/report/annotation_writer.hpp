// annotation_writer.hpp — failures and warnings as GitHub Actions workflow commands.
//
// write_github_annotations() prints one line per issue that GitHub turns into an annotation on
// the run's summary page and, for a sitemap in the repository, on the file's line:
//   ::error file=public/sitemap.xml,line=12,title=siteaudit status::https://x/a: 404 Not Found
//   ::warning title=siteaudit redirected_url::https://x/old: listed URL redirects ...
//   (https://x/sitemap.xml:7)
// A failure (and under --strict any warning) is an `error`, a warning a `warning`. A local
// sitemap is named by `file` and `line` (its path as given, which GitHub reads relative to the
// repository); a remote sitemap's URL and line go at the end of the message. GitHub shows at
// most 10 error and 10 warning annotations of a step, so at most `per_level` of each are
// printed, followed by one `::notice` that counts the rest and points to the reports.
// With --baseline only what the baseline did not have is annotated: a known failure does not
// fail the run, and annotations on a pull request are for what it changed, so known failures
// are left out (they would also use up GitHub's 10 of a level) and one `::notice` counts them
// and the fixed ones; the summary and the reports list them.
// Text is made safe for the log (control characters replaced) and escaped as GitHub's
// toolkit does (%, CR and LF everywhere; `:` and `,` in properties).
//
// Example:
//   if (annotations_enabled(config.annotations, std::getenv("GITHUB_ACTIONS")))
//     report::write_github_annotations(report, std::cout);
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <cstddef>
#include <ostream>

#include "siteaudit/model/output_mode.hpp"
#include "siteaudit/model/report.hpp"

namespace siteaudit::report {

// kGithubAnnotationsPerLevel is how many error and how many warning annotations GitHub shows
// for one step; more are dropped by GitHub, so siteaudit counts them in a notice instead.
inline constexpr std::size_t kGithubAnnotationsPerLevel = 10;

// annotations_enabled() decides --annotations: github and none say so; auto is on when
// $GITHUB_ACTIONS (`github_actions_env`, may be null) is "true", as GitHub sets it.
bool annotations_enabled(model::AnnotationMode mode, const char* github_actions_env);

// write_github_annotations() writes the workflow commands for `report` to `out`.
void write_github_annotations(const model::Report& report, std::ostream& out,
                              std::size_t per_level = kGithubAnnotationsPerLevel);

}  // namespace siteaudit::report
