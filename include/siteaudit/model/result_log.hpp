// result_log.hpp — every Result of a run, in seq order, without holding the passing ones.
//
// A ResultLog is where the collector puts each Result and where the writers read them back.
// It has two modes:
//
// - In memory (the default): a deque of Results, appended in any order, with random access
//   and mutation. A crawl (its LinkGraph indexes results by seq after the run, and the results
//   are reordered by sitemap and URL) and the tests use it.
// - Streamed (after stream()): Results are pushed as they arrive, out of order, keyed by
//   Result::seq. A reorder stage releases them in seq order. A released result that is ok or
//   skipped and carries no findings is written as a compact record to an unlinked temporary
//   file; the others (failed, cancelled, inconclusive, or with findings: what the summary's
//   lists and the baseline show) stay in memory. A result that arrives before an earlier seq
//   waits in memory up to `pending_cap`; beyond it, a spillable one is "parked" in the file
//   and read back with pread when its turn comes. So memory holds the kept results, at most
//   `pending_cap` waiting ones and 16 bytes per parked one, whatever the number of URLs.
//
// Which seqs to wait for: the frontier numbers every URL of the input but a shard reports
// only its own, and --max-urls stops the numbering; so the reorder stage releases the seqs
// it was told of with expect() (the frontier calls it, in seq order, for each URL it
// accepts), or, with `dense`, every seq from 0 (a merge of all parts). finish() releases
// whatever still waits.
//
// Reading is the same in both modes: range-for (or begin()/end()) walks every result in seq
// order, merging the file's records with the kept results; each pass reads the file once,
// sequentially. The reference an iterator gives is valid until it is incremented (the record
// it was decoded from is replaced by the next one), as with an istream_iterator.
//
// Example:
//   ResultLog log;
//   if (std::string error = log.stream({}); !error.empty()) ...;
//   log.expect(0); log.expect(1);
//   log.push_back(std::move(second));  // waits for seq 0
//   log.push_back(std::move(first));   // releases 0, then 1
//   log.finish();
//   for (const Result& r : log) write(r);
//
// Thread safety: expect() may be called from any thread, concurrently with push_back(); every
// other method is for one thread (the collector's fiber, then the writers') at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "siteaudit/model/result.hpp"
#include "siteaudit/model/text_arena.hpp"

namespace siteaudit::model {

struct ResultLogOptions {
  // pending_cap is how many spillable results may wait in memory for an earlier seq; later
  // ones are parked in the file. Results that stay in memory anyway never count against it.
  std::size_t pending_cap = 4096;
  // directory is where the unlinked temporary file goes; empty: $TMPDIR, else /tmp.
  std::string directory;
  // dense says that every seq from 0 on produces one result (a merge): no expect() needed,
  // and a seq pushed twice is a duplicate, counted and dropped (duplicate_seq()).
  bool dense = false;
  // copy_urls says that a pushed Result's url is valid only during push_back() (a report read
  // back one result at a time): the log copies the text of each result it holds in memory.
  // Without it, a pushed url must stay valid until its result is released; the log copies
  // the text of the results it keeps once released, so that the pusher may free its text
  // then (Frontier::release_text()).
  bool copy_urls = false;
};

class ResultLog {
 public:
  class Cursor;

  // Position is where an iterator stood: at() starts a new pass there (JUnit's suites).
  struct Position {
    std::size_t kept = 0;
    std::uint64_t offset = 0;
  };

  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Result;
    using difference_type = std::ptrdiff_t;
    using pointer = const Result*;
    using reference = const Result&;

    const_iterator() = default;
    reference operator*() const { return *current_; }
    pointer operator->() const { return current_; }
    const_iterator& operator++();
    void operator++(int) { ++*this; }
    // Iterators compare equal when both are at the end: a pass is single.
    bool operator==(const const_iterator& other) const { return current_ == other.current_; }
    // position() is where this iterator's result is, for at().
    Position position() const;

   private:
    friend class ResultLog;
    explicit const_iterator(std::shared_ptr<Cursor> cursor);
    std::shared_ptr<Cursor> cursor_;
    const Result* current_ = nullptr;
  };
  using iterator = const_iterator;

  ResultLog();
  ~ResultLog();
  ResultLog(ResultLog&&) noexcept;
  ResultLog& operator=(ResultLog&&) noexcept;
  ResultLog(const ResultLog&) = delete;
  ResultLog& operator=(const ResultLog&) = delete;

  // stream() switches an empty log to the streamed mode. It returns "" or why the temporary
  // file could not be made (a message naming the directory).
  [[nodiscard]] std::string stream(ResultLogOptions options);
  bool streamed() const noexcept { return spill_ != nullptr; }

  // push_back() adds `result`: appended as it is in memory, through the reorder stage when
  // streamed. A streamed log that is finished takes no more results.
  void push_back(Result&& result);

  // expect() says that `seq` will produce a result. Calls come in increasing seq order.
  void expect(std::uint64_t seq);

  // first_expected() is the lowest seq given to expect() whose result is not released yet,
  // or nothing when every expected seq was released. Any thread, like expect().
  std::optional<std::uint64_t> first_expected() const;

  // finish() releases every result still waiting, in seq order, and completes the file.
  // Iterating a streamed log needs it; in memory it does nothing.
  void finish();

  // duplicate_seq() is how many results of a dense log were dropped as a seq seen before;
  // first_duplicate() the first of them (its url views the log's own copy).
  std::uint64_t duplicate_seq() const noexcept;
  const Result* first_duplicate() const noexcept;

  // size() counts the released results (all of them once finished).
  std::size_t size() const noexcept { return kept_.size() + spilled_; }
  bool empty() const noexcept { return size() == 0; }
  // spilled() counts the results that live in the file, not in memory.
  std::uint64_t spilled() const noexcept { return spilled_; }

  const_iterator begin() const;
  const_iterator end() const { return {}; }
  const_iterator at(Position position) const;

  // in_memory() is true when no result lives in the file: then the results are a deque that
  // may be indexed, sorted and changed (memory(), operator[]).
  bool in_memory() const noexcept { return spilled_ == 0; }
  std::deque<Result>& memory();
  Result& operator[](std::size_t index) { return memory()[index]; }
  const Result& operator[](std::size_t index) const;
  Result& front() { return memory().front(); }

 private:
  class Spill;
  void release(Result&& result);

  std::deque<Result> kept_;  // in seq order once streamed (released results only)
  TextArena kept_text_;      // the kept results' URLs (the pushers' text may be freed)
  std::uint64_t spilled_ = 0;
  std::unique_ptr<Spill> spill_;
};

}  // namespace siteaudit::model
