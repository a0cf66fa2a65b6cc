// text.cpp — escaping, failure reasons and verdicts shared by the report writers.
#include "text.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>
#include <variant>
#include <vector>

#include "siteaudit/model/referrer.hpp"

namespace siteaudit::report::text {

namespace {

constexpr char32_t kInvalid = kInvalidCodePoint;
constexpr std::string_view kReplacement = kReplacementUtf8;

bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// for_each_code_point() calls emit(cp, bytes) for every sequence, with kInvalid for bad bytes.
template <typename Emit>
void for_each_code_point(std::string_view in, Emit emit) {
  while (!in.empty()) {
    auto [cp, len] = decode_utf8(in);
    emit(cp, in.substr(0, len));
    in.remove_prefix(len);
  }
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::pair<char32_t, std::size_t> decode_utf8(std::string_view in) {
  const auto b0 = static_cast<unsigned char>(in[0]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
  } else {
    return {kInvalid, 1};
  }
  if (in.size() < len) return {kInvalid, 1};
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(in[i]);
    if ((b & 0xC0) != 0x80) return {kInvalid, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms and surrogates: an XML or JSON parser rejects them.
  static constexpr std::array<char32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {kInvalid, 1};
  return {cp, len};
}

std::string xml_escape(std::string_view in, bool attribute) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for_each_code_point(in, [&](char32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&':
        out += "&amp;";
        return;
      case '<':
        out += "&lt;";
        return;
      case '>':
        out += "&gt;";
        return;
      case '"':
        out += attribute ? "&quot;" : "\"";
        return;
      case '\'':
        out += attribute ? "&apos;" : "'";
        return;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        return;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        return;
      case '\r':
        out += "&#13;";
        return;  // a raw CR would be folded into LF by the parser
      default:
        break;
    }
    // XML 1.0 has no way to write these, not even as character references.
    if (cp == kInvalid || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string terminal_safe(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for_each_code_point(in, [&](char32_t cp, std::string_view bytes) {
    if (cp == kInvalid || is_control(cp)) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string markdown_text(std::string_view in) {
  static constexpr std::string_view kSpecial = "\\`*_[]<>|#!~&()";
  std::string out;
  out.reserve(in.size() + 8);
  for_each_code_point(in, [&](char32_t cp, std::string_view bytes) {
    if (cp == '\n' || cp == '\r' || cp == '\t') {
      out += ' ';  // a newline would end the table row
    } else if (cp == kInvalid || is_control(cp)) {
      out += kReplacement;
    } else {
      if (cp < 0x80 && kSpecial.find(static_cast<char>(cp)) != std::string_view::npos) out += '\\';
      out += bytes;
    }
  });
  return out;
}

std::string markdown_code(std::string_view in) {
  std::string out = "`";
  for_each_code_point(in, [&](char32_t cp, std::string_view bytes) {
    if (cp == '`') {
      out += "%60";  // a URL means the same with the backtick percent-encoded
    } else if (cp == '|') {
      out += "\\|";  // GFM splits table cells on '|' even inside code spans
    } else if (cp == kInvalid || is_control(cp)) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  out += '`';
  return out;
}

std::string_view status_reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 418:
      return "I'm a teapot";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 425:
      return "Too Early";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 451:
      return "Unavailable For Legal Reasons";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    case 507:
      return "Insufficient Storage";
    case 508:
      return "Loop Detected";
    case 511:
      return "Network Authentication Required";
    default:
      return {};
  }
}

std::string status_text(int status) {
  if (status == 0) return {};
  std::string_view reason = status_reason(status);
  return reason.empty() ? fmt::format("{}", status) : fmt::format("{} {}", status, reason);
}

std::string failure_reason(const model::Result& result) {
  const model::ResultDetail* d = result.detail.get();
  const std::string error = d ? d->error : std::string();
  switch (result.outcome) {
    case model::Outcome::skipped:
      return error.empty() ? "skipped" : error;
    case model::Outcome::cancelled:
      return error.empty() ? "cancelled before it was checked" : error;
    case model::Outcome::ok:
    case model::Outcome::failed:
    case model::Outcome::inconclusive:
      break;
  }
  std::string reason = status_text(result.status);
  // The status rules say "status 404 is not accepted (...)": after "404 Not Found" the status
  // is said once, "404 Not Found: not accepted (...)".
  std::string_view said = error;
  if (const std::string prefix = fmt::format("status {} is ", result.status);
      result.status != 0 && said.starts_with(prefix)) {
    said.remove_prefix(prefix.size());
  }
  if (!said.empty())
    reason = reason.empty() ? std::string(said) : reason + ": " + std::string(said);
  if (!reason.empty() || !d || d->findings.empty()) {
    if (reason.empty() && result.outcome == model::Outcome::failed) return "failed";
    return reason;
  }
  // No status and no error: a hygiene rule under --strict failed it; say which.
  const model::Finding* pick = &d->findings.front();
  for (const model::Finding& f : d->findings) {
    if (f.severity == model::Severity::failure) {
      pick = &f;
      break;
    }
  }
  return std::string(model::to_string(pick->code)) + ": " + pick->message;
}

std::string_view requested_url(const model::Result& result) {
  const model::ResultDetail* d = result.detail.get();
  if (d == nullptr || d->check_url.empty() || d->check_url == result.url) return {};
  return d->check_url;
}

std::size_t display_width(std::string_view in) {
  std::size_t width = 0;
  for_each_code_point(in, [&](char32_t, std::string_view) { ++width; });
  return width;
}

std::string_view source_url(const model::Report& report, std::uint32_t index) {
  return index < report.sources.size() ? std::string_view(report.sources[index].url)
                                       : std::string_view();
}

std::string location(const model::Report& report, const model::Result& result) {
  std::string_view url = source_url(report, result.source);
  if (url.empty()) return {};
  return result.line ? fmt::format("{}:{}", url, result.line) : std::string(url);
}

std::string referrer_text(const model::Referrer& referrer) {
  std::string out = referrer.page;
  if (referrer.line != 0) out += fmt::format(":{}", referrer.line);
  out += ' ';
  out += model::link_holder(referrer.element, referrer.attribute);
  if (!referrer.text.empty()) out += fmt::format(" \"{}\"", referrer.text);
  return out;
}

std::string crawl_line(const model::CrawlReport& crawl) {
  const std::uint64_t not_requested =
      crawl.mailto + crawl.tel + crawl.javascript + crawl.data + crawl.other_scheme + crawl.invalid;
  std::string out = fmt::format(
      "pages {}, links {}, external {}, not requested {}, broken {}, linked redirects {}, "
      "missing from sitemap {}, ",
      crawl.pages, crawl.links, crawl.external, not_requested, crawl.broken, crawl.linked_redirects,
      crawl.missing_from_sitemap);
  if (crawl.complete) {
    out += fmt::format("orphans {}", crawl.orphans);
  } else {
    out += fmt::format("orphans not decidable ({})", crawl.incomplete_reason);
  }
  return out;
}

std::string format_ms(std::uint64_t ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  const std::uint64_t s = ms / 1000;
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string seconds(std::uint64_t ms) {
  return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

bool strict(const model::Report& report) {
  for (const model::ConfigSetting& setting : report.config) {
    if (setting.option == "strict") {
      const bool* on = std::get_if<bool>(&setting.value);
      return on != nullptr && *on;
    }
  }
  return false;
}

StrictFailures strict_failures(const model::Report& report) {
  StrictFailures counts;
  if (!strict(report)) return counts;
  for (const model::Source& s : report.sources) counts.warnings += s.warnings.size();
  for (const model::Result& r : report.results) {
    // A failed URL is counted as failed already, whatever findings it has.
    if (r.outcome == model::Outcome::ok && r.detail != nullptr && !r.detail->findings.empty()) {
      ++counts.warnings;
    }
  }
  counts.inconclusive = report.summary.inconclusive;
  counts.unexpected = report.routes.unexpected.size();
  return counts;
}

model::BaselineState baseline_state(const model::Report& report, const model::Result& result) {
  if (!report.baseline.enabled()) return model::BaselineState::none;
  return model::result_state(report.baseline, result, strict(report));
}

std::uint64_t count_failed(const model::Report& report, model::BaselineState which) {
  if (which == model::BaselineState::none) return report.summary.failed;
  std::uint64_t n = 0;
  for (const model::Result& r : report.results) {
    if (r.outcome == model::Outcome::failed && baseline_state(report, r) == which) ++n;
  }
  return n;
}

std::string baseline_line(const model::Report& report) {
  const model::BaselineInfo& b = report.baseline;
  if (!b.enabled()) return {};
  return fmt::format("{}, {} known (in the baseline), {} fixed since the baseline",
                     plural(b.fresh.size(), "new failure", "new failures"), b.known.size(),
                     b.fixed.size());
}

std::size_t failed_sources(const model::Report& report) {
  std::size_t n = 0;
  for (const model::Source& s : report.sources) n += s.error.empty() ? 0 : 1;
  return n;
}

VerdictKind verdict_kind(const model::Report& report) {
  if (report.run.interrupted || report.run.exit_code == 130) return VerdictKind::interrupted;
  if (report.run.exit_code == 2) return VerdictKind::error;
  // With --baseline only new failures fail the run; the exit code says whether there were any.
  if (report.baseline.enabled()) {
    return report.run.exit_code == 0 ? VerdictKind::passed : VerdictKind::failed;
  }
  if (report.run.exit_code != 0 || report.summary.failed != 0 || !report.routes.missing.empty() ||
      failed_sources(report) != 0) {
    return VerdictKind::failed;
  }
  return VerdictKind::passed;
}

std::string verdict(const model::Report& report) {
  const model::Summary& s = report.summary;
  std::vector<std::string> parts;
  const VerdictKind kind = verdict_kind(report);
  std::string head;
  switch (kind) {
    case VerdictKind::passed:
      head = "PASSED";
      break;
    case VerdictKind::failed:
      head = "FAILED";
      break;
    case VerdictKind::error:
      head = "ERROR";
      break;
    case VerdictKind::interrupted:
      head = report.run.interrupt_reason.empty()
                 ? "INTERRUPTED"
                 : fmt::format("INTERRUPTED ({})", terminal_safe(report.run.interrupt_reason));
      break;
  }
  // Under --strict the warnings, inconclusive answers and unexpected URLs that failed the run
  // lead the line, so that a failed run never reads as "0 failed".
  // With --baseline, what fails the run is the new failures: they lead the line.
  if (report.baseline.enabled()) parts.push_back(baseline_line(report));
  const StrictFailures strict_counts = strict_failures(report);
  if (strict_counts.total() != 0) {
    std::vector<std::string> what;
    if (strict_counts.warnings) {
      what.push_back(plural(strict_counts.warnings, "warning", "warnings"));
    }
    if (strict_counts.inconclusive) {
      what.push_back(fmt::format("{} inconclusive", strict_counts.inconclusive));
    }
    if (strict_counts.unexpected) {
      what.push_back(plural(strict_counts.unexpected, "unexpected URL", "unexpected URLs"));
    }
    parts.push_back(fmt::format("{} under --strict ({})",
                                plural(strict_counts.total(), "failure", "failures"),
                                fmt::join(what, ", ")));
  }
  if (kind == VerdictKind::passed) {
    parts.push_back(s.skipped == 0 && s.total == s.ok
                        ? fmt::format("all {} ok", plural(s.total, "URL", "URLs"))
                        : fmt::format("{} of {} ok", s.ok, plural(s.total, "URL", "URLs")));
  } else {
    parts.push_back(fmt::format("{} of {} failed", s.failed, plural(s.total, "URL", "URLs")));
  }
  if (s.cancelled) parts.push_back(fmt::format("{} cancelled", s.cancelled));
  if (s.inconclusive && strict_counts.inconclusive == 0) {
    parts.push_back(fmt::format("{} inconclusive", s.inconclusive));
  }
  if (s.skipped) parts.push_back(fmt::format("{} skipped", s.skipped));
  if (!report.routes.missing.empty()) {
    parts.push_back(fmt::format(
        "{} missing", plural(report.routes.missing.size(), "expected route", "expected routes")));
  }
  if (std::size_t n = failed_sources(report)) {
    parts.push_back(n == 1 ? "1 sitemap could not be loaded"
                           : fmt::format("{} sitemaps could not be loaded", n));
  }
  if (s.warnings && strict_counts.total() == 0) {
    parts.push_back(plural(s.warnings, "warning", "warnings"));
  }
  return fmt::format("{}: {}", head, fmt::join(parts, ", "));
}

}  // namespace siteaudit::report::text
