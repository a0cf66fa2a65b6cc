// result_log.cpp — the reorder stage, the spill file and the merged passes over both.
//
// The file is a sequence of records: a tag byte, the payload's length (4 bytes) and the
// payload. `kReleased` records are the spilled results in seq order; `kParked` records are
// results that arrived early and were written out of order to bound the pending buffer. When a
// parked result's turn comes its payload is read back (pread) and appended again as a released
// record, so a pass reads the file front to back and skips the parked records.
#include "siteaudit/model/result_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "model/broken_invariant.hpp"
#include "siteaudit/model/unlinked_file.hpp"

namespace siteaudit::model {

namespace {

constexpr char kReleased = 'R';
constexpr char kParked = 'P';
constexpr std::size_t kHeaderBytes = 5;
// Writes are gathered into blocks of this size; a pass reads blocks of this size.
constexpr std::size_t kBlockBytes = 256 * 1024;

// broken() ends the process: the log was used against its contract (a bug in the caller), or
// its own file no longer reads back (a bug here, or the disk failed under us).
[[noreturn]] void broken(const char* what) {
  detail::broken_invariant(std::string("ResultLog: ") + what);
}

bool spillable(const Result& r) {
  if (r.outcome != Outcome::ok && r.outcome != Outcome::skipped) return false;
  const ResultDetail* d = r.detail.get();
  return d == nullptr || (d->findings.empty() && d->referrers.empty() && d->referrer_count == 0);
}

// --- the record's payload -------------------------------------------------------------------

void put(std::string& out, const void* data, std::size_t n) {
  out.append(static_cast<const char*>(data), n);
}
template <typename T>
void put_int(std::string& out, T value) {
  put(out, &value, sizeof value);
}
void put_text(std::string& out, std::string_view text) {
  put_int(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <typename T>
  T get() {
    T value;
    take(&value, sizeof value);
    return value;
  }
  std::string_view text() {
    const auto n = get<std::uint32_t>();
    if (n > data_.size()) broken("a spilled record is shorter than its text");
    std::string_view t = data_.substr(0, n);
    data_.remove_prefix(n);
    return t;
  }
  bool done() const noexcept { return data_.empty(); }

 private:
  void take(void* out, std::size_t n) {
    if (n > data_.size()) broken("a spilled record is shorter than its fields");
    std::memcpy(out, data_.data(), n);
    data_.remove_prefix(n);
  }
  std::string_view data_;
};

void encode(const Result& r, std::string& out) {
  put_int(out, static_cast<std::uint64_t>(r.seq));
  put_int(out, r.source);
  put_int(out, r.line);
  put_int(out, r.time_ms);
  put_int(out, r.status);
  const auto packed = static_cast<std::uint8_t>(
      static_cast<unsigned>(r.outcome) | static_cast<unsigned>(r.method) << 3 |
      static_cast<unsigned>(r.found) << 5 | static_cast<unsigned>(r.cached) << 7);
  put_int(out, packed);
  put_int(out, r.attempts);
  put_text(out, r.url);
  // A HEAD's plain result has neither: one byte says which follow.
  const std::string_view content_type = r.content_type();
  const std::uint64_t bytes = r.bytes();
  put_int(out, static_cast<std::uint8_t>((content_type.empty() ? 0 : 1) | (bytes != 0 ? 2 : 0)));
  if (!content_type.empty()) put_text(out, content_type);
  if (bytes != 0) put_int(out, bytes);
  const ResultDetail* d = r.detail.get();
  put_int(out, static_cast<std::uint8_t>(d != nullptr));
  if (d == nullptr) return;
  put_text(out, d->check_url);
  put_text(out, d->final_url);
  put_text(out, d->error);
  put_int(out, static_cast<std::uint8_t>(d->error_kind));
  put_int(out, static_cast<std::uint8_t>(d->failed_by));
  put_text(out, d->lastmod);
  put_int(out, static_cast<std::uint32_t>(d->redirects.size()));
  for (const RedirectHop& hop : d->redirects) {
    put_text(out, hop.url);
    put_int(out, static_cast<std::int32_t>(hop.status));
    put_text(out, hop.location);
    put_int(out, hop.time_ms);
  }
  put_int(out, static_cast<std::uint8_t>(d->fell_back_to_get | d->slow << 1));
}

// decode() fills `r` from a payload; its url views `url`, which keeps the text.
void decode(std::string_view payload, Result& r, std::string& url) {
  Reader in(payload);
  r.set_seq(in.get<std::uint64_t>());
  r.source = in.get<std::uint32_t>();
  r.line = in.get<std::uint32_t>();
  r.time_ms = in.get<std::uint32_t>();
  r.status = in.get<std::int16_t>();
  const auto packed = in.get<std::uint8_t>();
  r.outcome = static_cast<Outcome>(packed & 7u);
  r.method = static_cast<CheckMethod>(packed >> 3 & 3u);
  r.found = static_cast<Discovery>(packed >> 5 & 3u);
  r.cached = (packed >> 7 & 1u) != 0;
  r.attempts = in.get<std::uint8_t>();
  url.assign(in.text());
  r.url = url;
  const auto has = in.get<std::uint8_t>();
  const std::string_view content_type = (has & 1u) != 0 ? in.text() : std::string_view();
  const std::uint64_t bytes = (has & 2u) != 0 ? in.get<std::uint64_t>() : 0;
  if (in.get<std::uint8_t>() == 0) {
    r.detail.reset();
  } else {
    ResultDetail& d = r.details();
    d = ResultDetail{};
    d.check_url.assign(in.text());
    d.final_url.assign(in.text());
    d.error.assign(in.text());
    d.error_kind = static_cast<ErrorKind>(in.get<std::uint8_t>());
    d.failed_by = static_cast<FindingCode>(in.get<std::uint8_t>());
    d.lastmod.assign(in.text());
    d.redirects.resize(in.get<std::uint32_t>());
    for (RedirectHop& hop : d.redirects) {
      hop.url.assign(in.text());
      hop.status = in.get<std::int32_t>();
      hop.location.assign(in.text());
      hop.time_ms = in.get<std::uint32_t>();
    }
    const auto flags = in.get<std::uint8_t>();
    d.fell_back_to_get = (flags & 1u) != 0;
    d.slow = (flags & 2u) != 0;
  }
  r.set_content_type(content_type);  // after the detail block: either may need it
  r.set_bytes(bytes);
  if (!in.done()) broken("a spilled record is longer than its fields");
}

std::uint32_t payload_length(const char* header) {
  std::uint32_t n;
  std::memcpy(&n, header + 1, sizeof n);
  return n;
}

// read_at() reads exactly `n` bytes at `offset` of `fd`.
void read_at(int fd, char* out, std::size_t n, std::uint64_t offset) {
  if (!read_all_at(fd, out, n, offset)) broken("the spill file cannot be read back");
}

// Parked is a result written to the file before its turn.
struct Parked {
  std::uint64_t seq;
  std::uint64_t offset;
};

// Pending is a result waiting in memory; with copy_urls, url holds its text (the Result's
// view is pointed at it again when it leaves the heap, since moves may move the characters).
struct Pending {
  Result result;
  std::string url;
};

// Heaps of Pending and Parked entries ordered so that the lowest seq is at the front.
constexpr auto kLaterResult = [](const Pending& a, const Pending& b) {
  return a.result.seq > b.result.seq;
};
constexpr auto kLaterParked = [](const Parked& a, const Parked& b) { return a.seq > b.seq; };

}  // namespace

// Spill is the streamed mode's state: the reorder stage and the file.
class ResultLog::Spill {
 public:
  Spill(ResultLogOptions options, int fd) : options_(std::move(options)), fd_(fd) {}
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;
  ~Spill() { ::close(fd_); }

