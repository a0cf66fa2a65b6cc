// http_client.cpp — fetch(): one request, its redirects, and the fiber's part of each hop.
//
// Per hop the fiber prepares the pooled easy handle (it is not in the multi, so the fiber may
// touch it), posts it to the MultiDriver and parks on the Transfer. The driver — whatever
// thread runs curl at that moment — finishes the hop and readies the fiber. Streamed bodies
// wake the fiber per batch of chunks, so on_body runs here, on the caller's fiber, where it may
// block (send on a channel) without stalling curl for everyone else.
#include "siteaudit/net/http_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "curl_error.hpp"
#include "curl_share.hpp"
#include "multi_driver.hpp"
#include "proxy_environment.hpp"
#include "redirect_policy.hpp"
#include "siteaudit/net/fd_limit.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/fatal.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "transfer.hpp"

namespace siteaudit::net {

using detail::AbortReason;
using detail::CurlShare;
using detail::MultiDriver;
using detail::ProxyEnvironment;
using detail::Transfer;

namespace {

// connection_limit() is the most connections the limits allow to one host at once; 0 when
// nothing limits them.
long connection_limit(const ClientConfig& c) {
  if (c.max_connections_per_host > 0 && c.max_connections_total > 0) {
    return std::min(c.max_connections_per_host, c.max_connections_total);
  }
  return std::max(c.max_connections_per_host, c.max_connections_total);
}

// multi_count() is how many multi handles the client runs: what the config asks for, else one
// per runtime thread or per kConnectionsPerMulti connections, whichever is more; never more
// than the limits allow connections (each multi needs one), and at least one.
unsigned multi_count(const ClientConfig& c) {
  const long limit = connection_limit(c);
  const long wanted = std::max<long>(rt::threads(), limit / kConnectionsPerMulti);
  long n = c.multi_handles != 0 ? static_cast<long>(c.multi_handles)
                                : std::min<long>(kMaxMultiHandles, wanted);
  if (limit > 0) n = std::min(n, limit);
  return static_cast<unsigned>(std::max(1L, n));
}

// share_of() splits a limit among `count` multis, the remainder to the first ones, so that the
// shares add up to the limit exactly. 0 (unlimited) stays 0.
long share_of(long limit, unsigned index, unsigned count) {
  if (limit <= 0) return limit;
  return limit / count + (static_cast<long>(index) < limit % count ? 1 : 0);
}

}  // namespace

struct HttpClient::Impl {
  explicit Impl(const ClientConfig& c)
      : config(c), share(c), proxies(ProxyEnvironment::read([](const char* name) -> const char* {
          return std::getenv(name);
        })) {
    // Past RLIMIT_NOFILE socket() fails with EMFILE, while a transfer over a connection limit
    // only waits; so the descriptor cap lowers each multi's limits, and the multi count (which
    // follows the configured limits) never exceeds it: each multi needs one connection.
    const long fd_cap = connection_cap_for_fd_limit();
    unsigned count = multi_count(c);
    if (fd_cap > 0) count = static_cast<unsigned>(std::min<long>(count, fd_cap));
    for (unsigned i = 0; i < count; ++i) {
      ClientConfig part = c;
      part.max_connections_per_host = share_of(c.max_connections_per_host, i, count);
      part.max_connections_total = share_of(c.max_connections_total, i, count);
      drivers.push_back(
          std::make_unique<MultiDriver>(part, share.get(), proxies, share_of(fd_cap, i, count)));
    }
  }

  // pick() gives a new fetch to the multi with the fewest transfers in use, and claims its
  // place there; ties go to the first, so one fiber's sequential fetches on an idle client keep
  // reusing one connection. The multis' connection limits add up to the client's, so as long as
  // fetches do not outnumber connections each one finds a free connection in the multi it
  // claimed; choosing and counting apart, two threads could both take one multi's last free
  // connection, and libcurl queued one of those fetches behind a busy connection for a whole
  // answer (1 s on the slow-site benchmark, in most runs with two threads).
  MultiDriver& pick() {
    for (;;) {
      MultiDriver* best = drivers.front().get();
      long least = best->in_use();
      for (std::size_t i = 1; i < drivers.size() && least > 0; ++i) {
        const long n = drivers[i]->in_use();
        if (n < least) {
          least = n;
          best = drivers[i].get();
        }
      }
      if (best->claim(least)) return *best;
    }
  }

