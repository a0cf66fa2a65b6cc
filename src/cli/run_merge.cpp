// run_merge.cpp — reading the parts, proving they cover the input once, writing the union.
#include "cli/run_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cli/baseline_file.hpp"
#include "cli/report_file.hpp"
#include "cli/run_audit.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/report/json_reader.hpp"
#include "siteaudit/runtime/channel.hpp"
#include "siteaudit/runtime/fatal.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"

namespace siteaudit::cli {

namespace {

// Part is what the merge keeps of one part besides its results.
struct Part {
  std::string file;
  model::Report header;  // no results: they went into the merged report
  std::uint64_t results = 0;
};

// same_settings() compares two config blocks whatever the order of their keys (jq -S sorts
// them).
bool same_settings(std::vector<model::ConfigSetting> a, std::vector<model::ConfigSetting> b) {
  auto by_option = [](const model::ConfigSetting& x, const model::ConfigSetting& y) {
    return x.option < y.option;
  };
  std::sort(a.begin(), a.end(), by_option);
  std::sort(b.begin(), b.end(), by_option);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const model::ConfigSetting& x, const model::ConfigSetting& y) {
                      return x.option == y.option && x.value == y.value;
                    });
}

bool same_sources(const std::vector<model::Source>& a, const std::vector<model::Source>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const model::Source& x, const model::Source& y) {
        return x.url == y.url && x.kind == y.kind && x.urls == y.urls && x.parent == y.parent &&
               x.error == y.error && x.warnings.size() == y.warnings.size();
      });
}

// difference() says how `part` is not from the same run as `first`, or "" when it is.
std::string difference(const Part& first, const Part& part) {
  const model::Report& a = first.header;
  const model::Report& b = part.header;
  if (b.shard.parts != a.shard.parts) {
    return fmt::format("it is a part of {}, '{}' of {}", b.shard.parts, first.file, a.shard.parts);
  }
  if (b.shard.by != a.shard.by) {
    return fmt::format("its parts were cut by {}, those of '{}' by {}", b.shard.by, first.file,
                       a.shard.by);
  }
  if (b.tool.version != a.tool.version) {
    return fmt::format("it was written by siteaudit {}, '{}' by {}", b.tool.version, first.file,
                       a.tool.version);
  }
  if (b.shard.fingerprint != a.shard.fingerprint || !same_settings(a.config, b.config)) {
    return fmt::format("its inputs or options differ from those of '{}' (fingerprint {}, not {})",
                       first.file, b.shard.fingerprint, a.shard.fingerprint);
  }
  if (b.shard.input_urls != a.shard.input_urls ||
      b.shard.input_duplicates != a.shard.input_duplicates || !same_sources(a.sources, b.sources)) {
    return fmt::format(
        "its sitemaps listed {} URLs, those of '{}' {}, or loaded differently (a sitemap that "
        "failed in one part); run the parts again",
        b.shard.input_urls, first.file, a.shard.input_urls);
  }
  return {};
}

// read_part() reads `file` into `part`, handing each result to `sink` in file order. It
// returns "" or why the file cannot be read, naming it.
std::string read_part(const std::string& file, Part& part, const report::ResultSink& sink) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fmt::format("{}: cannot read: {}", file, std::strerror(errno));
  part.file = file;
  std::string error = report::read_json(in, part.header, [&](model::Result&& r) {
    ++part.results;
    sink(std::move(r));
  });
  if (!error.empty()) {
    return fmt::format("{}: not a valid siteaudit report: {}", file, error);
  }
  if (in.bad()) return fmt::format("{}: cannot read: {}", file, std::strerror(errno));
  return {};
}

// check_part() checks the part read as parts[index] against the ones before it. It returns
// "" or why the file cannot be merged, naming it.
std::string check_part(const std::vector<Part>& parts, std::size_t index) {
  const Part& part = parts[index];
  const std::string& file = part.file;
  if (!part.header.shard.enabled()) {
    return fmt::format(
        "{}: not a part of a sharded run (its shard is null); merge the reports of --shard runs",
        file);
  }
  if (part.header.crawl.enabled) {
    // A crawl's counts (pages, links, orphans) span its link graph, which no part sees whole.
    return fmt::format(
        "{}: a part of a crawl (--crawl); merging the parts of a crawl is not supported yet", file);
  }
  for (std::size_t i = 0; i < index; ++i) {
    const Part& other = parts[i];
    if (other.header.shard.part == part.header.shard.part &&
        other.header.shard.parts == part.header.shard.parts) {
      return fmt::format("{}: part {} of {} again (also '{}')", file, part.header.shard.part,
                         part.header.shard.parts, other.file);
    }
  }
  if (index > 0) {
    if (std::string why = difference(parts.front(), part); !why.empty()) {
      return fmt::format("{}: not from the same run as '{}': {}", file, parts.front().file, why);
    }
  }
  return {};
}

