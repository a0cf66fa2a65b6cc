// shard.hpp — --shard K/N and --shard-by: which part of the input one run checks.
//
// A site too big for one CI runner is checked as N runs ("shards"), each taking the URLs of
// its part; `siteaudit merge` combines their reports. A URL's part is
//   stable_hash(key) % N + 1      (stable_hash: FNV-1a 64, model/shard_info.hpp)
// where the key is the normalised URL (--shard-by url: even parts for one big site) or its
// lower-case host name without the port (--shard-by host: every URL of a host in one part, so
// --rate, --per-host and robots.txt's Crawl-delay hold across the shards). Without --shard-by,
// host is taken when the inputs name several hosts, url otherwise.
//
// `--shard auto/N` takes K from the environment of the engine that runs the shards:
// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, 0-based), else CI_NODE_INDEX (GitLab
// `parallel:`, 1-based; CI_NODE_TOTAL, when set, must be N). Without --shard, CI_NODE_INDEX and
// CI_NODE_TOTAL together shard the run as CI_NODE_INDEX/CI_NODE_TOTAL; JOB_COMPLETION_INDEX
// alone does not, since it does not say N.
//
// Example:
//   auto spec = parse_shard("2/4", "", config.inputs, [](const char* name) {
//     return std::getenv(name); });
//   if (!spec.ok()) return fail(spec.error());              // exit code 2
//   bool mine = spec.value().contains("https://e.com/a");
//
// Thread safety: ShardSpec is an immutable value; contains() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/audit/parse_result.hpp"

namespace siteaudit::audit {

enum class ShardBy : std::uint8_t { url, host };

const char* to_string(ShardBy by) noexcept;

// Environment looks up an environment variable: null when it is not set.
using Environment = std::function<const char*(const char* name)>;

struct ShardSpec {
  std::uint32_t part = 0;   // K, 1-based; 0 when the run is not sharded
  std::uint32_t parts = 0;  // N; 0 when the run is not sharded
  ShardBy by = ShardBy::url;
  // from is where K came from, for the notice a run prints: "--shard", or the variables.
  std::string from;

  bool enabled() const noexcept { return parts != 0; }
  // contains() is true when the normalised URL belongs to this part (always when not sharded).
  bool contains(std::string_view normalised_url) const;
};

// shard_key() is what `by` hashes of a normalised URL: the URL itself, or its host.
std::string_view shard_key(std::string_view normalised_url, ShardBy by);

// parse_shard() reads --shard (`text`: "K/N", "auto/N" or empty) and --shard-by (`by`: "url",
// "host" or empty for the default), with the engines' variables from `env`. A failure names
// the option and says what is wrong.
[[nodiscard]] ParseResult<ShardSpec> parse_shard(std::string_view text, std::string_view by,
                                                 const std::vector<std::string>& inputs,
                                                 const Environment& env);

// for_crawl() is `spec` for a crawl (--crawl): a crawl is split by host only, since its parts
// could not split one origin's pages without telling each other the links they find. An
// explicit --shard-by url (`by`) is refused, naming the option (exit 2); otherwise the parts are
// cut by host. make_plan() applies it when the run crawls.
[[nodiscard]] ParseResult<ShardSpec> for_crawl(ShardSpec spec, std::string_view by);

}  // namespace siteaudit::audit