  // append() adds a record behind everything written; it returns the record's offset.
  std::uint64_t append(char tag, std::string_view payload) {
    const std::uint64_t offset = end_ + buffer_.size();
    buffer_.push_back(tag);
    put_int(buffer_, static_cast<std::uint32_t>(payload.size()));
    buffer_.append(payload);
    if (buffer_.size() >= kBlockBytes) flush();
    return offset;
  }

  void flush() {
    if (!write_all_at(fd_, buffer_, end_)) {
      // A full disk: the results cannot be kept, and a report without them would lie.
      std::fprintf(stderr, "siteaudit: cannot write the results' temporary file in %s: %s\n",
                   directory().c_str(), std::strerror(errno));
      std::exit(2);
    }
    end_ += buffer_.size();
    buffer_.clear();
  }

  // payload_at() is the payload of the record at `offset`, written or still buffered.
  std::string_view payload_at(std::uint64_t offset, std::string& scratch) const {
    if (offset >= end_) {
      const std::size_t at = static_cast<std::size_t>(offset - end_);
      return std::string_view(buffer_).substr(at + kHeaderBytes,
                                              payload_length(buffer_.data() + at));
    }
    char header[kHeaderBytes];
    read_at(fd_, header, kHeaderBytes, offset);
    scratch.resize(payload_length(header));
    read_at(fd_, scratch.data(), scratch.size(), offset + kHeaderBytes);
    return scratch;
  }

