// timer_heap.cpp — the runtime's timer heap; see timer_heap.hpp.
#include "runtime/timer_heap.hpp"

#include <utility>

namespace siteaudit::rt::detail {

TimerId TimerHeap::add(Clock::time_point when, std::function<void()> fire, bool* earliest) {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimerId id = next_id_++;
  auto entry = std::make_unique<Entry>(Entry{when, id, heap_.size(), std::move(fire)});
  heap_.push_back(entry.get());
  by_id_.emplace(id, std::move(entry));
  sift_up(heap_.size() - 1);
  *earliest = heap_.front()->id == id;
  size_.store(heap_.size(), std::memory_order_seq_cst);
  publish_next();
  return id;
}

bool TimerHeap::cancel(TimerId id) noexcept {
  std::unique_ptr<Entry> victim;  // destroyed after unlocking: `fire` may own anything
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    victim = std::move(it->second);
    by_id_.erase(it);
    remove_at(victim->index);
    size_.store(heap_.size(), std::memory_order_seq_cst);
    publish_next();
  }
  return true;
}

void TimerHeap::take_due(Clock::time_point now, std::vector<std::function<void()>>& out) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!heap_.empty() && heap_.front()->when <= now) {
    Entry* top = heap_.front();
    out.push_back(std::move(top->fire));
    remove_at(0);
    by_id_.erase(top->id);  // from here on cancel() reports "already fired"
  }
  size_.store(heap_.size(), std::memory_order_seq_cst);
  publish_next();
}

std::optional<Clock::time_point> TimerHeap::next_deadline() const noexcept {
  const std::int64_t ns = next_ns_.load(std::memory_order_acquire);
  if (ns == INT64_MAX) return std::nullopt;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

bool TimerHeap::due(Clock::time_point now) const noexcept {
  const std::int64_t ns = next_ns_.load(std::memory_order_acquire);
  return ns != INT64_MAX &&
         ns <= std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
}

std::size_t TimerHeap::clear() {
  std::unordered_map<TimerId, std::unique_ptr<Entry>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(by_id_);
    heap_.clear();
    size_.store(0, std::memory_order_seq_cst);
    publish_next();
  }
  return dropped.size();
}

void TimerHeap::sift_up(std::size_t i) noexcept {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!later(heap_[parent], heap_[i])) break;
    std::swap(heap_[parent], heap_[i]);
    heap_[parent]->index = parent;
    heap_[i]->index = i;
    i = parent;
  }
}

void TimerHeap::sift_down(std::size_t i) noexcept {
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t smallest = i;
    const std::size_t left = 2 * i + 1;
    const std::size_t right = left + 1;
    if (left < n && later(heap_[smallest], heap_[left])) smallest = left;
    if (right < n && later(heap_[smallest], heap_[right])) smallest = right;
    if (smallest == i) return;
    std::swap(heap_[smallest], heap_[i]);
    heap_[smallest]->index = smallest;
    heap_[i]->index = i;
    i = smallest;
  }
}

void TimerHeap::remove_at(std::size_t i) noexcept {
  const std::size_t last = heap_.size() - 1;
  if (i != last) {
    heap_[i] = heap_[last];
    heap_[i]->index = i;
  }
  heap_.pop_back();
  if (i < heap_.size()) {
    sift_down(i);
    sift_up(i);
  }
}

void TimerHeap::publish_next() noexcept {
  next_ns_.store(heap_.empty() ? INT64_MAX
                               : std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     heap_.front()->when.time_since_epoch())
                                     .count(),
                 std::memory_order_release);
}

}  // namespace siteaudit::rt::detail
