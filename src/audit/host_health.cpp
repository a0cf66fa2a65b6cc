#include "siteaudit/audit/host_health.hpp"

#include <utility>

#include "siteaudit/net/url.hpp"

namespace siteaudit::audit {

static_assert(HostHealth::kDownAfter == 16, "kDownWords name the threshold");

namespace {

enum class Reach : std::uint8_t { answered, not_connected, unknown };

// reach_of() says what one attempt tells about its host. A switch, so that a new error kind
// must be placed here.
Reach reach_of(const net::FetchResult& result) {
  if (result.error.unreached) return Reach::not_connected;
  switch (result.error.kind) {
    case net::ErrorKind::none:
    case net::ErrorKind::tls:
    case net::ErrorKind::timeout:  // not unreached: it ran out after the connection was made
    case net::ErrorKind::reset:
    case net::ErrorKind::too_many_redirects:
    case net::ErrorKind::redirect_loop:
    case net::ErrorKind::redirect_refused:
    case net::ErrorKind::body_too_large:
    case net::ErrorKind::protocol:
      return Reach::answered;
    case net::ErrorKind::connect:
    case net::ErrorKind::dns:
    case net::ErrorKind::cancelled:
    case net::ErrorKind::invalid_url:
    case net::ErrorKind::too_many_open_files:
      return Reach::unknown;
  }
  return Reach::unknown;
}

}  // namespace

void HostHealth::note(const net::FetchResult& result) {
  const Reach reach = reach_of(result);
  if (reach == Reach::unknown) return;
  // The common case, an answer while no host fails, must cost the checks nothing more.
  if (reach == Reach::answered && failing_.load(std::memory_order_acquire) == 0) return;
  const std::string origin = net::origin_of(result.response.url);
  if (origin.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (reach == Reach::answered) {
    if (auto it = failures_.find(origin); it != failures_.end()) {
      if (it->second.in_row >= kDownAfter) down_.fetch_sub(1, std::memory_order_release);
      failures_.erase(it);
    }
  } else {
    Failing& failing = failures_[origin];
    if (++failing.in_row == kDownAfter) down_.fetch_add(1, std::memory_order_release);
    failing.last = result.error.message;
    failing.last_kind = result.error.kind;
  }
  failing_.store(failures_.size(), std::memory_order_release);
}

unsigned HostHealth::failures_in_row(std::string_view url) const {
  if (failing_.load(std::memory_order_acquire) == 0) return 0;
  const std::string origin = net::origin_of(url);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = failures_.find(origin);
  return it == failures_.end() ? 0 : it->second.in_row;
}

std::optional<net::HttpError> HostHealth::not_tried(std::string_view url,
                                                    rt::Clock::time_point now) {
  // Asked before every check: while no host is down (one may be failing) it costs one load.
  if (down_.load(std::memory_order_acquire) == 0) return std::nullopt;
  const std::string origin = net::origin_of(url);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = failures_.find(origin);
  if (it == failures_.end() || it->second.in_row < kDownAfter) return std::nullopt;
  Failing& failing = it->second;
  if (now >= failing.next_probe) {
    // This check is the probe: if the host answers it, it is up again.
    failing.next_probe = now + kProbeEvery;
    return std::nullopt;
  }
  std::string message = "not tried: ";
  message.append(kDownWords).append(", the last one with: ").append(failing.last);
  return net::HttpError{failing.last_kind, std::move(message), true};
}

}  // namespace siteaudit::audit
