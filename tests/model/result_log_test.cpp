// result_log_test.cpp — ResultLog gives every result once, in seq order, whatever the arrival
// order, the gaps and the spill; what it writes to its file reads back field for field.
#include "siteaudit/model/result_log.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "siteaudit/model/text_arena.hpp"

using siteaudit::model::CheckMethod;
using siteaudit::model::Discovery;
using siteaudit::model::ErrorKind;
using siteaudit::model::Finding;
using siteaudit::model::FindingCode;
using siteaudit::model::Outcome;
using siteaudit::model::RedirectHop;
using siteaudit::model::Result;
using siteaudit::model::ResultLog;
using siteaudit::model::ResultLogOptions;
using siteaudit::model::TextArena;

namespace {

// make() is result `seq` with a varied shape: plain, with a detail (and a body too large to
// count in the Result when seq is odd), failed, with a finding, skipped, cached, a crawled page
// (its bytes and content type without a detail).
Result make(std::uint64_t seq, TextArena& text) {
  Result r;
  r.seq = seq;
  r.url = text.store("https://example.com/page/" + std::to_string(seq));
  r.source = static_cast<std::uint32_t>(seq % 3);
  r.line = static_cast<std::uint32_t>(seq * 4 + 2);
  r.time_ms = static_cast<std::uint32_t>(seq % 997);
  r.status = 200;
  r.method = CheckMethod::head;
  r.attempts = 1;
  switch (seq % 7) {
    case 1:
      r.details().lastmod = "2024-03-0" + std::to_string(seq % 9);
      r.details().redirects.push_back(
          RedirectHop{.url = std::string(r.url), .status = 301, .location = "/x", .time_ms = 3});
      r.details().final_url = "https://example.com/x";
      r.details().check_url = "https://preview.example.com/page";  // --rewrite
      r.set_content_type("text/html");
      r.details().fell_back_to_get = true;
      r.set_bytes(seq % 2 == 0 ? seq * 11 : (std::uint64_t{5} << 20) + seq);
      r.method = CheckMethod::get;
      break;
    case 2:
      r.outcome = Outcome::failed;
      r.status = 404;
      r.details().error = "404 Not Found";
      r.details().error_kind = ErrorKind::status;
      break;
    case 3:
      r.details().findings.push_back(Finding{.code = FindingCode::slow,
                                             .message = "slow",
                                             .where = "",
                                             .line = 0,
                                             .severity = siteaudit::model::Severity::warning});
      break;
    case 4:
      r.outcome = Outcome::skipped;
      r.status = 0;
      r.method = CheckMethod::none;
      r.details().error = "excluded by --exclude";
      r.details().error_kind = ErrorKind::excluded;
      r.details().check_url = std::string(r.url);  // stored once in the record
      break;
    case 5:
      r.cached = true;
      r.found = Discovery::input;
      r.status = 203;
      break;
    case 6:
      r.method = CheckMethod::get;
      r.found = Discovery::link;
      r.set_content_type("text/html; charset=utf-8");
      r.set_bytes(seq * 37);
      break;
    default:
      break;
  }
  return r;
}

// same() compares every field the log keeps.
void same(const Result& got, const Result& want) {
  CHECK(got.seq == want.seq);
  CHECK(got.url == want.url);
  CHECK(got.source == want.source);
  CHECK(got.line == want.line);
  CHECK(got.time_ms == want.time_ms);
  CHECK(got.status == want.status);
  CHECK(got.outcome == want.outcome);
  CHECK(got.method == want.method);
  CHECK(got.found == want.found);
  CHECK(got.cached == want.cached);
  CHECK(got.attempts == want.attempts);
  CHECK(got.content_type() == want.content_type());
  CHECK(got.bytes() == want.bytes());
  REQUIRE((got.detail == nullptr) == (want.detail == nullptr));
  if (got.detail == nullptr) return;
  const auto& g = *got.detail;
  const auto& w = *want.detail;
  CHECK(g.check_url == w.check_url);
  CHECK(g.final_url == w.final_url);
  CHECK(g.error == w.error);
  CHECK(g.error_kind == w.error_kind);
  CHECK(g.lastmod == w.lastmod);
  REQUIRE(g.redirects.size() == w.redirects.size());
  for (std::size_t i = 0; i < g.redirects.size(); ++i) {
    CHECK(g.redirects[i].url == w.redirects[i].url);
    CHECK(g.redirects[i].status == w.redirects[i].status);
    CHECK(g.redirects[i].location == w.redirects[i].location);
  }
  CHECK(g.findings.size() == w.findings.size());
  CHECK(g.fell_back_to_get == w.fell_back_to_get);
}

// check_pass() reads the log once and compares it with `want` (in seq order).
void check_pass(const ResultLog& log, TextArena& text, const std::vector<std::uint64_t>& want) {
  std::vector<std::uint64_t> seen;
  for (const Result& r : log) {
    seen.push_back(r.seq);
    if (seen.size() <= want.size()) same(r, make(r.seq, text));
  }
  CHECK(seen == want);
  CHECK(log.size() == want.size());
}

// check_dense() checks that a dense log gives seqs 0 to n - 1 once each and dropped
// `duplicates`, the first of them with its own URL.
void check_dense(const ResultLog& log, TextArena& text, std::uint64_t n, std::uint64_t duplicates) {
  std::vector<std::uint64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  check_pass(log, text, all);
  CHECK(log.duplicate_seq() == duplicates);
  REQUIRE(log.first_duplicate() != nullptr);
  CHECK(log.first_duplicate()->url ==
        "https://example.com/page/" + std::to_string(log.first_duplicate()->seq));
}

// streamed() is a log in its streamed mode.
ResultLog streamed(ResultLogOptions options) {
  ResultLog log;
  REQUIRE(log.stream(std::move(options)).empty());
  return log;
}

std::vector<std::uint64_t> shuffled(std::vector<std::uint64_t> seqs, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::shuffle(seqs.begin(), seqs.end(), random);
  return seqs;
}

}  // namespace