  const ClientConfig config;
  // Both declared before the drivers: their easy handles use them until they go.
  CurlShare share;
  ProxyEnvironment proxies;
  std::vector<std::unique_ptr<MultiDriver>> drivers;
};

namespace {

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
      // Once the hop is done nothing writes `chunks` any more: hand it over where it is. While
      // the transfer runs, take the bytes by swapping buffers with the write callback.
      const bool over = t.done;
      if (!over) t.chunks.swap(t.consumer_buffer);
      std::string& body = over ? t.chunks : t.consumer_buffer;
      const bool was_paused = std::exchange(t.paused, false);
      t.lock_.unlock();
      bool keep = !stopped;
      if (keep) {
        try {
          keep = request.on_body(std::string_view(body));
        } catch (...) {
          failure = std::current_exception();
          keep = false;
        }
      }
      body.clear();
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
    rt::detail::park(rt::detail::WaitReason::external, &t, &rt::detail::SpinLock::unlock_hook,
                     &t.lock_);
  }
}

HttpError failure_of(Transfer& t, const std::string& url, const Request& request,
                     const ClientConfig& config) {
  UrlParts parts;
  split_url(url, parts);
  long os_errno = 0;
  curl_off_t connect_us = 0;
  curl_off_t pretransfer_us = 0;
  curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(t.easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  detail::CurlFailure f;
  f.code = t.result;
  f.host = parts.host;
  f.port = parts.port;
  f.errbuf = t.errbuf;
  f.os_errno = static_cast<int>(os_errno);
  // PRETRANSFER is stamped when the request is about to be sent, on a new connection and on a
  // reused one alike. CONNECT_TIME_T is 0 on a reused connection (that once made a silent
  // server on a kept-alive connection look like a connect timeout), and NUM_CONNECTS is 0 both
  // for a reused connection and for one that never connected, so neither can tell alone.
  f.connected = pretransfer_us > 0;
  f.tcp_connected = f.connected || connect_us > 0;
  f.socket_errno = t.socket_errno;
  f.timeout_ms = static_cast<long>(request.timeout.count());
  f.connect_timeout_ms = static_cast<long>(config.connect_timeout.count());
  f.body_bytes = t.body_bytes;
  f.url_bytes = url.size();
  return detail::describe_curl_failure(f);
}

}  // namespace

HttpClient::HttpClient(ClientConfig config) : impl_(std::make_unique<Impl>(config)) {}

HttpClient::~HttpClient() {
  for (auto& driver : impl_->drivers) driver->shutdown();
}

void HttpClient::wind_down() {
  for (auto& driver : impl_->drivers) driver->wind_down();
}

ClientStats HttpClient::stats() const {
  ClientStats sum;
  for (const auto& driver : impl_->drivers) {
    const ClientStats s = driver->stats();
    sum.handles_created += s.handles_created;
    sum.drives += s.drives;
    sum.ops += s.ops;
    sum.socket_actions += s.socket_actions;
    sum.watches += s.watches;
    sum.timers += s.timers;
  }
  sum.multi_handles = static_cast<unsigned>(impl_->drivers.size());
  return sum;
}

FetchResult HttpClient::fetch(const rt::Context& ctx, const Request& request) {
  const auto started = rt::Clock::now();
  FetchResult out;
  Response& response = out.response;
  response.url = request.url;

  if (rt::detail::current_fiber() == nullptr) {
    rt::fatal("HttpClient::fetch(" + request.url + ") called outside a fiber");
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

  MultiDriver& driver = impl_->pick();
  Transfer* t = driver.acquire(request.method);
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
    if (!t->prepare_hop(url, request, policy.will_follow(), policy.send_headers(url))) {
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
    if (!t->other_location.empty() && is_redirect_status(t->status)) {
      // RFC 9110 allows one Location; which of two a client takes is anyone's guess, and
      // browsers take neither.
      out.error = {ErrorKind::protocol,
                   fmt::format("{} answered {} with two different Location headers ('{}' and "
                               "'{}'); browsers refuse such a redirect",
                               url, t->status, t->location, t->other_location)};
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
    // A copy (two buffers), so that the pooled handle keeps its buffers for the next fetch.
    response.headers = t->headers;
    response.body_bytes = t->body_bytes;
  }
  response.redirects = std::move(policy.hops());
  response.time_ms = elapsed_ms(started);
  t->free_buffers();
  driver.release(t);
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace siteaudit::net
