// report_test.cpp — summarize(): the outcome and status counts, and the latency percentiles,
// which count milliseconds instead of keeping every sample and must give what sorting them
// gives.
#include "siteaudit/model/report.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

namespace model = siteaudit::model;

namespace {

// nearest_rank() is the definition: the sample at rank ceil(n * pct / 100) of the sorted ones.
std::uint32_t nearest_rank(std::vector<std::uint32_t> samples, unsigned pct) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const std::size_t rank =
      std::clamp<std::size_t>((samples.size() * pct + 99) / 100, 1, samples.size());
  return samples[rank - 1];
}

model::Report report_of(const std::vector<std::uint32_t>& times) {
  model::Report report;
  std::uint64_t seq = 0;
  for (std::uint32_t ms : times) {
    model::Result r;
    r.url = "https://example.com/";
    r.seq = seq++;
    r.status = 200;
    r.method = model::CheckMethod::head;
    r.time_ms = ms;
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace

TEST_CASE("summarize: latency percentiles are the nearest-rank ones of every checked URL",
          "[model]") {
  std::mt19937 random(20261206);
  std::vector<std::vector<std::uint32_t>> cases = {
      {}, {7}, {0, 0, 0}, {5, 1, 3}, {65'535, 65'536, 2}, {100'000, 70'000, 1, 1}};
  std::vector<std::uint32_t> many(10'001);
  // Mostly fast, a tail of slow ones past the per-millisecond counts (65,536 ms).
  for (auto& ms : many) ms = random() % 50 == 0 ? 60'000 + random() % 20'000 : random() % 3'000;
  cases.push_back(many);
  for (const auto& times : cases) {
    INFO(times.size() << " samples");
    const model::Summary s = model::summarize(report_of(times));
    CHECK(s.total == times.size());
    CHECK(s.status_2xx == times.size());
    CHECK(s.latency.p50 == nearest_rank(times, 50));
    CHECK(s.latency.p90 == nearest_rank(times, 90));
    CHECK(s.latency.p99 == nearest_rank(times, 99));
    CHECK(s.latency.max == (times.empty() ? 0 : *std::max_element(times.begin(), times.end())));
  }
}

TEST_CASE("summarize: skipped URLs and URLs never requested have no latency", "[model]") {
  model::Report report = report_of({10, 20});
  model::Result skipped;
  skipped.url = "https://example.com/skipped";
  skipped.seq = 2;
  skipped.outcome = model::Outcome::skipped;
  skipped.time_ms = 5'000;
  report.results.push_back(std::move(skipped));
  const model::Summary s = model::summarize(report);
  CHECK(s.total == 3);
  CHECK(s.skipped == 1);
  CHECK(s.latency.max == 20);
  CHECK(s.latency.p50 == 10);
}