TEST_CASE("ResultLog: out-of-order pushes come out in seq order, passing ones spilled",
          "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{1}, std::size_t{0});
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = cap});
  std::vector<std::uint64_t> seqs(3000);
  std::iota(seqs.begin(), seqs.end(), 0);
  for (std::uint64_t s : seqs) log.expect(s);
  for (std::uint64_t s : shuffled(seqs, 7)) log.push_back(make(s, text));
  log.finish();
  check_pass(log, text, seqs);
  check_pass(log, text, seqs);  // a second pass reads the same
  // Failed results and those with findings stay in memory; the others are in the file.
  const auto kept = std::count_if(seqs.begin(), seqs.end(),
                                  [](std::uint64_t s) { return s % 7 == 2 || s % 7 == 3; });
  CHECK(log.spilled() == seqs.size() - static_cast<std::size_t>(kept));
  CHECK_FALSE(log.in_memory());
}

TEST_CASE("ResultLog: seqs that produce no result (a shard, --max-urls) hold nothing back",
          "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{2});
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = cap});
  std::vector<std::uint64_t> mine;
  for (std::uint64_t s = 0; s < 2000; ++s) {
    if (s % 3 == 1 || s % 5 == 0) mine.push_back(s);
  }
  for (std::uint64_t s : mine) log.expect(s);
  // In order: each is released as it arrives, none waits for the seqs between them.
  for (std::uint64_t s : mine) log.push_back(make(s, text));
  CHECK(log.size() == mine.size());
  log.finish();
  check_pass(log, text, mine);
}

TEST_CASE("ResultLog: released as soon as the expected seq arrives", "[model][result_log]") {
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = 1});
  for (std::uint64_t s : {2, 4, 6, 8}) log.expect(s);
  log.push_back(make(6, text));
  log.push_back(make(8, text));  // over the cap: parked in the file
  log.push_back(make(4, text));
  CHECK(log.size() == 0);  // all wait for 2
  log.push_back(make(2, text));
  CHECK(log.size() == 4);
  log.finish();
  check_pass(log, text, {2, 4, 6, 8});
}

