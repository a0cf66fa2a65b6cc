// shard.cpp — parsing --shard and --shard-by, and which part a URL falls in.
#include "siteaudit/audit/shard.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "siteaudit/model/shard_info.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {

namespace {

// kMaxParts bounds N: more parts than that is a typo, not a CI matrix.
constexpr std::uint32_t kMaxParts = 100'000;

// whole_number() reads all of `text` as a number, or returns false.
bool whole_number(std::string_view text, std::uint32_t& value) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc{} && stop == end;
}

// input_host() is the host of an input that is a URL, or "" for a file or standard input.
std::string input_host(const std::string& input) {
  if (input.find("://") == std::string::npos) return {};
  return net::ascii_lower(shard_key(input, ShardBy::host));
}

using Failure = ParseResult<ShardSpec>;

// part_from_environment() fills spec.part for "auto/N" from the engines' variables.
std::string part_from_environment(ShardSpec& spec, const Environment& env) {
  const char* job_index = env ? env("JOB_COMPLETION_INDEX") : nullptr;
  const char* node_index = env ? env("CI_NODE_INDEX") : nullptr;
  const char* node_total = env ? env("CI_NODE_TOTAL") : nullptr;
  std::uint32_t value = 0;
  if (job_index != nullptr && *job_index != '\0') {
    if (!whole_number(job_index, value) || value >= spec.parts) {
      return fmt::format(
          "--shard: auto/{}: JOB_COMPLETION_INDEX is '{}'; expected 0 to {} (it is 0-based)",
          spec.parts, job_index, spec.parts - 1);
    }
    spec.part = value + 1;
    spec.from = "JOB_COMPLETION_INDEX";
    return {};
  }
  if (node_index != nullptr && *node_index != '\0') {
    if (!whole_number(node_index, value) || value < 1 || value > spec.parts) {
      return fmt::format(
          "--shard: auto/{}: CI_NODE_INDEX is '{}'; expected 1 to {} (it is 1-based)", spec.parts,
          node_index, spec.parts);
    }
    std::uint32_t total = 0;
    if (node_total != nullptr && *node_total != '\0' &&
        (!whole_number(node_total, total) || total != spec.parts)) {
      return fmt::format("--shard: auto/{}: CI_NODE_TOTAL is '{}', not {}", spec.parts, node_total,
                         spec.parts);
    }
    spec.part = value;
    spec.from = "CI_NODE_INDEX";
    return {};
  }
  return fmt::format(
      "--shard: auto/{}: neither JOB_COMPLETION_INDEX nor CI_NODE_INDEX is set; give the part "
      "as K/{}",
      spec.parts, spec.parts);
}

}  // namespace

const char* to_string(ShardBy by) noexcept {
  return by == ShardBy::host ? "host" : "url";
}

std::string_view shard_key(std::string_view url, ShardBy by) {
  if (by == ShardBy::url) return url;
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {  // an IPv6 literal: its colons are not the port's
    const std::size_t close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool ShardSpec::contains(std::string_view normalised_url) const {
  if (parts == 0) return true;
  return model::stable_hash(shard_key(normalised_url, by)) % parts + 1 == part;
}

ParseResult<ShardSpec> parse_shard(std::string_view text, std::string_view by,
                                   const std::vector<std::string>& inputs, const Environment& env) {
  ShardSpec spec;
  if (text.empty()) {
    // GitLab's `parallel:` sets both; a run inside such a job is one of its parts.
    const char* node_index = env ? env("CI_NODE_INDEX") : nullptr;
    const char* node_total = env ? env("CI_NODE_TOTAL") : nullptr;
    if (node_index == nullptr || node_total == nullptr || *node_index == '\0' ||
        *node_total == '\0') {
      if (!by.empty()) return Failure::failure("--shard-by: needs --shard");
      return Failure::success(spec);
    }
    std::uint32_t total = 0;
    if (!whole_number(node_total, total) || total < 1 || total > kMaxParts) {
      return Failure::failure(
          fmt::format("--shard: CI_NODE_TOTAL is '{}'; expected 1 to {}", node_total, kMaxParts));
    }
    spec.parts = total;
    if (std::string error = part_from_environment(
            spec,
            [&](const char* name) -> const char* {
              return std::string_view(name) == "JOB_COMPLETION_INDEX" ? nullptr : env(name);
            });
        !error.empty()) {
      return Failure::failure(error);
    }
    spec.from = "CI_NODE_INDEX/CI_NODE_TOTAL";
  } else {
    const std::size_t slash = text.find('/');
    std::uint32_t parts = 0;
    if (slash == std::string_view::npos || !whole_number(text.substr(slash + 1), parts) ||
        parts < 1 || parts > kMaxParts) {
      return Failure::failure(fmt::format(
          "--shard: '{}' is not K/N or auto/N with N from 1 to {}, e.g. 2/4", text, kMaxParts));
    }
    spec.parts = parts;
    const std::string_view part = text.substr(0, slash);
    if (part == "auto") {
      if (std::string error = part_from_environment(spec, env); !error.empty()) {
        return Failure::failure(error);
      }
    } else if (!whole_number(part, spec.part) || spec.part < 1 || spec.part > parts) {
      return Failure::failure(
          fmt::format("--shard: '{}': the part must be from 1 to {} (it is 1-based)", text, parts));
    } else {
      spec.from = "--shard";
    }
  }
  if (by == "url") {
    spec.by = ShardBy::url;
  } else if (by == "host") {
    spec.by = ShardBy::host;
  } else if (by.empty()) {
    std::set<std::string> hosts;
    for (const std::string& input : inputs) {
      if (std::string host = input_host(input); !host.empty()) hosts.insert(std::move(host));
    }
    spec.by = hosts.size() > 1 ? ShardBy::host : ShardBy::url;
  } else {
    return Failure::failure(fmt::format("--shard-by: '{}' is not url or host", by));
  }
  return Failure::success(spec);
}

ParseResult<ShardSpec> for_crawl(ShardSpec spec, std::string_view by) {
  if (spec.enabled() && by == "url") {
    return Failure::failure(
        "--shard-by url: a crawl is split by host only (its parts cannot share the links they "
        "find inside one site); use --shard-by host");
  }
  spec.by = ShardBy::host;
  return Failure::success(spec);
}

}  // namespace siteaudit::audit