// ReadResult is a result on its way from a part's reader to the merge, with its own copy of
// the URL (the reader's text lives only during the sink's call).
struct ReadResult {
  model::Result result;
  std::string url;
};

// read_side_by_side() reads every part at once, a fiber each, and pushes their results into
// `merged` lowest seq first. Each part is in seq order, as a run writes it, so the merged
// log receives the seqs nearly in order and parks none of them, where reading the parts one
// after another parked most (16 bytes each) until the seqs before them came. A part out of
// order is still merged right: the log reorders what comes early. It returns, per part, ""
// or why the file could not be read.
std::vector<std::string> read_side_by_side(const std::vector<std::string>& files,
                                           std::vector<Part>& parts, model::Report& merged) {
  // Enough results in flight per part that a reader parks rarely, few enough that 1,000
  // parts cost little.
  constexpr std::size_t kInFlight = 64;
  std::vector<std::string> errors(files.size());
  rt::Runtime runtime({.threads = 1});
  const rt::RunResult run = runtime.run([&] {
    std::vector<rt::Channel<ReadResult>> channels;
    channels.reserve(files.size());
    rt::WaitGroup readers;
    for (std::size_t i = 0; i < files.size(); ++i) {
      channels.emplace_back(kInFlight, "merge part");
      readers.add(1);
      rt::go(
          [&, i, tx = rt::Sender<ReadResult>(channels.back())] {
            errors[i] = read_part(files[i], parts[i], [&](model::Result&& r) {
              ReadResult read;
              read.url = std::string(r.url);
              read.result = std::move(r);
              tx.send(std::move(read));
            });
            tx.close();
            readers.done();
          },
          "merge reader");
    }
    // The head of each part's stream, lowest seq on top.
    std::vector<std::optional<ReadResult>> heads(files.size());
    auto later = [&](std::size_t a, std::size_t b) {
      return heads[a]->result.seq > heads[b]->result.seq;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> order(later);
    for (std::size_t i = 0; i < files.size(); ++i) {
      heads[i] = channels[i].receive();
      if (heads[i]) order.push(i);
    }
    while (!order.empty()) {
      const std::size_t i = order.top();
      order.pop();
      ReadResult& head = *heads[i];
      head.result.url = head.url;
      merged.results.push_back(std::move(head.result));
      heads[i] = channels[i].receive();
      if (heads[i]) order.push(i);
    }
    readers.wait();
  });
  if (!run.ok()) rt::fatal(fmt::format("merge: the reading fibers failed: {}", run.message));
  return errors;
}

// check_coverage() proves that the parts hold every URL of the input exactly once, or says
// why not.
std::string check_coverage(const std::vector<Part>& parts, const model::Report& merged) {
  const model::ShardInfo& shard = parts.front().header.shard;
  std::vector<std::string> missing;
  for (std::uint32_t k = 1; k <= shard.parts; ++k) {
    const bool given = std::any_of(parts.begin(), parts.end(),
                                   [k](const Part& p) { return p.header.shard.part == k; });
    if (!given) missing.push_back(std::to_string(k));
  }
  if (!missing.empty()) {
    std::vector<std::string> given;
    given.reserve(parts.size());
    for (const Part& p : parts)
      given.push_back(fmt::format("{} ({})", p.header.shard.part, p.file));
    return fmt::format("part {} of {} is missing: give the report of every part (got {})",
                       fmt::join(missing, ", "), shard.parts, fmt::join(given, ", "));
  }
  if (const model::Result* twice = merged.results.first_duplicate(); twice != nullptr) {
    return fmt::format("{}: {} is in two parts (seq {}); the parts overlap", parts.front().file,
                       twice->url, twice->seq);
  }
  if (merged.results.size() != shard.input_urls) {
    return fmt::format("{}: the parts hold {} results for the input's {} URLs", parts.front().file,
                       merged.results.size(), shard.input_urls);
  }
  return {};
}

// merge_routes() decides the routes check over the union: a route is missing when no part
// matched it, and the unexpected URLs of all parts come in the order of one run.
void merge_routes(const std::vector<Part>& parts, model::Report& merged) {
  model::RouteReport& routes = merged.routes;
  routes = parts.front().header.routes;
  routes.missing.clear();
  routes.unexpected.clear();
  for (const std::string& route : parts.front().header.routes.missing) {
    const bool everywhere = std::all_of(parts.begin(), parts.end(), [&](const Part& p) {
      const auto& m = p.header.routes.missing;
      return std::find(m.begin(), m.end(), route) != m.end();
    });
    if (everywhere) routes.missing.push_back(route);
  }
  std::unordered_map<std::string_view, std::uint64_t> unexpected;
  for (const Part& p : parts) {
    for (const std::string& url : p.header.routes.unexpected) unexpected.emplace(url, 0);
  }
  if (unexpected.empty()) return;
  for (const model::Result& r : merged.results) {
    if (auto found = unexpected.find(r.url); found != unexpected.end()) found->second = r.seq;
  }
  std::vector<std::pair<std::uint64_t, std::string_view>> ordered;
  ordered.reserve(unexpected.size());
  for (const auto& [url, seq] : unexpected) ordered.emplace_back(seq, url);
  std::sort(ordered.begin(), ordered.end());
  routes.unexpected.reserve(ordered.size());
  for (const auto& [seq, url] : ordered) routes.unexpected.emplace_back(url);
}

// strict() is the --strict of the parts' config block.
bool strict(const model::Report& report) {
  for (const model::ConfigSetting& setting : report.config) {
    if (setting.option == "strict") {
      if (const bool* on = std::get_if<bool>(&setting.value)) return *on;
    }
  }
  return false;
}

// merge_parts() reads every file into `merged`, with its exit code; it returns "" or why the
// files cannot be merged.
std::string merge_parts(const std::vector<std::string>& files, model::Report& merged) {
  // The parts' results stream into one log that releases every seq from 0 in order, so that
  // a merge of 1,000,000 results holds the failures, not every result.
  std::string unstreamable =
      merged.results.stream(model::ResultLogOptions{.dense = true, .copy_urls = true});
  if (!unstreamable.empty()) return unstreamable;
  std::vector<Part> parts(files.size());
  const std::vector<std::string> errors = read_side_by_side(files, parts, merged);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    // The first file in the order given that cannot be merged is the one named, as when the
    // parts were read one after another.
    if (!errors[i].empty()) return errors[i];
    if (std::string error = check_part(parts, i); !error.empty()) return error;
  }
  merged.results.finish();
  if (std::string error = check_coverage(parts, merged); !error.empty()) return error;

  const model::Report& first = parts.front().header;
  merged.tool = first.tool;
  merged.config = first.config;
  merged.sources = first.sources;
  merge_routes(parts, merged);
  bool signal = false, input_error = false;
  for (const Part& p : parts) {
    const model::RunInfo& run = p.header.run;
    if (merged.run.started_at.empty() ||
        (!run.started_at.empty() && run.started_at < merged.run.started_at)) {
      merged.run.started_at = run.started_at;
    }
    merged.run.duration_ms = std::max(merged.run.duration_ms, run.duration_ms);
    if (run.interrupted && !merged.run.interrupted) {
      merged.run.interrupted = true;
      merged.run.interrupt_reason = run.interrupt_reason;
    }
    signal = signal || run.exit_code == audit::kExitInterrupted;
    input_error = input_error || run.exit_code == audit::kExitUsage;
  }
  merged.summary = model::summarize(merged);
  merged.summary.duplicates = first.shard.input_duplicates;
  merged.run.exit_code = audit::exit_code(merged, strict(first), input_error, signal);
  return {};
}

}  // namespace