TEST_CASE("ResultLog: without expect(), finish() releases everything in seq order",
          "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{3});
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = cap});
  std::vector<std::uint64_t> seqs;
  for (std::uint64_t s = 10; s < 800; s += 3) seqs.push_back(s);
  for (std::uint64_t s : shuffled(seqs, 3)) log.push_back(make(s, text));
  log.finish();
  check_pass(log, text, seqs);
}

TEST_CASE("ResultLog: a dense log counts and drops a seq pushed twice", "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{1});
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = cap, .dense = true});
  // Two "parts": the even seqs, then the odd ones and seq 6 again.
  for (std::uint64_t s = 0; s < 100; s += 2) log.push_back(make(s, text));
  for (std::uint64_t s = 1; s < 100; s += 2) log.push_back(make(s, text));
  log.push_back(make(6, text));
  log.finish();
  check_dense(log, text, 100, 1);
  CHECK(log.first_duplicate()->seq == 6);
}

TEST_CASE("ResultLog: positions start later passes where an earlier one stood",
          "[model][result_log]") {
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{});
  for (std::uint64_t s = 0; s < 500; ++s) log.expect(s);
  for (std::uint64_t s = 0; s < 500; ++s) log.push_back(make(s, text));
  log.finish();
  std::vector<ResultLog::Position> at;
  for (auto it = log.begin(); it != log.end(); ++it) {
    if (it->seq % 100 == 37) at.push_back(it.position());
  }
  REQUIRE(at.size() == 5);
  for (std::size_t k = 0; k < at.size(); ++k) {
    auto it = log.at(at[k]);
    REQUIRE(it != log.end());
    CHECK(it->seq == k * 100 + 37);
    ++it;
    CHECK(it->seq == k * 100 + 38);
  }
}

TEST_CASE("ResultLog: in memory it keeps the order it was given and allows changes",
          "[model][result_log]") {
  TextArena text;
  ResultLog log;
  for (std::uint64_t s : {5, 3, 9}) log.push_back(make(s, text));
  CHECK(log.in_memory());
  CHECK(log.size() == 3);
  log[1].line = 77;
  std::vector<std::uint64_t> seen;
  for (const Result& r : log) seen.push_back(r.seq);
  CHECK(seen == std::vector<std::uint64_t>{5, 3, 9});
  CHECK(log.memory()[1].line == 77);
  CHECK(ResultLog().begin() == ResultLog().end());
}

TEST_CASE("ResultLog: with copy_urls a pushed URL need only live during the push",
          "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{2});
  TextArena text;
  ResultLog log;
  REQUIRE(
      log.stream(ResultLogOptions{.pending_cap = cap, .dense = true, .copy_urls = true}).empty());
  std::vector<std::uint64_t> seqs(400);
  std::iota(seqs.begin(), seqs.end(), 0);
  std::string transient;  // reused for every push, as the JSON reader's buffer is
  for (std::uint64_t s : shuffled(seqs, 11)) {
    Result r = make(s, text);
    transient.assign(r.url);
    r.url = transient;
    log.push_back(std::move(r));
    transient.assign(transient.size(), '#');
  }
  log.finish();
  check_pass(log, text, seqs);
}

TEST_CASE("ResultLog: a dense log finds a seq twice while both wait, in memory or parked",
          "[model][result_log]") {
  const std::size_t cap = GENERATE(std::size_t{4096}, std::size_t{1});
  TextArena text;
  ResultLog log = streamed(ResultLogOptions{.pending_cap = cap, .dense = true});
  for (int round = 0; round < 2; ++round) {
    for (std::uint64_t s = 9; s >= 1; --s) log.push_back(make(s, text));
  }
  log.push_back(make(0, text));
  log.push_back(make(10, text));
  log.finish();
  check_dense(log, text, 11, 9);
}
