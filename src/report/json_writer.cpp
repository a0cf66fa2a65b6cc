// json_writer.cpp — the JSON report, streamed one element at a time.
//
// The document has a fixed shape, so it is emitted directly rather than built as a tree:
// each source and result is rendered into one reused buffer and written out before the next,
// which keeps memory flat for a million results and keeps allocation out of the loop. (An
// nlohmann::ordered_json object per result spent two thirds of the writer's time building and
// tearing down maps; the tests parse every byte we emit with nlohmann and validate it against
// the schema, so the emitter is held to the same standard.)
#include "siteaudit/report/json_writer.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "json_text.hpp"
#include "text.hpp"

namespace siteaudit::report {

namespace {

using json_text::append_array;
using json_text::append_crawl;
using json_text::append_string;
using json_text::append_strings;
using json_text::append_summary;
using json_text::Object;

void append_findings(std::string& out, const std::vector<model::Finding>& findings) {
  append_array(out, findings, [](std::string& o, const model::Finding& f) {
    Object(o)
        .string("code", model::to_string(f.code))
        .string("message", f.message)
        .string_or_null("where", f.where)
        .number_or_null("line", f.line)
        .string("severity", model::to_string(f.severity));
  });
}

void append_source(std::string& out, const model::Report& report, const model::Source& s) {
  const bool has_parent =
      s.parent >= 0 && static_cast<std::size_t>(s.parent) < report.sources.size();
  Object o(out);
  o.string("url", s.url).string("kind", model::to_string(s.kind)).number("urls", s.urls);
  o.boolean("gzip", s.gzip);
  if (has_parent) {
    o.string("parent", report.sources[static_cast<std::size_t>(s.parent)].url);
  } else {
    o.null("parent");
  }
  o.string_or_null("error", s.error);
  o.nested("warnings", [&](std::string& w) { append_findings(w, s.warnings); });
}

void append_result(std::string& out, const model::Report& report, const model::Result& r) {
  static const model::ResultDetail kNoDetail;
  const model::ResultDetail& d = r.detail ? *r.detail : kNoDetail;
  Object o(out);
  o.string("url", r.url).number("seq", r.seq);
  if (r.status > 0) {
    o.number("status", r.status);
  } else {
    o.null("status");
  }
  o.boolean("ok", r.outcome == model::Outcome::ok);
  o.string("outcome", model::to_string(r.outcome));
  if (r.method == model::CheckMethod::none) {
    o.null("method");
  } else {
    o.string("method", model::to_string(r.method));
  }
  o.number("time_ms", r.time_ms).number("attempts", unsigned{r.attempts});
  o.nested("redirects", [&](std::string& a) {
    append_array(a, d.redirects, [](std::string& h, const model::RedirectHop& hop) {
      Object(h)
          .string("url", hop.url)
          .number("status", hop.status)
          .string_or_null("location", hop.location)
          .number("time_ms", hop.time_ms);
    });
  });
  o.string_or_null("final_url", d.final_url);
  o.string_or_null("error", d.error);
  o.string_or_null("error_kind", model::error_kind_name(d));
  o.string_or_null("source", text::source_url(report, r.source));
  o.number_or_null("line", r.line);
  o.string("check_url", d.check_url.empty() ? r.url : d.check_url);
  o.string_or_null("content_type", r.content_type());
  o.string_or_null("lastmod", d.lastmod);
  o.nested("findings", [&](std::string& f) { append_findings(f, d.findings); });
  o.boolean("fell_back_to_get", d.fell_back_to_get);
  o.boolean("slow", d.slow);
  o.number("bytes", r.bytes());
  o.string("found_by", model::to_string(r.found));
  o.number("referrer_count", d.referrer_count);
  o.nested("referrers", [&](std::string& a) {
    append_array(a, d.referrers, [](std::string& e, const model::Referrer& ref) {
      Object(e)
          .string("page", ref.page)
          .number_or_null("line", ref.line)
          .string("element", ref.element)
          .string("attribute", ref.attribute)
          .string("url", ref.url)
          .string("text", ref.text);
    });
  });
  o.boolean("cached", r.cached);
  // --baseline: whether the baseline had this result's failures; null without one, or when
  // the result has none.
  o.string_or_null("baseline", model::to_string(text::baseline_state(report, r)));
}

// append_config() writes each setting with its JSON type, in --help order.
void append_config(std::string& out, const model::Report& report) {
  Object o(out);
  for (const model::ConfigSetting& setting : report.config) {
    std::visit(
        [&](const auto& value) {
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, bool>) {
            o.boolean(setting.option, value);
          } else if constexpr (std::is_same_v<Value, std::uint64_t>) {
            o.number(setting.option, value);
          } else if constexpr (std::is_same_v<Value, double>) {
            o.real(setting.option, value);
          } else if constexpr (std::is_same_v<Value, std::string>) {
            o.string(setting.option, value);
          } else {
            o.nested(setting.option, [&](std::string& a) {
              append_array(a, value,
                           [](std::string& v, const std::string& s) { append_string(v, s); });
            });
          }
        },
        setting.value);
  }
}

// append_shard() writes the shard block, or null for a run that is not a part.
void append_shard(std::string& out, const model::ShardInfo& s) {
  if (!s.enabled()) {
    out += "null";
    return;
  }
  Object(out)
      .number("part", s.part)
      .number("parts", s.parts)
      .string("by", s.by)
      .string("fingerprint", s.fingerprint)
      .number("input_urls", s.input_urls)
      .number("input_duplicates", s.input_duplicates);
}

// append_baseline() writes the baseline block, or null for a run without --baseline.
void append_baseline(std::string& out, const model::BaselineInfo& b) {
  if (!b.enabled()) {
    out += "null";
    return;
  }
  auto keys = [](const std::vector<model::FailureKey>& list) {
    return [&list](std::string& a) {
      append_array(a, list, [](std::string& o, const model::FailureKey& key) {
        Object(o).string("url", key.url).string("kind", key.kind);
      });
    };
  };
  Object(out)
      .string("file", b.file)
      .nested("known", keys(b.known))
      .nested("new", keys(b.fresh))
      .nested("fixed", keys(b.fixed));
}

// write_lines() writes `items` as a JSON array with one element per line, rendering each into
// the reused `buf` just before writing it; it stops as soon as the stream fails.
template <typename Items, typename Render>
void write_lines(std::ostream& out, std::string& buf, const Items& items, Render render) {
  if (items.empty()) {
    out << "[]";
    return;
  }
  out << '[';
  bool first = true;
  for (const auto& item : items) {
    if (!out) return;
    buf.assign(first ? "\n    " : ",\n    ");
    first = false;
    render(buf, item);
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  }
  out << "\n  ]";
}

}  // namespace