int run_merge(const Options& options, std::ostream& out, std::ostream& err) {
  const audit::AuditConfig& config = options.config;
  // A merged report must not replace one of its parts.
  for (const auto& [option, path] : {std::pair<std::string, std::string>{"--json", config.json},
                                     {"--junit", config.junit},
                                     {"--markdown", config.markdown}}) {
    if (path.empty() || path == "-") continue;
    for (const std::string& file : options.merge_reports) {
      if (same_file(path, file)) {
        err << "siteaudit: " << option << ": '" << path << "' is the report '" << file
            << "' being merged; the merged report would replace it\n";
        return audit::kExitUsage;
      }
    }
  }
  ReportOutputs files;
  std::string error;
  if (!files.open(config, out, error)) {
    err << "siteaudit: " << error << '\n';
    return audit::kExitUsage;
  }
  model::Report merged;
  if (std::string refused = merge_parts(options.merge_reports, merged); !refused.empty()) {
    err << "siteaudit: merge: " << refused << '\n';
    return audit::kExitUsage;
  }
  if (!config.baseline.empty()) {
    // The parts' --strict judges the baseline too.
    BaselineKeys baseline;
    if (error = load_baseline(config.baseline, strict(merged), baseline); !error.empty()) {
      err << "siteaudit: " << error << '\n';
      return audit::kExitUsage;
    }
    apply_baseline(merged, config.baseline, std::move(baseline), strict(merged));
  }
  return deliver_reports(merged, config, files, out, err, merged.run.exit_code);
}

}  // namespace siteaudit::cli
