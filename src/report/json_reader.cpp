// json_reader.cpp — the JSON report read back, one result at a time.
//
// nlohmann's parser callback sees each value as it completes: a finished element of the
// top-level "results" array is converted into a model::Result and discarded from the document,
// so memory holds one result's JSON at a time. Conversion errors are thrown as Invalid with
// the path of the value and caught at the edge (read_json), where they become the message.
#include "siteaudit/report/json_reader.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "siteaudit/report/json_writer.hpp"

namespace siteaudit::report {

namespace {

// ordered_json keeps the config block's keys in the order they were written (--help order).
using Json = nlohmann::ordered_json;

// Invalid is a value that breaks the schema; `what` names the path.
struct Invalid {
  std::string what;
};

[[noreturn]] void invalid(const std::string& path, std::string_view expected) {
  throw Invalid{fmt::format("{}: expected {}", path, expected)};
}

const Json& member(const Json& object, const std::string& path, const char* key) {
  if (!object.is_object()) invalid(path, "an object");
  auto found = object.find(key);
  if (found == object.end()) throw Invalid{fmt::format("{}: no key \"{}\"", path, key)};
  return *found;
}

std::string text(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_string()) invalid(path + "." + key, "a string");
  return value.get<std::string>();
}

// text_or_null() reads a string that may be null (an absent value: "").
std::string text_or_null(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (value.is_null()) return {};
  if (!value.is_string()) invalid(path + "." + key, "a string or null");
  return value.get<std::string>();
}

template <typename Int>
Int number(const Json& object, const std::string& path, const char* key, bool nullable = false) {
  const Json& value = member(object, path, key);
  if (nullable && value.is_null()) return 0;
  if (!value.is_number_integer()) {
    invalid(path + "." + key, nullable ? "an integer or null" : "an integer");
  }
  if constexpr (std::is_unsigned_v<Int>) {
    if (!value.is_number_unsigned()) invalid(path + "." + key, "a count (0 or more)");
    const auto n = value.get<std::uint64_t>();
    if (n > std::numeric_limits<Int>::max()) invalid(path + "." + key, "a smaller number");
    return static_cast<Int>(n);
  } else {
    const auto n = value.get<std::int64_t>();
    if (n < std::numeric_limits<Int>::min() || n > std::numeric_limits<Int>::max()) {
      invalid(path + "." + key, "a smaller number");
    }
    return static_cast<Int>(n);
  }
}

bool flag(const Json& object, const std::string& path, const char* key) {
  const Json& value = member(object, path, key);
  if (!value.is_boolean()) invalid(path + "." + key, "true or false");
  return value.get<bool>();
}

std::vector<std::string> texts(const Json& object, const std::string& path, const char* key) {
  const Json& list = member(object, path, key);
  if (!list.is_array()) invalid(path + "." + key, "an array of strings");
  std::vector<std::string> out;
  for (const Json& item : list) {
    if (!item.is_string()) invalid(path + "." + key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// word() is the enum value whose name (to_string) is `name`, or nullopt.
template <typename Enum, std::size_t N>
std::optional<Enum> word(const std::string& name, const Enum (&values)[N]) {
  for (Enum value : values) {
    if (name == model::to_string(value)) return value;
  }
  return std::nullopt;
}

std::vector<model::Finding> findings(const Json& object, const std::string& path, const char* key) {
  const Json& list = member(object, path, key);
  if (!list.is_array()) invalid(path + "." + key, "an array of findings");
  std::vector<model::Finding> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}.{}[{}]", path, key, i);
    model::Finding f;
    const std::string code = text(list[i], at, "code");
    auto known = model::finding_code_from(code);
    if (!known) invalid(at + ".code", "a finding code");
    f.code = *known;
    f.message = text(list[i], at, "message");
    f.where = text_or_null(list[i], at, "where");
    f.line = number<std::uint32_t>(list[i], at, "line", true);
    const std::string severity = text(list[i], at, "severity");
    if (severity != "warning" && severity != "failure")
      invalid(at + ".severity", "warning or failure");
    f.severity = severity == "failure" ? model::Severity::failure : model::Severity::warning;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<model::FailureKey> failure_keys(const Json& baseline, const char* key) {
  const Json& list = member(baseline, "baseline", key);
  if (!list.is_array()) invalid(std::string("baseline.") + key, "an array");
  std::vector<model::FailureKey> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("baseline.{}[{}]", key, i);
    out.push_back({text(list[i], at, "url"), text(list[i], at, "kind")});
  }
  return out;
}

void read_config(const Json& doc, model::Report& report) {
  const Json& config = member(doc, "report", "config");
  if (!config.is_object()) invalid("config", "an object");
  for (const auto& [key, value] : config.items()) {
    model::ConfigSetting setting{key, false};
    if (value.is_boolean()) {
      setting.value = value.get<bool>();
    } else if (value.is_number_unsigned()) {
      setting.value = value.get<std::uint64_t>();
    } else if (value.is_number()) {
      setting.value = value.get<double>();
    } else if (value.is_string()) {
      setting.value = value.get<std::string>();
    } else {
      setting.value = texts(config, "config", key.c_str());
    }
    report.config.push_back(std::move(setting));
  }
}

void read_crawl(const Json& j, model::CrawlReport& c) {
  c.enabled = true;
  c.scope = texts(j, "crawl", "scope");
  c.pages = number<std::uint64_t>(j, "crawl", "pages");
  c.links = number<std::uint64_t>(j, "crawl", "links");
  c.external = number<std::uint64_t>(j, "crawl", "external");
  const Json& n = member(j, "crawl", "not_requested");
  const std::string at = "crawl.not_requested";
  c.mailto = number<std::uint64_t>(n, at, "mailto");
  c.tel = number<std::uint64_t>(n, at, "tel");
  c.javascript = number<std::uint64_t>(n, at, "javascript");
  c.data = number<std::uint64_t>(n, at, "data");
  c.other_scheme = number<std::uint64_t>(n, at, "other_scheme");
  c.invalid = number<std::uint64_t>(n, at, "invalid");
  c.broken = number<std::uint64_t>(j, "crawl", "broken");
  c.linked_redirects = number<std::uint64_t>(j, "crawl", "linked_redirects");
  c.orphans = number<std::uint64_t>(j, "crawl", "orphans");
  c.missing_from_sitemap = number<std::uint64_t>(j, "crawl", "missing_from_sitemap");
  c.complete = flag(j, "crawl", "complete");
  c.incomplete_reason = text_or_null(j, "crawl", "incomplete_reason");
}

void read_header(const Json& doc, model::Report& report) {
  const Json& schema = member(doc, "report", "schema");
  if (!schema.is_string() || schema.get<std::string>() != kJsonSchemaId) {
    throw Invalid{fmt::format("schema is {}, not \"{}\": not a siteaudit report this release reads",
                              schema.dump(), kJsonSchemaId)};
  }
  const Json& tool = member(doc, "report", "tool");
  report.tool.name = text(tool, "tool", "name");
  report.tool.version = text(tool, "tool", "version");
  read_config(doc, report);
  const Json& run = member(doc, "report", "run");
  report.run.started_at = text_or_null(run, "run", "started_at");
  report.run.duration_ms = number<std::uint64_t>(run, "run", "duration_ms");
  report.run.interrupted = flag(run, "run", "interrupted");
  report.run.interrupt_reason = text_or_null(run, "run", "interrupt_reason");
  report.run.exit_code = number<int>(run, "run", "exit_code");

  const Json& s = member(doc, "report", "summary");
  model::Summary& sum = report.summary;
  sum.total = number<std::uint64_t>(s, "summary", "total");
  sum.ok = number<std::uint64_t>(s, "summary", "ok");
  sum.failed = number<std::uint64_t>(s, "summary", "failed");
  sum.skipped = number<std::uint64_t>(s, "summary", "skipped");
  sum.cancelled = number<std::uint64_t>(s, "summary", "cancelled");
  sum.warnings = number<std::uint64_t>(s, "summary", "warnings");
  sum.duplicates = number<std::uint64_t>(s, "summary", "duplicates");
  const Json& status = member(s, "summary", "status");
  sum.status_2xx = number<std::uint64_t>(status, "summary.status", "2xx");
  sum.status_3xx = number<std::uint64_t>(status, "summary.status", "3xx");
  sum.status_4xx = number<std::uint64_t>(status, "summary.status", "4xx");
  sum.status_5xx = number<std::uint64_t>(status, "summary.status", "5xx");
  sum.no_status = number<std::uint64_t>(status, "summary.status", "none");
  const Json& latency = member(s, "summary", "latency_ms");
  sum.latency.p50 = number<std::uint32_t>(latency, "summary.latency_ms", "p50");
  sum.latency.p90 = number<std::uint32_t>(latency, "summary.latency_ms", "p90");
  sum.latency.p99 = number<std::uint32_t>(latency, "summary.latency_ms", "p99");
  sum.latency.max = number<std::uint32_t>(latency, "summary.latency_ms", "max");

  const Json& sources = member(doc, "report", "sources");
  if (!sources.is_array()) invalid("sources", "an array");
  static constexpr model::SourceKind kKinds[] = {
      model::SourceKind::unknown,       model::SourceKind::robots, model::SourceKind::urlset,
      model::SourceKind::sitemap_index, model::SourceKind::text,   model::SourceKind::rss,
      model::SourceKind::atom};
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string at = fmt::format("sources[{}]", i);
    model::Source src;
    src.url = text(sources[i], at, "url");
    auto kind = word(text(sources[i], at, "kind"), kKinds);
    if (!kind) invalid(at + ".kind", "a source kind");
    src.kind = *kind;
    src.urls = number<std::uint64_t>(sources[i], at, "urls");
    src.gzip = flag(sources[i], at, "gzip");
    // The parent is named by URL: the nearest source before this one with that URL.
    const std::string parent = text_or_null(sources[i], at, "parent");
    if (!parent.empty()) {
      for (std::size_t p = i; p-- > 0;) {
        if (report.sources[p].url == parent) {
          src.parent = static_cast<int>(p);
          break;
        }
      }
      if (src.parent < 0) invalid(at + ".parent", "the URL of an earlier source");
    }
    src.error = text_or_null(sources[i], at, "error");
    src.warnings = findings(sources[i], at, "warnings");
    report.sources.push_back(std::move(src));
  }

  const Json& routes = member(doc, "report", "routes");
  report.routes.enabled = flag(routes, "routes", "enabled");
  report.routes.file = text_or_null(routes, "routes", "file");
  report.routes.expected = texts(routes, "routes", "expected");
  report.routes.missing = texts(routes, "routes", "missing");
  report.routes.unexpected = texts(routes, "routes", "unexpected");

  // crawl, shard and baseline are absent from the reports of earlier releases.
  auto crawl = doc.find("crawl");
  if (crawl != doc.end() && !crawl->is_null()) read_crawl(*crawl, report.crawl);

  // shard came with release 0.1 of the shards; a report without the key is of a whole run.
  auto shard = doc.find("shard");
  if (shard != doc.end() && !shard->is_null()) {
    model::ShardInfo& info = report.shard;
    info.part = number<std::uint32_t>(*shard, "shard", "part");
    info.parts = number<std::uint32_t>(*shard, "shard", "parts");
    info.by = text(*shard, "shard", "by");
    info.fingerprint = text(*shard, "shard", "fingerprint");
    info.input_urls = number<std::uint64_t>(*shard, "shard", "input_urls");
    info.input_duplicates = number<std::uint64_t>(*shard, "shard", "input_duplicates");
    if (info.parts == 0 || info.part == 0 || info.part > info.parts) {
      invalid("shard.part", "a part from 1 to shard.parts");
    }
  }
  // baseline, like shard, is absent from the reports of earlier releases.
  auto baseline = doc.find("baseline");
  if (baseline != doc.end() && !baseline->is_null()) {
    model::BaselineInfo& info = report.baseline;
    info.file = text(*baseline, "baseline", "file");
    info.known = failure_keys(*baseline, "known");
    info.fresh = failure_keys(*baseline, "new");
    info.fixed = failure_keys(*baseline, "fixed");
  }
}

// header_complete() is true when every top-level key before "results" has been read.
bool header_complete(const Json& header) {
  for (const char* key : {"schema", "tool", "config", "run", "summary", "sources", "routes",
                          "crawl", "shard", "baseline"}) {
    if (!header.contains(key)) return false;
  }
  return true;
}

// ResultReader converts result objects, given the sources already read.
class ResultReader {
 public:
  explicit ResultReader(const model::Report& report) {
    for (std::size_t i = report.sources.size(); i-- > 0;) {
      source_index_[report.sources[i].url] = static_cast<std::uint32_t>(i);  // the first wins
    }
  }

  // read() converts results[index] into `r`, whose url views `url_text`.
  void read(const Json& j, std::size_t index, std::string& url_text, model::Result& r) const {
    const std::string at = fmt::format("results[{}]", index);
    url_text = text(j, at, "url");
    const auto seq = number<std::uint64_t>(j, at, "seq");
    if (seq >= model::Result::kSeqLimit) invalid(at + ".seq", "a number below 2^36");
    r.seq = seq;
    r.status = number<std::int16_t>(j, at, "status", true);
    const std::string outcome = text(j, at, "outcome");
    static constexpr model::Outcome kOutcomes[] = {
        model::Outcome::ok, model::Outcome::failed, model::Outcome::skipped,
        model::Outcome::cancelled, model::Outcome::inconclusive};
    auto known = word(outcome, kOutcomes);
    if (!known) invalid(at + ".outcome", "ok, failed, skipped, cancelled or inconclusive");
    r.outcome = *known;
    if (flag(j, at, "ok") != (r.outcome == model::Outcome::ok)) {
      invalid(at + ".ok", "true exactly when outcome is ok");
    }
    const std::string method = text_or_null(j, at, "method");
    if (method.empty()) {
      r.method = model::CheckMethod::none;
    } else if (method == "HEAD" || method == "GET") {
      r.method = method == "GET" ? model::CheckMethod::get : model::CheckMethod::head;
    } else {
      invalid(at + ".method", "HEAD, GET or null");
    }
    r.time_ms = number<std::uint32_t>(j, at, "time_ms");
    r.attempts = number<std::uint8_t>(j, at, "attempts");
    const std::string source = text_or_null(j, at, "source");
    r.source = model::kNoSource;  // null: no sitemap listed it
    if (!source.empty()) {
      auto found = source_index_.find(source);
      if (found == source_index_.end()) invalid(at + ".source", "the URL of a source");
      r.source = found->second;
    }
    r.line = number<std::uint32_t>(j, at, "line", true);

    model::ResultDetail d;
    const Json& hops = member(j, at, "redirects");
    if (!hops.is_array()) invalid(at + ".redirects", "an array");
    for (std::size_t h = 0; h < hops.size(); ++h) {
      const std::string hop_at = fmt::format("{}.redirects[{}]", at, h);
      d.redirects.push_back({.url = text(hops[h], hop_at, "url"),
                             .status = number<int>(hops[h], hop_at, "status"),
                             .location = text_or_null(hops[h], hop_at, "location"),
                             .time_ms = number<std::uint32_t>(hops[h], hop_at, "time_ms")});
    }
    d.final_url = text_or_null(j, at, "final_url");
    d.error = text_or_null(j, at, "error");
    read_error_kind(text_or_null(j, at, "error_kind"), at, d);
    d.check_url = text(j, at, "check_url");
    if (d.check_url == url_text) d.check_url.clear();  // the writer's default
    const std::string content_type = text_or_null(j, at, "content_type");
    d.lastmod = text_or_null(j, at, "lastmod");
    d.findings = findings(j, at, "findings");
    d.fell_back_to_get = flag(j, at, "fell_back_to_get");
    d.slow = flag(j, at, "slow");
    const auto bytes = number<std::uint64_t>(j, at, "bytes");
    // found_by, referrers (--crawl) and cached (--cache) are absent from earlier reports.
    if (auto found = j.find("found_by"); found != j.end()) {
      static constexpr model::Discovery kFound[] = {
          model::Discovery::sitemap, model::Discovery::input, model::Discovery::link};
      auto known_found = word(text(j, at, "found_by"), kFound);
      if (!known_found) invalid(at + ".found_by", "sitemap, input or link");
      r.found = *known_found;
    }
    if (j.contains("referrer_count")) {
      d.referrer_count = number<std::uint64_t>(j, at, "referrer_count");
      const Json& refs = member(j, at, "referrers");
      if (!refs.is_array()) invalid(at + ".referrers", "an array");
      for (std::size_t k = 0; k < refs.size(); ++k) {
        const std::string ref_at = fmt::format("{}.referrers[{}]", at, k);
        d.referrers.push_back({.page = text(refs[k], ref_at, "page"),
                               .line = number<std::uint32_t>(refs[k], ref_at, "line", true),
                               .element = text(refs[k], ref_at, "element"),
                               .attribute = text(refs[k], ref_at, "attribute"),
                               .text = text(refs[k], ref_at, "text"),
                               .url = text(refs[k], ref_at, "url")});
      }
    }
    if (auto cached = j.find("cached"); cached != j.end()) r.cached = flag(j, at, "cached");
    if (!plain(d)) r.detail = std::make_unique<model::ResultDetail>(std::move(d));
    r.set_content_type(content_type);  // after the detail block: either may need it
    r.set_bytes(bytes);
  }

 private:
  static void read_error_kind(const std::string& name, const std::string& at,
                              model::ResultDetail& d) {
    if (name.empty()) return;
    for (const model::ErrorKindName& row : model::error_kind_names()) {
      if (row.kind != model::ErrorKind::none && row.kind != model::ErrorKind::finding &&
          name == row.name) {
        d.error_kind = row.kind;
        return;
      }
    }
    auto code = model::finding_code_from(name);
    if (!code) invalid(at + ".error_kind", "an error kind or a finding code");
    d.error_kind = model::ErrorKind::finding;
    d.failed_by = *code;
  }

  // plain() is true for the detail of a plain "200, no redirects, no findings" result, which
  // a run keeps without a detail block (result.hpp).
  static bool plain(const model::ResultDetail& d) {
    return d.check_url.empty() && d.final_url.empty() && d.error.empty() &&
           d.error_kind == model::ErrorKind::none && d.lastmod.empty() && d.redirects.empty() &&
           d.findings.empty() && !d.fell_back_to_get && !d.slow && d.referrers.empty() &&
           d.referrer_count == 0;
  }

  std::map<std::string, std::uint32_t, std::less<>> source_index_;
};

}  // namespace

std::string read_json(std::istream& in, model::Report& report, const ResultSink& sink) {
  // The writer puts the results last (json_writer.cpp): the top-level values before them are
  // collected into `header` as each completes, and read into `report` when the "results" key
  // arrives, so that results can name their sources and stream. A report whose keys were
  // reordered (jq -S sorts them) still reads, with its results held until the end.
  Json header = Json::object();
  std::string top_key;
  std::unique_ptr<ResultReader> results;
  std::size_t index = 0;
  std::string url_text;
  auto convert = [&](const Json& j) {
    model::Result r;
    results->read(j, index++, url_text, r);
    if (sink) {
      r.url = url_text;
      sink(std::move(r));
    } else {
      r.url = report.url_text.store(url_text);
      report.results.push_back(std::move(r));
    }
  };
  try {
    Json doc = Json::parse(in, [&](int depth, Json::parse_event_t event, Json& parsed) -> bool {
      using Event = Json::parse_event_t;
      if (depth == 1 && event == Event::key) {
        top_key = parsed.get<std::string>();
        if (top_key == "results" && header_complete(header)) {
          read_header(header, report);
          results = std::make_unique<ResultReader>(report);
        }
        return true;
      }
      if (top_key == "results") {
        if (!results || depth != 2 || event != Event::object_end) return true;
        convert(parsed);
        return false;  // converted: drop its JSON
      }
      if (depth == 1 &&
          (event == Event::value || event == Event::object_end || event == Event::array_end)) {
        header[top_key] = parsed;
        return false;  // kept in `header`, not twice in the document
      }
      return true;
    });
    if (!doc.is_object()) invalid("report", "an object");
    const bool streamed = results != nullptr;
    if (!streamed) {
      read_header(header, report);
      results = std::make_unique<ResultReader>(report);
    }
    const Json& list = member(doc, "report", "results");
    if (!list.is_array()) invalid("results", "an array");
    if (!streamed) {
      for (const Json& j : list) convert(j);
    }
  } catch (const Invalid& error) {
    return error.what;
  } catch (const Json::exception& error) {
    // nlohmann's messages name the place: "[json.exception.parse_error.101] parse error at
    // line 3, column 4: ...".
    return fmt::format("not valid JSON: {}", error.what());
  }
  return {};
}

}  // namespace siteaudit::report