void write_json(const model::Report& report, std::ostream& out) {
  std::string buf;
  buf += "{\n  \"schema\": ";
  append_string(buf, kJsonSchemaId);
  buf += ",\n  \"tool\": ";
  Object(buf).string("name", report.tool.name).string("version", report.tool.version);
  buf += ",\n  \"config\": ";
  append_config(buf, report);
  buf += ",\n  \"run\": ";
  Object(buf)
      .string_or_null("started_at", report.run.started_at)
      .number("duration_ms", report.run.duration_ms)
      .boolean("interrupted", report.run.interrupted)
      .string_or_null("interrupt_reason", report.run.interrupt_reason)
      .number("exit_code", report.run.exit_code);
  buf += ",\n  \"summary\": ";
  append_summary(buf, report.summary);
  buf += ",\n  \"sources\": ";
  out << buf;

  write_lines(out, buf, report.sources,
              [&](std::string& b, const model::Source& s) { append_source(b, report, s); });
  buf.assign(",\n  \"routes\": ");
  Object(buf)
      .boolean("enabled", report.routes.enabled)
      .string_or_null("file", report.routes.file)
      .nested("expected", [&](std::string& a) { append_strings(a, report.routes.expected); })
      .nested("missing", [&](std::string& a) { append_strings(a, report.routes.missing); })
      .nested("unexpected", [&](std::string& a) { append_strings(a, report.routes.unexpected); });
  buf += ",\n  \"crawl\": ";
  append_crawl(buf, report.crawl);
  buf += ",\n  \"shard\": ";
  append_shard(buf, report.shard);
  buf += ",\n  \"baseline\": ";
  append_baseline(buf, report.baseline);
  buf += ",\n  \"results\": ";
  if (!out) return;
  out << buf;
  write_lines(out, buf, report.results,
              [&](std::string& b, const model::Result& r) { append_result(b, report, r); });
  if (out) out << "\n}\n";
}

}  // namespace siteaudit::report
