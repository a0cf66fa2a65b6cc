// http_client.cpp — fetch(): one request, its redirects, and the fiber's part of each hop.
//
// Per hop the fiber prepares the pooled easy handle (it is not in the multi, so the fiber may
// touch it), posts it to the MultiDriver and parks on the Transfer. The driver — whatever
// thread runs curl at that moment — finishes the hop and readies the fiber. Streamed bodies
// wake the fiber per batch of chunks, so on_body runs here, on the caller's fiber, where it may
// block (send on a channel) without stalling curl for everyone else.
#include "siteaudit/net/http_client.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <utility>

#include "curl_error.hpp"
#include "multi_driver.hpp"
#include "redirect_policy.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "transfer.hpp"

namespace siteaudit::net {

using detail::AbortReason;
using detail::MultiDriver;
using detail::Transfer;

struct HttpClient::Impl {
  explicit Impl(const ClientConfig& c) : config(c), driver(c) {}
  const ClientConfig config;
  MultiDriver driver;
};

namespace {

void unlock_spin(void* lock) noexcept {
  static_cast<detail::SpinLock*>(lock)->unlock();
}

std::uint32_t elapsed_ms(rt::Clock::time_point since) {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(rt::Clock::now() - since).count());
}

const char* version_name(long v) {
  switch (v) {
    case CURL_HTTP_VERSION_1_0:
      return "1.0";
    case CURL_HTTP_VERSION_1_1:
      return "1.1";
    case CURL_HTTP_VERSION_2_0:
      return "2";
    case CURL_HTTP_VERSION_3:
      return "3";
    default:
      return "";
  }
}

// run_hop() runs one prepared hop to its end and parks the fiber meanwhile. Body chunks are
// handed to on_body as they arrive; `stopped` becomes true when on_body asked to stop, and
// `failure` holds an exception on_body threw (rethrown by fetch once the hop is over: the
// transfer must leave the multi before the stack that owns the Request unwinds).
void run_hop(MultiDriver& driver, Transfer& t, const Request& request, bool& stopped,
             std::exception_ptr& failure) {
  const std::uint64_t generation = t.generation.load(std::memory_order_relaxed);
  driver.start(&t);
  for (;;) {
    t.lock_.lock();
    if (!t.chunks.empty()) {
      t.chunks.swap(t.consumer_buffer);
      const bool was_paused = std::exchange(t.paused, false);
      t.lock_.unlock();
      bool keep = !stopped;
      if (keep) {
        try {
          keep = request.on_body(std::string_view(t.consumer_buffer));
        } catch (...) {
          failure = std::current_exception();
          keep = false;
        }
      }
      t.consumer_buffer.clear();
      if (!keep && !stopped) {
        stopped = true;
        driver.abort(&t, generation, AbortReason::stopped);
      } else if (was_paused && !stopped) {
        driver.unpause(&t, generation);
      }
      continue;
    }
    if (t.done) {
      t.lock_.unlock();
      return;
    }
    t.waiter = rt::detail::current_fiber();
    // park-then-publish: the driver sees `waiter` only after this fiber is off its stack.
    rt::detail::park(rt::detail::WaitReason::external, &t, &unlock_spin, &t.lock_);
  }
}

HttpError failure_of(Transfer& t, const std::string& url, const Request& request,
                     const ClientConfig& config) {
  UrlParts parts;
  split_url(url, parts);
  long os_errno = 0;
  curl_off_t connect_us = 0;
  curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  detail::CurlFailure f;
  f.code = t.result;
  f.host = parts.host;
  f.port = parts.port;
  f.errbuf = t.errbuf;
  f.os_errno = static_cast<int>(os_errno);
  f.connected = connect_us > 0;
  f.timeout_ms = static_cast<long>(request.timeout.count());
  f.connect_timeout_ms = static_cast<long>(config.connect_timeout.count());
  f.body_bytes = t.body_bytes;
  return detail::describe_curl_failure(f);
}

}  // namespace

HttpClient::HttpClient(ClientConfig config) : impl_(std::make_unique<Impl>(config)) {}

HttpClient::~HttpClient() {
  impl_->driver.shutdown();
}

ClientStats HttpClient::stats() const {
  return impl_->driver.stats();
}

