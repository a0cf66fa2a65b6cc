// transfer.hpp — one pooled libcurl easy handle and the state of the hop it is running.
//
// A Transfer is taken from the MultiDriver's pool by fetch(), configured for one hop at a time
// (the same handle runs every hop of a redirect chain), handed to the driver, and returned to
// the pool when the fetch ends. Reusing the handle keeps its buffers, and the multi handle
// keeps the connections, so a warm fetch allocates almost nothing inside libcurl.
//
// Example (what fetch() does, see http_client.cpp):
//   Transfer* t = driver.acquire(request.method);
//   t->prepare_hop(url, request, policy.will_follow(), policy.send_headers(url));
//   driver.start(t);  t->wait_for_end(...);  // parks the fiber
//   driver.release(t);
//
// Thread safety: the fields under "driver side" are written by curl callbacks on whichever
// thread drives the multi; the fiber reads them only after `done` is published under `lock_`.
// The fiber touches the easy handle only while it is not in the multi.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proxy_environment.hpp"
#include "siteaudit/net/http_client.hpp"
#include "siteaudit/runtime/detail/park.hpp"
#include "siteaudit/runtime/mutex.hpp"

namespace siteaudit::net::detail {

// AbortReason says why the driver took a transfer out of the multi before libcurl finished it.
enum class AbortReason : std::uint8_t { none, cancelled, stopped, add_failed };

class MultiDriver;

struct Transfer {
  Transfer(MultiDriver* driver, CURL* easy, Method method)
      : driver(driver), easy(easy), method(method) {}
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  MultiDriver* const driver;
  CURL* const easy;
  const Method method;  // every fetch on this handle uses it; it sizes the receive buffer
  char errbuf[CURL_ERROR_SIZE] = {};
  // proxies is the client's (configure_easy); proxy_set is which of its proxies CURLOPT_PROXY
  // holds (none yet: nullptr), set again only when a hop's scheme asks for the other.
  const ProxyEnvironment* proxies = nullptr;
  const std::string* proxy_set = nullptr;

  // generation identifies one fetch using this Transfer; ops queued for an older fetch (a late
  // cancellation) compare it and are dropped.
  std::atomic<std::uint64_t> generation{0};
  // cancelled is set by the context's on_done callback before it queues the abort, so that an
  // abort that overtakes the add is still seen when the add is processed.
  std::atomic<bool> cancelled{false};

  // --- set by fetch() for the hop, read by the callbacks ---
  std::uint64_t max_body_bytes = 0;
  bool streams_body = false;  // Request::on_body is set: chunks go to the fiber
  bool follows_redirects = false;
  curl_slist* hop_headers = nullptr;

  // --- driver side: written by curl callbacks while the handle is in the multi ---
  bool in_multi = false;
  int status = 0;             // of the response being received
  bool body_is_final = true;  // not the body of a redirect we will follow
  std::string location;       // raw Location of that response (its first)
  // other_location is a second Location of that response that differs from the first: a
  // redirect browsers refuse to follow (Chrome: ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION).
  std::string other_location;
  HeaderList headers;
  std::uint64_t body_bytes = 0;
  bool truncated = false;
  int socket_errno = 0;  // socket() failed for this hop with this errno (MultiDriver::on_open)

  // --- shared with the fiber under lock_ ---
  // lock_ guards the few words shared by the driver and a fiber. Not std::mutex: the fiber
  // takes it, parks, and the scheduler releases it in park()'s unlock hook after the switch,
  // which for a sanitizer that models fibers as threads would be an unlock by another thread.
  rt::detail::SpinLock lock_;
  rt::detail::Fiber* waiter = nullptr;  // set while the fiber is parked
  bool done = false;
  bool paused = false;  // the write callback returned CURL_WRITEFUNC_PAUSE
  // chunks holds the body bytes not yet handed to on_body. A body that arrives in full before
  // kChunkWakeBytes of it wait is handed over from here once the hop is done, and never
  // touches consumer_buffer: one buffer per transfer instead of two.
  std::string chunks;
  CURLcode result = CURLE_OK;
  AbortReason abort = AbortReason::none;

  // --- fiber side ---
  // consumer_buffer is swapped with `chunks` while the transfer still runs, so that neither
  // side reallocates; only a body of more than kChunkWakeBytes (or a paused one) grows it.
  std::string consumer_buffer;

  // reset_for_fetch() starts a new fetch: new generation, no cancellation.
  void reset_for_fetch() noexcept;
  // free_buffers() frees the body buffers. A body lives in them only from its arrival to its
  // hand-over, so a pooled handle that kept their capacity held a page's size each for the
  // client's life: 0.5 MB of a 64-worker crawl's heap, against one malloc per page (a streamed
  // body grew them to kChunkHighWater: the sitemap's GET handle once held 512 KB through the
  // whole audit). Called by fetch() once the hop is over, when only the fiber touches them.
  void free_buffers() noexcept;
  // prepare_hop() sets the per-hop options; Request::headers only with `send_headers`.
  // Returns false when libcurl rejects the URL.
  bool prepare_hop(const std::string& url, const Request& request, bool follows, bool send_headers);
  // finish() publishes the end of the hop and readies the fiber if it is parked. Called by the
  // driver after the handle left the multi; the Transfer may be reused as soon as it returns.
  void finish(CURLcode code, AbortReason reason) noexcept;

  static size_t on_header(char* data, size_t size, size_t count, void* self) noexcept;
  static size_t on_write(char* data, size_t size, size_t count, void* self) noexcept;
};

// kChunkHighWater is how many body bytes wait for a slow on_body before the transfer pauses.
inline constexpr std::size_t kChunkHighWater = 256 * 1024;

// kChunkWakeBytes is how many body bytes wait before the write callback wakes the fiber; a
// smaller body is handed to on_body when the hop ends. Waking per read made a page cost two
// wake-ups (its bytes, then its end) and a second buffer the size of the page per transfer.
inline constexpr std::size_t kChunkWakeBytes = 32 * 1024;

// kHeadBufferBytes is the receive buffer of a HEAD handle: libcurl's minimum. A HEAD response
// is a few hundred bytes of headers, and libcurl allocates its buffer (16 KB by default) afresh
// for every transfer: with 10,000 HEADs in flight that was 160 MB of heap, and at 16 KB each
// allocation took glibc's slow path (a fastbin consolidation) once per request.
inline constexpr long kHeadBufferBytes = 1024;

// kGetBufferBytes is the receive buffer of a GET handle, half libcurl's default: a typical
// page and its headers still arrive in one read, and a crawl's 64 transfers in flight hold
// 0.5 MB less heap. A larger body takes more reads of the socket, each a few hundred
// instructions next to the parse of the same bytes.
inline constexpr long kGetBufferBytes = 8 * 1024;

// configure_easy() sets the options every hop shares; called once per pooled handle. The
// buffer size is among them: libcurl 7.88 keeps a buffer it did not free (a transfer removed
// before it connected) and reuses it without checking its size, so a handle's size never
// changes. So are the client's `proxies` (CURLOPT_NOPROXY here, CURLOPT_PROXY per hop).
void configure_easy(Transfer& t, const ClientConfig& config, CURLSH* share,
                    const ProxyEnvironment& proxies) noexcept;

}  // namespace siteaudit::net::detail
