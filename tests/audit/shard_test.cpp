// Tests for shard.cpp: --shard and --shard-by as the user and the CI engines give them, and
// the parts they cut: every URL in exactly one part, the same part on every machine.
#include "siteaudit/audit/shard.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "siteaudit/model/shard_info.hpp"

using namespace siteaudit::audit;

namespace {

// env() is an Environment holding exactly `vars`.
Environment env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto found = vars.find(name);
    return found == vars.end() ? nullptr : found->second.c_str();
  };
}

const std::vector<std::string> kOneHost = {"https://e.com/sitemap.xml", "local.xml"};
const std::vector<std::string> kTwoHosts = {"https://e.com/sitemap.xml",
                                            "https://USER@Docs.E.com:8443/sitemap.xml"};

ShardSpec parsed(std::string_view text, std::string_view by = "",
                 const std::vector<std::string>& inputs = kOneHost, const Environment& vars = {}) {
  auto spec = parse_shard(text, by, inputs, vars);
  INFO(spec.error());
  REQUIRE(spec.ok());
  return spec.value();
}

std::string refused(std::string_view text, std::string_view by = "", const Environment& vars = {}) {
  auto spec = parse_shard(text, by, kOneHost, vars);
  REQUIRE_FALSE(spec.ok());
  return spec.error();
}

}  // namespace

TEST_CASE("Shard: the hash is FNV-1a 64, the same on every machine", "[audit][shard]") {
  // The published FNV-1a test vectors: a shard's part must not depend on std::hash.
  STATIC_REQUIRE(siteaudit::model::stable_hash("") == 0xcbf29ce484222325ull);
  STATIC_REQUIRE(siteaudit::model::stable_hash("a") == 0xaf63dc4c8601ec8cull);
  STATIC_REQUIRE(siteaudit::model::stable_hash("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("Shard: K/N and the default cut", "[audit][shard]") {
  const ShardSpec none = parsed("");
  CHECK_FALSE(none.enabled());
  CHECK(none.contains("https://e.com/a"));

  const ShardSpec two = parsed("2/4");
  CHECK(two.part == 2);
  CHECK(two.parts == 4);
  CHECK(two.by == ShardBy::url);  // one host among the inputs
  CHECK(two.from == "--shard");
  CHECK(parsed("1/3", "", kTwoHosts).by == ShardBy::host);
  CHECK(parsed("1/3", "url", kTwoHosts).by == ShardBy::url);
  CHECK(parsed("1/3", "host").by == ShardBy::host);
  CHECK(parsed("1/1").contains("https://e.com/anything"));
}

TEST_CASE("Shard: a bad --shard or --shard-by names the option", "[audit][shard]") {
  for (const char* text : {"2", "0/3", "4/3", "1/0", "a/3", "1/x", "1/3/", "-1/3", "1/100001"}) {
    INFO(text);
    CHECK(refused(text).starts_with("--shard: "));
  }
  CHECK(refused("1/3", "path") == "--shard-by: 'path' is not url or host");
  CHECK(refused("", "host") == "--shard-by: needs --shard");
}

TEST_CASE("Shard: auto/N takes the part from the engine's variables", "[audit][shard]") {
  // Kubernetes counts from 0, GitLab from 1.
  ShardSpec k8s = parsed("auto/3", "", kOneHost, env({{"JOB_COMPLETION_INDEX", "0"}}));
  CHECK(k8s.part == 1);
  CHECK(k8s.from == "JOB_COMPLETION_INDEX");
  ShardSpec gitlab =
      parsed("auto/3", "", kOneHost, env({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}));
  CHECK(gitlab.part == 3);
  CHECK(refused("auto/3", "", env({})).find("neither JOB_COMPLETION_INDEX nor CI_NODE_INDEX") !=
        std::string::npos);
  CHECK(refused("auto/3", "", env({{"JOB_COMPLETION_INDEX", "3"}})).find("0 to 2") !=
        std::string::npos);
  CHECK(refused("auto/3", "", env({{"CI_NODE_INDEX", "0"}})).find("1 to 3") != std::string::npos);
  CHECK(refused("auto/3", "", env({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "4"}})) ==
        "--shard: auto/3: CI_NODE_TOTAL is '4', not 3");
}

TEST_CASE("Shard: GitLab's parallel: variables shard a run without --shard", "[audit][shard]") {
  ShardSpec spec = parsed("", "", kOneHost, env({{"CI_NODE_INDEX", "2"}, {"CI_NODE_TOTAL", "5"}}));
  CHECK(spec.part == 2);
  CHECK(spec.parts == 5);
  CHECK(spec.from == "CI_NODE_INDEX/CI_NODE_TOTAL");
  // JOB_COMPLETION_INDEX alone does not say how many parts there are.
  CHECK_FALSE(parsed("", "", kOneHost, env({{"JOB_COMPLETION_INDEX", "1"}})).enabled());
  CHECK_FALSE(parsed("", "", kOneHost, env({{"CI_NODE_INDEX", "1"}})).enabled());
  CHECK(refused("", "", env({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "x"}}))
            .starts_with("--shard: CI_NODE_TOTAL"));
}

TEST_CASE("Shard: the host key leaves out the scheme, credentials, port and path",
          "[audit][shard]") {
  CHECK(shard_key("https://e.com/a?b#c", ShardBy::host) == "e.com");
  CHECK(shard_key("http://user:pw@e.com:8080/a", ShardBy::host) == "e.com");
  CHECK(shard_key("http://[::1]:8080/a", ShardBy::host) == "[::1]");
  CHECK(shard_key("https://e.com?q", ShardBy::host) == "e.com");
  CHECK(shard_key("https://e.com/a", ShardBy::url) == "https://e.com/a");
}

TEST_CASE("Shard: every URL falls in exactly one part, a host's URLs in one", "[audit][shard]") {
  for (const ShardBy by : {ShardBy::url, ShardBy::host}) {
    for (const std::uint32_t parts : {1u, 2u, 3u, 7u}) {
      std::vector<ShardSpec> specs;
      for (std::uint32_t k = 1; k <= parts; ++k) {
        specs.push_back(ShardSpec{.part = k, .parts = parts, .by = by});
      }
      std::vector<int> sizes(parts, 0);
      std::map<std::string, std::uint32_t> part_of_host;
      for (int i = 0; i < 700; ++i) {
        const std::string host = "h" + std::to_string(i % 20) + ".test";
        const std::string url = "https://" + host + "/p/" + std::to_string(i);
        int owners = 0;
        for (const ShardSpec& spec : specs) {
          if (!spec.contains(url)) continue;
          ++owners;
          ++sizes[spec.part - 1];
          if (by == ShardBy::host) {
            auto [at, added] = part_of_host.emplace(host, spec.part);
            CHECK(at->second == spec.part);
          }
        }
        CHECK(owners == 1);
      }
      // Cut by URL, 700 URLs spread over every part (at least a third of an even share).
      if (by == ShardBy::url) {
        for (const int size : sizes) CHECK(size * 3 >= 700 / static_cast<int>(parts));
      }
    }
  }
}

TEST_CASE("Shard: a crawl is cut by host only", "[audit][shard]") {
  auto by_url = for_crawl(parsed("1/2", "url"), "url");
  REQUIRE_FALSE(by_url.ok());
  CHECK(by_url.error().starts_with("--shard-by url: a crawl is split by host only"));
  auto by_default = for_crawl(parsed("1/2"), "");
  REQUIRE(by_default.ok());
  CHECK(by_default.value().by == ShardBy::host);
  CHECK(for_crawl(parsed(""), "").ok());
}
