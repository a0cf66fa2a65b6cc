// transfer.cpp — easy-handle options and the header/write callbacks of one hop.
#include "transfer.hpp"

#include <algorithm>
#include <mutex>

#include "redirect_policy.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::net::detail {
namespace {

// parse_status() reads the code from "HTTP/1.1 301 Moved" or "HTTP/2 200".
int parse_status(std::string_view line) {
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  int code = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    char c = line[i];
    if (c < '0' || c > '9') return 0;
    code = code * 10 + (c - '0');
  }
  return code;
}

}  // namespace

Transfer::~Transfer() {
  curl_slist_free_all(hop_headers);
  curl_easy_cleanup(easy);
}

void Transfer::reset_for_fetch() noexcept {
  generation.fetch_add(1, std::memory_order_relaxed);
  cancelled.store(false, std::memory_order_relaxed);
}

void Transfer::free_buffers() noexcept {
  std::string().swap(chunks);
  std::string().swap(consumer_buffer);
}

bool Transfer::prepare_hop(const std::string& url, const Request& request, bool follows,
                           bool send_headers) {
  max_body_bytes = request.method == Method::get ? request.max_body_bytes : 0;
  streams_body = request.method == Method::get && static_cast<bool>(request.on_body);
  follows_redirects = follows;

  status = 0;
  body_is_final = true;
  location.clear();
  other_location.clear();
  headers.clear();
  body_bytes = 0;
  truncated = false;
  socket_errno = 0;
  done = false;
  paused = false;
  chunks.clear();
  result = CURLE_OK;
  abort = AbortReason::none;
  errbuf[0] = '\0';

  // Header lists are built only when the hop sends headers: the common audit request has none,
  // and then no allocation happens here at all.
  curl_slist_free_all(hop_headers);
  hop_headers = nullptr;
  if (send_headers) {
    for (const std::string& line : request.headers) {
      curl_slist* grown = curl_slist_append(hop_headers, line.c_str());
      if (grown == nullptr) return false;
      hop_headers = grown;
    }
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hop_headers);

  if (request.method == Method::head) {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  // PIPEWAIT makes a new transfer wait for a connection being set up to the same host, in case
  // it turns out to multiplex (HTTP/2). That is only learnt from TLS ALPN, so for cleartext
  // http it would serialise connection setup for nothing.
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, url.compare(0, 6, "https:") == 0 ? 1L : 0L);
  if (const std::string& proxy = proxies->for_url(url); &proxy != proxy_set) {
    curl_easy_setopt(easy, CURLOPT_PROXY, proxy.c_str());
    proxy_set = &proxy;
  }
  return curl_easy_setopt(easy, CURLOPT_URL, url.c_str()) == CURLE_OK;
}

void Transfer::finish(CURLcode code, AbortReason reason) noexcept {
  lock_.lock();
  result = code;
  abort = reason;
  done = true;
  rt::detail::Fiber* fiber = std::exchange(waiter, nullptr);
  lock_.unlock();
  // After unlock the fiber may already be running and reuse this Transfer: touch nothing.
  if (fiber != nullptr) rt::detail::ready(fiber);
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) noexcept {
  auto* t = static_cast<Transfer*>(self);
  const size_t n = size * count;
  std::string_view line(data, n);
  try {
    if (line.size() >= 5 && line.compare(0, 5, "HTTP/") == 0) {
      // A new response begins (after a 1xx, or the next hop): forget the previous one's headers.
      t->status = parse_status(line);
      t->headers.clear();
      t->location.clear();
      t->other_location.clear();
      t->body_is_final = true;
      return n;
    }
    std::string_view content = trim(line);
    if (content.empty()) {
      t->body_is_final =
          !(t->follows_redirects && is_redirect_status(t->status) && !t->location.empty());
      return n;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !t->headers.empty()) {
      t->headers.extend_last(content);  // obsolete line folding (RFC 9112 §5.2)
      return n;
    }
    std::size_t colon = content.find(':');
    if (colon == std::string_view::npos) return n;
    const std::string_view name = trim(content.substr(0, colon));
    const std::string_view value = trim(content.substr(colon + 1));
    t->headers.add(name, value);
    if (iequals(name, "location")) {
      if (t->location.empty()) {
        t->location = value;
      } else if (value != t->location && t->other_location.empty()) {
        t->other_location = value;
      }
    }
    return n;
  } catch (...) {
    return 0;  // out of memory: libcurl fails the transfer with CURLE_WRITE_ERROR
  }
}

