// model_types.hpp — the data model's types, as the audit layer names them.
//
// Report, Result, Job, Finding and their parts live in the model library
// (include/siteaudit/model/), which has no runtime or curl dependency so that the report
// writers and a merge of reports link only what they need. The audit layer produces them all
// day, so it names them without the namespace.
#pragma once

#include "siteaudit/model/error_kind.hpp"
#include "siteaudit/model/exit_code.hpp"
#include "siteaudit/model/finding.hpp"
#include "siteaudit/model/finding_code.hpp"
#include "siteaudit/model/job.hpp"
#include "siteaudit/model/output_mode.hpp"
#include "siteaudit/model/report.hpp"
#include "siteaudit/model/result.hpp"
#include "siteaudit/model/text_arena.hpp"

namespace siteaudit::audit {

using model::AnnotationMode;
using model::CheckMethod;
using model::ColorMode;
using model::CrawlReport;
using model::Discovery;
using model::ErrorKind;
using model::Finding;
using model::FindingCode;
using model::Job;
using model::kExitFailures;
using model::kExitInterrupted;
using model::kExitOk;
using model::kExitUsage;
using model::kNoSource;
using model::LatencySummary;
using model::OriginTrust;
using model::Outcome;
using model::RedirectHop;
using model::Report;
using model::Result;
using model::ResultDetail;
using model::RouteReport;
using model::RunInfo;
using model::Severity;
using model::Source;
using model::SourceKind;
using model::summarize;
using model::Summary;
using model::TextArena;
using model::to_string;
using model::ToolInfo;
using model::Verbosity;

}  // namespace siteaudit::audit
