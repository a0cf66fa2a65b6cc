#include "siteaudit/model/result.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <string>

#include "model/broken_invariant.hpp"

namespace siteaudit::model {

namespace {

// Slot values of Result::content_type_slot and bytes_slot.
constexpr unsigned kNoContentType = 0;
constexpr unsigned kWideContentType = 63;  // in ResultDetail::wide_content_type
constexpr std::uint64_t kWideBytes = (std::uint64_t{1} << 22) - 1;  // in ResultDetail::wide_bytes

// ContentTypes is the process-wide table of the content types results carry: slot i + 1 is
// names[i]. A name is written once, under the mutex, before `count` publishes it, and never
// changes again; so readers need no lock, and a result's type stays valid while the process
// lives. Checkers on several threads add to it concurrently.
struct ContentTypes {
  std::mutex mutex;
  std::atomic<unsigned> count{0};
  std::array<std::string, kWideContentType - 1> names;

  static ContentTypes& instance() {
    static ContentTypes table;
    return table;
  }

  // slot() is the slot of `type`, added to the table when new; kWideContentType when the
  // table is full (a site that serves more than 62 distinct types).
  unsigned slot(std::string_view type) {
    const unsigned seen = count.load(std::memory_order_acquire);
    for (unsigned i = 0; i < seen; ++i) {
      if (names[i] == type) return i + 1;
    }
    std::lock_guard lock(mutex);
    const unsigned now = count.load(std::memory_order_relaxed);
    for (unsigned i = seen; i < now; ++i) {
      if (names[i] == type) return i + 1;
    }
    if (now == names.size()) return kWideContentType;
    names[now] = type;
    count.store(now + 1, std::memory_order_release);
    return now + 1;
  }

  std::string_view name(unsigned slot) const noexcept { return names[slot - 1]; }
};

}  // namespace

void Result::set_seq(std::uint64_t value) {
  if (value >= kSeqLimit) {
    detail::broken_invariant("Result: seq " + std::to_string(value) + " is beyond the " +
                             std::to_string(kSeqLimit) + " a run may number");
  }
  seq = value;
}

std::uint64_t Result::bytes() const noexcept {
  return bytes_slot != kWideBytes ? bytes_slot : detail->wide_bytes;
}

void Result::set_bytes(std::uint64_t value) {
  if (value < kWideBytes) {
    bytes_slot = value;
    if (detail) detail->wide_bytes = 0;
    return;
  }
  bytes_slot = kWideBytes;
  details().wide_bytes = value;
}

std::string_view Result::content_type() const noexcept {
  switch (content_type_slot) {
    case kNoContentType:
      return {};
    case kWideContentType:
      return detail->wide_content_type;
    default:
      return ContentTypes::instance().name(content_type_slot);
  }
}

void Result::set_content_type(std::string_view type) {
  const unsigned slot = type.empty() ? kNoContentType : ContentTypes::instance().slot(type);
  content_type_slot = slot;
  if (slot == kWideContentType) {
    details().wide_content_type.assign(type);
  } else if (detail) {
    detail->wide_content_type.clear();
  }
}

const char* error_kind_name(const ResultDetail& detail) noexcept {
  switch (detail.error_kind) {
    case ErrorKind::none:
      return "";
    case ErrorKind::finding:
      return to_string(detail.failed_by);
    default:
      return to_string(detail.error_kind);
  }
}

}  // namespace siteaudit::model