FetchResult HttpClient::fetch(const rt::Context& ctx, const Request& request) {
  const auto started = rt::Clock::now();
  FetchResult out;
  Response& response = out.response;
  response.url = request.url;

  if (rt::detail::current_fiber() == nullptr) {
    std::fprintf(stderr, "siteaudit: HttpClient::fetch(%s) called outside a fiber\n",
                 request.url.c_str());
    std::abort();
  }
  UrlResult start = normalize_url(request.url);
  if (!start.ok()) {
    out.error = {ErrorKind::invalid_url, std::move(start.error)};
    return out;
  }
  bool started_any = false;  // a hop was handed to the driver: "while" rather than "before"
  auto cancelled_error = [&] {
    const bool deadline = ctx.err() == rt::ContextError::deadline_exceeded;
    return HttpError{ErrorKind::cancelled,
                     std::string(deadline ? "deadline exceeded" : "cancelled") +
                         (started_any ? " while fetching " : " before fetching ") + response.url};
  };
  if (ctx.is_done()) {
    out.error = cancelled_error();
    return out;
  }

  MultiDriver& driver = impl_->driver;
  Transfer* t = driver.acquire();
  if (t == nullptr) {
    out.error = {ErrorKind::protocol, "cannot create an HTTP transfer (out of memory)"};
    return out;
  }
  const std::uint64_t generation = t->generation.load(std::memory_order_relaxed);
  // The callback may run on any thread at any time until remove_on_done() returns; it only
  // flags the Transfer and queues an abort, which the driver matches against `generation`.
  // Two words of capture fit std::function's inline buffer: no allocation per fetch.
  const rt::Context::CallbackId on_cancel = ctx.on_done([t, generation] {
    t->cancelled.store(true, std::memory_order_release);
    t->driver->abort(t, generation, AbortReason::cancelled);
  });

  detail::RedirectPolicy policy(request, start.url);
  std::string url = std::move(start.url);
  bool stopped = false;
  bool ran = false;  // a hop ran: the handle's info and headers are this fetch's
  std::exception_ptr failure;
  for (;;) {
    response.url = url;
    if (t->cancelled.load(std::memory_order_acquire)) {
      out.error = cancelled_error();
      break;
    }
    if (!t->prepare_hop(url, request, policy.will_follow(), policy.send_credentials(url))) {
      out.error = {ErrorKind::invalid_url, "libcurl rejected the URL " + url};
      break;
    }
    run_hop(driver, *t, request, stopped, failure);
    ran = true;
    started_any = true;

    curl_off_t hop_us = 0;
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &hop_us);
    response.status = t->status;
    if (t->abort == AbortReason::cancelled) {
      out.error = cancelled_error();
      break;
    }
    if (t->abort == AbortReason::add_failed) {
      out.error = {ErrorKind::protocol, "libcurl could not start the transfer of " + url};
      break;
    }
    if (t->result != CURLE_OK && t->abort != AbortReason::stopped) {
      if (t->result == CURLE_WRITE_ERROR && t->truncated) {
        response.body_truncated = true;
        out.error = {ErrorKind::body_too_large,
                     "the body of " + url + " is larger than the limit of " +
                         std::to_string(request.max_body_bytes) + " bytes; the rest was not read"};
      } else {
        out.error = failure_of(*t, url, request, impl_->config);
      }
      break;
    }
    auto step =
        policy.on_response(url, t->status, t->location, static_cast<std::uint32_t>(hop_us / 1000));
    if (step.action == detail::RedirectPolicy::Action::follow) {
      url = std::move(step.next_url);
      continue;
    }
    if (step.action == detail::RedirectPolicy::Action::fail) out.error = std::move(step.error);
    break;
  }

  if (on_cancel != 0) ctx.remove_on_done(on_cancel);
  if (ran) {
    long version = 0;
    curl_easy_getinfo(t->easy, CURLINFO_HTTP_VERSION, &version);
    response.http_version = version_name(version);
    response.headers = std::move(t->headers);
    response.body_bytes = t->body_bytes;
  }
  response.redirects = std::move(policy.hops());
  response.time_ms = elapsed_ms(started);
  driver.release(t);
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace siteaudit::net