  std::string directory() const { return temporary_directory(options_.directory); }

  // note_duplicate() counts a result whose seq was released already, keeping the first.
  void note_duplicate(Result&& result) {
    if (duplicates_++ != 0) return;
    first_duplicate_url_.assign(result.url);
    result.url = first_duplicate_url_;
    first_duplicate_ = std::make_unique<Result>(std::move(result));
  }

  // pop_parked() takes the lowest seq waiting in the file.
  Parked pop_parked() {
    std::pop_heap(parked_.begin(), parked_.end(), kLaterParked);
    const Parked parked = parked_.back();
    parked_.pop_back();
    return parked;
  }

  // release_parked() appends a parked record again, as released: its turn has come.
  void release_parked(const Parked& parked) {
    const std::string copy(payload_at(parked.offset, scratch_));
    (void)append(kReleased, copy);
    released_any_ = true;
    last_released_ = parked.seq;
  }

  // pop_pending() takes the lowest seq waiting in memory.
  Pending pop_pending() {
    std::pop_heap(pending_.begin(), pending_.end(), kLaterResult);
    Pending next = std::move(pending_.back());
    pending_.pop_back();
    if (options_.copy_urls) next.result.url = next.url;
    return next;
  }

  // next() is the seq to release next, or false when it is not known yet.
  bool next(std::uint64_t& seq) {
    if (options_.dense) {
      seq = dense_next_;
      return true;
    }
    std::lock_guard lock(expected_mutex_);
    if (expected_.empty()) return false;
    seq = expected_.front().first;
    return true;
  }

  void advance() {
    if (options_.dense) {
      ++dense_next_;
      return;
    }
    std::lock_guard lock(expected_mutex_);
    if (++expected_.front().first == expected_.front().second) expected_.pop_front();
  }

  void expect(std::uint64_t seq) {
    std::lock_guard lock(expected_mutex_);
    if (!expected_.empty() && seq < expected_.back().second) broken("expect() out of seq order");
    if (!expected_.empty() && expected_.back().second == seq) {
      ++expected_.back().second;
    } else {
      expected_.emplace_back(seq, seq + 1);
    }
  }

  ResultLogOptions options_;
  int fd_;
  std::uint64_t end_ = 0;  // bytes written to the file; buffer_ follows them
  std::string buffer_;
  std::string scratch_;
  std::vector<Pending> pending_;  // a heap: waiting in memory
  std::vector<Parked> parked_;    // a heap: waiting in the file
  std::size_t pending_spillable_ = 0;
  std::uint64_t dense_next_ = 0;
  bool released_any_ = false;
  std::uint64_t last_released_ = 0;
  bool finished_ = false;
  std::uint64_t duplicates_ = 0;
  std::unique_ptr<Result> first_duplicate_;
  std::string first_duplicate_url_;
  std::mutex expected_mutex_;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> expected_;  // runs [first, second)
};

// Cursor is one pass: the next kept result, the next released record, and the one decoded.
class ResultLog::Cursor {
 public:
  Cursor(const ResultLog& log, Position from) : log_(log), kept_(from.kept), offset_(from.offset) {
    if (log_.spill_ != nullptr) file_end_ = log_.spill_->end_;
  }