size_t Transfer::on_write(char* data, size_t size, size_t count, void* self) noexcept {
  auto* t = static_cast<Transfer*>(self);
  const size_t n = size * count;
  if (!t->body_is_final) return n;  // the body of a redirect we follow: nobody wants it

  size_t take = n;
  if (t->max_body_bytes != 0 && t->body_bytes + n > t->max_body_bytes) {
    take = static_cast<size_t>(t->max_body_bytes - t->body_bytes);
  }
  if (t->streams_body) {
    rt::detail::Fiber* fiber = nullptr;
    t->lock_.lock();
    if (t->chunks.size() >= kChunkHighWater) {
      // The fiber has not kept up. PAUSE leaves this chunk unconsumed: libcurl keeps it and
      // delivers it again after the driver unpauses the transfer, once the fiber caught up.
      t->paused = true;
      fiber = std::exchange(t->waiter, nullptr);
      t->lock_.unlock();
      if (fiber != nullptr) rt::detail::ready(fiber);
      return CURL_WRITEFUNC_PAUSE;
    }
    try {
      t->chunks.append(data, take);
    } catch (...) {
      t->lock_.unlock();
      return 0;
    }
    // A small body waits for the end of the hop (finish() wakes the fiber then); a large one
    // is handed over as it arrives, so that the fiber works while the rest comes in.
    if (t->chunks.size() >= kChunkWakeBytes) fiber = std::exchange(t->waiter, nullptr);
    t->lock_.unlock();
    if (fiber != nullptr) rt::detail::ready(fiber);
  }
  t->body_bytes += take;
  if (take < n) {
    // Over the cap: stop here. Returning less than n makes libcurl end the transfer with
    // CURLE_WRITE_ERROR, which the fiber reports as body_too_large with what it has.
    t->truncated = true;
    return take;
  }
  return n;
}

void configure_easy(Transfer& t, const ClientConfig& config, CURLSH* share,
                    const ProxyEnvironment& proxies) noexcept {
  CURL* e = t.easy;
  // Given explicitly, so that libcurl does not look them up in the environment per transfer.
  t.proxies = &proxies;
  curl_easy_setopt(e, CURLOPT_NOPROXY, proxies.no_proxy.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  // NOSIGNAL: a timeout must never raise SIGALRM in a multi-threaded process.
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_SHARE, share);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // A proxy's CONNECT response would otherwise reach on_header as if it were the server's.
  curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE,
                   t.method == Method::head ? kHeadBufferBytes : kGetBufferBytes);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  if (config.low_speed_time.count() > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, config.low_speed_limit_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config.low_speed_time.count()));
  }
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, config.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, config.verify_tls ? 2L : 0L);
  if (!config.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, config.ca_file.c_str());
  const std::string agent =
      config.user_agent.empty() ? std::string("siteaudit/" SITEAUDIT_VERSION) : config.user_agent;
  curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
  if (!config.cookie_file.empty()) {
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, config.cookie_file.c_str());
  }
  long version = CURL_HTTP_VERSION_2TLS;  // libcurl's own default: h2 over TLS when offered
  if (config.http_version == HttpVersion::http1_1) version = CURL_HTTP_VERSION_1_1;
  if (config.http_version == HttpVersion::http2) version = CURL_HTTP_VERSION_2_0;
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, version);
  // "" = every encoding this libcurl decodes (gzip, deflate, br, zstd); decoded before on_write,
  // so the body cap counts decoded bytes and a gzip bomb is stopped by it. Only GET has a body
  // to decode: for HEAD the header would cost libcurl a formatted string per request (6,000
  // instructions, 7 % of its work on a HEAD) for nothing, and Go's client omits it there too.
  if (config.accept_compression && t.method == Method::get) {
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  }
}

}  // namespace siteaudit::net::detail
