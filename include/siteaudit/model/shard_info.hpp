// shard_info.hpp — which part of a sharded run a report is, and what a merge checks it against.
//
// A run with --shard K/N checks only the URLs of part K; `siteaudit merge` combines the N
// reports into the report one run would have written. To prove that the parts cover the input
// exactly once, each part records, besides its number, what every part must agree on: the
// whole input's unique URLs and duplicates (every shard loads every sitemap), and a
// fingerprint of the options that shape the results (the report's config block).
//
// stable_hash() is the hash the shards are cut by and the fingerprint is made of: FNV-1a,
// 64 bits, over the bytes as given. Unlike std::hash it is the same on every machine,
// compiler and release, which is what lets N runners on N machines agree on the parts.
//
// Example:
//   std::uint64_t part = model::stable_hash("https://e.com/a") % 4;  // 0..3, i.e. part 1..4
//   report.shard.fingerprint = model::config_fingerprint(report.config);
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/model/config_setting.hpp"

namespace siteaudit::model {

// ShardInfo is the report's "shard" block; `parts == 0` means the run was not sharded.
struct ShardInfo {
  std::uint32_t part = 0;              // K of --shard K/N, 1-based
  std::uint32_t parts = 0;             // N
  std::string by;                      // "url" or "host"
  std::string fingerprint;             // config_fingerprint() of the report's config block
  std::uint64_t input_urls = 0;        // unique URLs of the whole input, all parts together
  std::uint64_t input_duplicates = 0;  // URLs the whole input listed more than once

  bool enabled() const noexcept { return parts != 0; }
};

// stable_hash() is FNV-1a 64 of `bytes`.
constexpr std::uint64_t stable_hash(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

// config_fingerprint() is "fnv1a64:" and 16 hex digits of stable_hash() over the settings, each
// written as its option, a type letter and its value, so that two runs with the same options
// (in the same order, as report_settings() gives them) have the same fingerprint.
std::string config_fingerprint(const std::vector<ConfigSetting>& settings);

}  // namespace siteaudit::model