  // advance() moves to the next result in seq order, or returns null at the end.
  const Result* advance() {
    if (!loaded_) load();
    position_ = Position{kept_, loaded_ ? loaded_offset_ : offset_};
    const bool kept_left = kept_ < log_.kept_.size();
    if (kept_left && (!loaded_ || log_.kept_[kept_].seq < record_.seq)) {
      return &log_.kept_[kept_++];
    }
    if (loaded_) {
      loaded_ = false;  // the next advance() decodes over it
      return &record_;
    }
    return nullptr;
  }

  Position position() const noexcept { return position_; }

 private:
  // load() decodes the next released record, skipping parked ones.
  void load() {
    while (offset_ < file_end_) {
      const std::uint64_t at = offset_;
      const char* header = bytes(at, kHeaderBytes);
      const char tag = header[0];
      const std::uint32_t n = payload_length(header);
      offset_ = at + kHeaderBytes + n;
      if (tag == kParked) continue;
      if (tag != kReleased) broken("the spill file holds a record of no known kind");
      decode(std::string_view(bytes(at + kHeaderBytes, n), n), record_, url_);
      loaded_ = true;
      loaded_offset_ = at;
      return;
    }
  }

  // bytes() makes [offset, offset + n) of the file readable in the block buffer.
  const char* bytes(std::uint64_t offset, std::size_t n) {
    if (offset < block_at_ || offset + n > block_at_ + block_.size()) {
      const std::uint64_t left = file_end_ - offset;
      if (n > left) broken("a spilled record runs past the end of the file");
      // A pass that starts at a position may read a few records only (a short JUnit run):
      // it reads a page first and doubles up to a block.
      block_.resize(static_cast<std::size_t>(
          std::min<std::uint64_t>(std::max<std::uint64_t>(read_size_, n), left)));
      read_size_ = std::min(read_size_ * 2, kBlockBytes);
      read_at(log_.spill_->fd_, block_.data(), block_.size(), offset);
      block_at_ = offset;
    }
    return block_.data() + (offset - block_at_);
  }

  const ResultLog& log_;
  std::size_t kept_;
  std::uint64_t offset_;
  std::uint64_t file_end_ = 0;
  std::string block_;
  std::uint64_t block_at_ = 0;
  std::size_t read_size_ = 4096;
  bool loaded_ = false;
  std::uint64_t loaded_offset_ = 0;
  Result record_;
  std::string url_;
  Position position_;
};

ResultLog::const_iterator::const_iterator(std::shared_ptr<Cursor> cursor)
    : cursor_(std::move(cursor)) {
  current_ = cursor_->advance();
}

ResultLog::const_iterator& ResultLog::const_iterator::operator++() {
  current_ = cursor_->advance();
  return *this;
}

ResultLog::Position ResultLog::const_iterator::position() const {
  return cursor_->position();
}

ResultLog::ResultLog() = default;
ResultLog::~ResultLog() = default;
ResultLog::ResultLog(ResultLog&&) noexcept = default;
ResultLog& ResultLog::operator=(ResultLog&&) noexcept = default;

std::string ResultLog::stream(ResultLogOptions options) {
  if (!empty() || spill_ != nullptr) broken("stream() on a log that holds results");
  auto spill = std::make_unique<Spill>(std::move(options), -1);
  const std::string dir = spill->directory();
  const int fd = open_unlinked_file(dir, "results");
  if (fd < 0) {
    return "cannot make the results' temporary file in " + dir + ": " + std::strerror(errno) +
           " (set TMPDIR to a writable directory)";
  }
  spill->fd_ = fd;
  spill_ = std::move(spill);
  return {};
}

void ResultLog::expect(std::uint64_t seq) {
  if (spill_ != nullptr && !spill_->options_.dense) spill_->expect(seq);
}

void ResultLog::push_back(Result&& result) {
  if (spill_ == nullptr) {
    kept_.push_back(std::move(result));
    return;
  }
  Spill& s = *spill_;
  if (s.finished_) broken("push_back() after finish()");
  std::uint64_t want = 0;
  const bool known = s.next(want);
  if (s.options_.dense && result.seq < want) {
    s.note_duplicate(std::move(result));  // released already: overlapping parts of a merge
    return;
  }
  if (known && result.seq == want) {
    release(std::move(result));
    s.advance();
  } else if (spillable(result) && s.pending_spillable_ >= s.options_.pending_cap) {
    std::string& payload = s.scratch_;
    payload.clear();
    encode(result, payload);
    s.parked_.push_back(Parked{result.seq, s.append(kParked, payload)});
    std::push_heap(s.parked_.begin(), s.parked_.end(), kLaterParked);
    return;
  } else {
    if (spillable(result)) ++s.pending_spillable_;
    Pending& waiting = s.pending_.emplace_back();
    if (s.options_.copy_urls) waiting.url.assign(result.url);
    waiting.result = std::move(result);
    std::push_heap(s.pending_.begin(), s.pending_.end(), kLaterResult);
    return;
  }
  // The released seq may let the ones waiting behind it go.
  while (s.next(want)) {
    if (!s.pending_.empty() && s.pending_.front().result.seq == want) {
      Pending next = s.pop_pending();
      if (spillable(next.result)) --s.pending_spillable_;
      release(std::move(next.result));
    } else if (!s.parked_.empty() && s.parked_.front().seq == want) {
      s.release_parked(s.pop_parked());
      ++spilled_;
    } else {
      break;
    }
    s.advance();
  }
}

void ResultLog::release(Result&& result) {
  Spill& s = *spill_;
  if (s.released_any_ && result.seq <= s.last_released_) broken("results released out of order");
  s.released_any_ = true;
  s.last_released_ = result.seq;
  if (!spillable(result)) {
    result.url = kept_text_.store(result.url);
    kept_.push_back(std::move(result));
    return;
  }
  std::string& payload = s.scratch_;
  payload.clear();
  encode(result, payload);
  (void)s.append(kReleased, payload);
  ++spilled_;
}

void ResultLog::finish() {
  if (spill_ == nullptr) return;
  Spill& s = *spill_;
  if (s.finished_) return;
  // What still waits is released in seq order: both heaps give their lowest seq first.
  while (!s.pending_.empty() || !s.parked_.empty()) {
    const bool from_memory =
        s.parked_.empty() ||
        (!s.pending_.empty() && s.pending_.front().result.seq < s.parked_.front().seq);
    if (from_memory) {
      Pending waiting = s.pop_pending();
      Result& next = waiting.result;
      if (s.options_.dense && s.released_any_ && next.seq <= s.last_released_) {
        s.note_duplicate(std::move(next));
        continue;
      }
      release(std::move(next));
    } else {
      const Parked parked = s.pop_parked();
      if (s.released_any_ && parked.seq <= s.last_released_) {
        if (!s.options_.dense) broken("results released out of order");
        Result twice;
        std::string url;
        decode(s.payload_at(parked.offset, s.scratch_), twice, url);
        s.note_duplicate(std::move(twice));
        continue;
      }
      s.release_parked(parked);
      ++spilled_;
    }
  }
  s.pending_spillable_ = 0;
  s.pending_.shrink_to_fit();
  s.parked_.shrink_to_fit();
  s.flush();
  s.finished_ = true;
}

std::optional<std::uint64_t> ResultLog::first_expected() const {
  if (spill_ == nullptr || spill_->options_.dense) return std::nullopt;
  std::lock_guard lock(spill_->expected_mutex_);
  if (spill_->expected_.empty()) return std::nullopt;
  return spill_->expected_.front().first;
}

std::uint64_t ResultLog::duplicate_seq() const noexcept {
  return spill_ != nullptr ? spill_->duplicates_ : 0;
}

const Result* ResultLog::first_duplicate() const noexcept {
  return spill_ != nullptr ? spill_->first_duplicate_.get() : nullptr;
}

ResultLog::const_iterator ResultLog::begin() const {
  return at(Position{});
}

ResultLog::const_iterator ResultLog::at(Position position) const {
  if (spill_ != nullptr && !spill_->finished_) broken("a streamed log is read before finish()");
  if (empty()) return {};
  return const_iterator(std::make_shared<Cursor>(*this, position));
}

std::deque<Result>& ResultLog::memory() {
  if (!in_memory()) broken("random access to a log whose results are in its file");
  return kept_;
}

const Result& ResultLog::operator[](std::size_t index) const {
  if (!in_memory()) broken("random access to a log whose results are in its file");
  return kept_[index];
}

}  // namespace siteaudit::model
