// http_client_test.cpp — HttpClient against the fixture server on 127.0.0.1.
//
// Catch2 v2 is not thread-safe, so fibers only record what they saw; assertions run on the
// test's own thread after Runtime::run returned. run() failing (deadlock, leaked fibers,
// watches or timers left by the client) fails the test too.
#include "siteaudit/net/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "siteaudit/net/fd_limit.hpp"
#include "siteaudit/net/url.hpp"
#include "siteaudit/runtime/context.hpp"
#include "siteaudit/runtime/runtime.hpp"
#include "siteaudit/runtime/wait_group.hpp"
#include "support/blackhole_listener.hpp"
#include "support/fixture_server.hpp"
#include "support/scoped_env.hpp"

namespace net = siteaudit::net;
namespace rt = siteaudit::rt;
using net::ErrorKind;
using net::FetchResult;
using net::Method;
using net::Request;
using siteaudit::testing::FixtureServer;
using siteaudit::testing::ScopedEnv;

namespace {

// run_fibers() runs `main` on a fresh runtime and requires a clean finish.
void run_fibers(unsigned threads, std::function<void()> main) {
  rt::Runtime runtime({.threads = threads});
  rt::RunResult result = runtime.run(std::move(main));
  INFO(result.message);
  REQUIRE(result.ok());
}

// Stats is one GET /stats. Reading it opens a connection of its own, which the server counts
// in connections_accepted before it answers; `connections` leaves that one out.
struct Stats {
  std::string body;
  long get(const std::string& name) const {
    const std::string key = "\"" + name + "\": ";
    auto at = body.find(key);  // the top-level counter comes before by_prefix
    if (at == std::string::npos) FAIL("no " << name << " in /stats: " << body);
    return std::strtol(body.c_str() + at + key.size(), nullptr, 10);
  }
  long connections() const { return get("connections_accepted") - 1; }
};
Stats stats(const FixtureServer& server) {
  return Stats{server.get("/stats")};
}

// closed_port() returns a port on 127.0.0.1 that nothing listens on.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);  // bound but never listening, then closed: connecting is refused
  return ntohs(addr.sin_port);
}

// NotTlsServer accepts connections on 127.0.0.1 and answers whatever arrives with a plain
// HTTP error, as a misconfigured https port would: the client's TLS handshake must fail fast.
class NotTlsServer {
 public:
  NotTlsServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;  // shutdown() below
        char buf[512];
        if (read(c, buf, sizeof buf) > 0) {
          static const char kReply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
          (void)!write(c, kReply, sizeof kReply - 1);
        }
        close(c);
      }
    });
  }
  ~NotTlsServer() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

Request get(std::string url) {
  Request r;
  r.method = Method::get;
  r.url = std::move(url);
  return r;
}

Request head(std::string url) {
  Request r;
  r.url = std::move(url);
  return r;
}

// fetch_at_once() fetches `request` once per element of `results`, each on its own fiber, all
// at once, and waits for them.
void fetch_at_once(net::HttpClient& client, const Request& request,
                   std::vector<FetchResult>& results) {
  rt::WaitGroup done;
  for (FetchResult& r : results) {
    done.add(1);
    rt::go([&] {
      r = client.fetch(rt::background(), request);
      done.done();
    });
  }
  done.wait();
}

}  // namespace

TEST_CASE("status routes: final status, headers, body size, version", "[net][client]") {
  FixtureServer server;
  std::vector<FetchResult> results;
  run_fibers(2, [&] {
    net::HttpClient client;
    for (int status : {200, 204, 404, 500, 503}) {
      results.push_back(
          client.fetch(rt::background(), head(server.url("/status/" + std::to_string(status)))));
      results.push_back(
          client.fetch(rt::background(), get(server.url("/status/" + std::to_string(status)))));
    }
  });
  std::size_t i = 0;
  for (int status : {200, 204, 404, 500, 503}) {
    for (Method m : {Method::head, Method::get}) {
      const FetchResult& r = results[i++];
      INFO("status " << status << " method " << static_cast<int>(m) << ": " << r.error.message);
      CHECK(r.ok());
      CHECK(r.response.status == status);
      CHECK(r.response.url == server.url("/status/" + std::to_string(status)));
      CHECK(r.response.http_version == "1.1");
      CHECK(r.response.redirects.empty());
      if (status != 204) {
        CHECK(r.response.header("content-type") == std::optional<std::string_view>("text/plain"));
      }
      CHECK(r.response.header("server") == std::optional<std::string_view>("siteaudit-fixture"));
      const std::uint64_t body = status == 204 ? 0 : std::string("status 404\n").size();
      CHECK(r.response.body_bytes == (m == Method::head ? 0 : body));
    }
  }
}

TEST_CASE("GET streams the body to on_body on the calling fiber", "[net][client]") {
  FixtureServer server;
  std::string body;
  FetchResult r;
  run_fibers(2, [&] {
    net::HttpClient client;
    Request req = get(server.url("/robots.txt"));
    req.on_body = [&](std::string_view chunk) {
      body.append(chunk);
      return true;
    };
    r = client.fetch(rt::background(), req);
  });
  REQUIRE(r.ok());
  CHECK(r.response.status == 200);
  CHECK(body.size() == r.response.body_bytes);
  CHECK(body.find("Sitemap:") != std::string::npos);
}

TEST_CASE("other fixture routes: delay, retry-after, flaky, no-head, headers, echo",
          "[net][client]") {
  FixtureServer server;
  std::vector<FetchResult> r;
  std::string echo;
  run_fibers(2, [&] {
    net::HttpClient client;
    auto ctx = rt::background();
    r.push_back(client.fetch(ctx, get(server.url("/delay/50"))));
    r.push_back(client.fetch(ctx, head(server.url("/retry-after/7"))));
    r.push_back(client.fetch(ctx, head(server.url("/retry-after/7"))));
    for (int k = 0; k < 3; ++k) r.push_back(client.fetch(ctx, head(server.url("/flaky/2"))));
    r.push_back(client.fetch(ctx, head(server.url("/no-head"))));
    r.push_back(client.fetch(ctx, get(server.url("/no-head"))));
    r.push_back(client.fetch(
        ctx, head(server.url("/headers?X-Robots-Tag=noindex&Last-Modified=Mon,%2001%20Jan%202024"
                             "%2000:00:00%20GMT&Content-Type=application/xml"))));
    Request e = get(server.url("/echo"));
    e.headers = {"X-Custom: yes", "Accept: application/json"};
    e.on_body = [&](std::string_view chunk) {
      echo.append(chunk);
      return true;
    };
    r.push_back(client.fetch(ctx, e));
  });
  for (const auto& x : r) {
    INFO(x.error.message);
    CHECK(x.ok());
  }
  CHECK(r[0].response.status == 200);
  CHECK(r[0].response.body_bytes == std::string("delayed 50 ms\n").size());
  CHECK(r[1].response.status == 429);
  CHECK(r[1].response.header("retry-after") == std::optional<std::string_view>("7"));
  CHECK(r[2].response.status == 200);
  CHECK(r[3].response.status == 500);
  CHECK(r[4].response.status == 500);
  CHECK(r[5].response.status == 200);
  CHECK(r[6].response.status == 405);
  CHECK(r[7].response.status == 200);
  CHECK(r[8].response.header("x-robots-tag") == std::optional<std::string_view>("noindex"));
  CHECK(r[8].response.header("last-modified") ==
        std::optional<std::string_view>("Mon, 01 Jan 2024 00:00:00 GMT"));
  CHECK(r[8].response.header("content-type") == std::optional<std::string_view>("application/xml"));
  CHECK(echo.find("\"X-Custom\": \"yes\"") != std::string::npos);
  CHECK(echo.find("siteaudit/") != std::string::npos);  // the default User-Agent
  CHECK(echo.find("gzip") != std::string::npos);        // Accept-Encoding offered
}

TEST_CASE("only GET offers compressed bodies: HEAD sends no Accept-Encoding", "[net][client]") {
  // A HEAD answer has no body to decode, and libcurl formats the header anew for every
  // request; Go's net/http leaves it out of HEAD requests too.
  FixtureServer server;
  std::vector<FetchResult> r;
  run_fibers(2, [&] {
    net::HttpClient client;
    auto ctx = rt::background();
    r.push_back(client.fetch(ctx, head(server.url("/status/200?k=head"))));
    r.push_back(client.fetch(ctx, get(server.url("/status/200?k=get"))));
  });
  REQUIRE(r.size() == 2);
  CHECK(r[0].response.status == 200);
  CHECK(r[1].response.status == 200);
  // /log lists each request with its headers, in arrival order: {"t": ..., "method": "HEAD",
  // "path": ..., "connection": ..., "headers": {...}}.
  const std::string log = server.get("/log");
  const auto entry = [&](std::string_view path) {
    const std::size_t at = log.find("\"path\": \"" + std::string(path) + "\"");
    REQUIRE(at != std::string::npos);
    return log.substr(at, log.find('}', at) - at);
  };
  const std::string head_entry = entry("/status/200?k=head");
  const std::string get_entry = entry("/status/200?k=get");
  CAPTURE(head_entry, get_entry);
  CHECK(head_entry.find("Accept-Encoding") == std::string::npos);
  CHECK(get_entry.find("Accept-Encoding") != std::string::npos);
  CHECK(head_entry.find("User-Agent") != std::string::npos);
}

TEST_CASE("HEAD handles read headers far larger than their 1 KB buffer; GET keeps its own",
          "[net][client][limits]") {
  FixtureServer server;
  const std::string big(1500, 'x');
  std::vector<FetchResult> r;
  net::ClientStats client_stats;
  run_fibers(2, [&] {
    net::HttpClient client;
    auto ctx = rt::background();
    const std::string url = server.url("/headers?X-A=" + big + "&X-B=" + big + "&X-C=" + big);
    r.push_back(client.fetch(ctx, head(url)));
    Request g = get(server.url("/huge"));
    g.max_body_bytes = 200'000;
    r.push_back(client.fetch(ctx, g));
    r.push_back(client.fetch(ctx, head(url)));
    r.push_back(client.fetch(ctx, get(url)));
    client_stats = client.stats();
  });
  REQUIRE(r.size() == 4);
  for (std::size_t i : {0, 2, 3}) {
    INFO(i << ": " << r[i].error.message);
    CHECK(r[i].ok());
    CHECK(r[i].response.header("x-a") == std::optional<std::string_view>(big));
    CHECK(r[i].response.header("x-c") == std::optional<std::string_view>(big));
  }
  CHECK(r[1].error.kind == net::ErrorKind::body_too_large);
  CHECK(r[1].response.body_bytes == 200'000);
  CHECK(r[3].response.body_bytes == std::string("headers as requested\n").size());
  // One pooled handle per method, each reused.
  CHECK(client_stats.handles_created == 2);
}

TEST_CASE("redirect chains are followed and every hop recorded", "[net][client][redirect]") {
  FixtureServer server;
  FetchResult chain, capped, zero, loop;
  run_fibers(2, [&] {
    net::HttpClient client;
    chain = client.fetch(rt::background(), head(server.url("/redirect/3")));
    Request many = head(server.url("/redirect/20"));
    many.max_redirects = 5;
    capped = client.fetch(rt::background(), many);
    Request none = head(server.url("/redirect/2"));
    none.max_redirects = 0;
    zero = client.fetch(rt::background(), none);
    loop = client.fetch(rt::background(), get(server.url("/redirect-loop")));
  });
  INFO(chain.error.message);
  REQUIRE(chain.ok());
  CHECK(chain.response.status == 200);
  CHECK(chain.response.url == server.url("/redirect/0"));
  REQUIRE(chain.response.redirects.size() == 3);
  CHECK(chain.response.redirects[0].url == server.url("/redirect/3"));
  CHECK(chain.response.redirects[0].status == 302);
  CHECK(chain.response.redirects[0].location == server.url("/redirect/2"));
  CHECK(chain.response.redirects[2].location == server.url("/redirect/0"));

  CHECK(capped.error.kind == ErrorKind::too_many_redirects);
  CHECK(capped.response.status == 302);
  CHECK(capped.response.redirects.size() == 6);

  CHECK(zero.ok());
  CHECK(zero.response.status == 302);
  CHECK(zero.response.header("location") ==
        std::optional<std::string_view>(server.url("/redirect/1")));

  CHECK(loop.error.kind == ErrorKind::redirect_loop);
  CHECK(loop.error.message == "redirect loop: " + server.url("/redirect-loop") + " -> " +
                                  server.url("/redirect-loop/b") + " -> " +
                                  server.url("/redirect-loop"));
}

TEST_CASE("cross-host redirects: refused on request, no request header ever forwarded",
          "[net][client][redirect]") {
  FixtureServer server;
  // 127.0.0.1 and localhost are different hosts to the policy, the same server to the test.
  const std::string other = "http://localhost:" + std::to_string(server.port());
  FetchResult refused, allowed, same_host;
  std::string echo_other, echo_same;
  run_fibers(2, [&] {
    net::HttpClient client;
    Request r = head(server.url("/redirect-to?url=" + other + "/status/200"));
    r.allow_cross_host = false;
    refused = client.fetch(rt::background(), r);

    auto with_credentials = [](Request req, std::string& sink) {
      req.headers = {"Authorization: Bearer secret", "Cookie: session=1",
                     "Proxy-Authorization: Basic eA==", "X-Trace: kept"};
      req.on_body = [&sink](std::string_view chunk) {
        sink.append(chunk);
        return true;
      };
      return req;
    };
    allowed = client.fetch(
        rt::background(),
        with_credentials(get(server.url("/redirect-to?url=" + other + "/echo")), echo_other));
    same_host = client.fetch(
        rt::background(),
        with_credentials(get(server.url("/redirect-to?url=" + server.url("/echo"))), echo_same));
  });
  CHECK(refused.error.kind == ErrorKind::redirect_refused);
  CHECK(refused.response.status == 302);
  CHECK_THAT(refused.error.message, Catch::Contains("localhost"));

  INFO(allowed.error.message);
  REQUIRE(allowed.ok());
  CHECK(allowed.response.url == other + "/echo");
  // Every header of the request stays with its origin, not only the well-known credentials:
  // a token may travel in any header (X-Api-Key, X-Preview-Token).
  CHECK(echo_other.find("X-Trace") == std::string::npos);
  CHECK(echo_other.find("Authorization") == std::string::npos);
  CHECK(echo_other.find("Cookie") == std::string::npos);
  CHECK(echo_other.find("secret") == std::string::npos);

  REQUIRE(same_host.ok());
  CHECK(echo_same.find("\"Authorization\": \"Bearer secret\"") != std::string::npos);
  CHECK(echo_same.find("\"Cookie\": \"session=1\"") != std::string::npos);
  CHECK(echo_same.find("\"X-Trace\": \"kept\"") != std::string::npos);
}

TEST_CASE("the body cap stops /huge and keeps the partial response", "[net][client][limits]") {
  FixtureServer server;
  FetchResult counted, streamed, bomb;
  std::uint64_t delivered = 0;
  int chunks = 0;
  run_fibers(2, [&] {
    net::HttpClient client;
    Request r = get(server.url("/huge"));
    r.max_body_bytes = 1 << 20;
    counted = client.fetch(rt::background(), r);

    // A slow consumer: the transfer pauses at the high-water mark and resumes when drained.
    Request s = get(server.url("/huge"));
    s.max_body_bytes = 3 << 20;
    s.on_body = [&](std::string_view chunk) {
      delivered += chunk.size();
      ++chunks;
      rt::sleep_for(std::chrono::milliseconds(1));
      return true;
    };
    streamed = client.fetch(rt::background(), s);

    Request b = get(server.url("/gzip-bomb?encoding=1"));
    b.max_body_bytes = 8 << 20;
    bomb = client.fetch(rt::background(), b);
  });
  CHECK(counted.error.kind == ErrorKind::body_too_large);
  CHECK(counted.response.status == 200);
  CHECK(counted.response.body_truncated);
  CHECK(counted.response.body_bytes == (1u << 20));
  CHECK(counted.response.header("content-type") ==
        std::optional<std::string_view>("application/octet-stream"));

  CHECK(streamed.error.kind == ErrorKind::body_too_large);
  CHECK(streamed.response.body_bytes == (3u << 20));
  CHECK(delivered == (3u << 20));
  CHECK(chunks > 1);

  // The cap counts decoded bytes, so a gzip bomb is stopped at the cap, not at 4 GiB.
  CHECK(bomb.error.kind == ErrorKind::body_too_large);
  CHECK(bomb.response.body_bytes == (8u << 20));
}

TEST_CASE("a small body is handed to on_body once, when the transfer ends", "[net][client]") {
  // 30 bytes in 30 reads: the fiber is not woken per read (two wake-ups and a second buffer
  // per page), but gets the body in one piece at the end, from the buffer it arrived in.
  FixtureServer server;
  FetchResult r;
  std::string body;
  int calls = 0;
  run_fibers(2, [&] {
    net::HttpClient client;
    Request s = get(server.url("/slow-body?bytes=30&interval_ms=5"));
    s.on_body = [&](std::string_view chunk) {
      body.append(chunk);
      ++calls;
      return true;
    };
    r = client.fetch(rt::background(), s);
  });
  INFO(r.error.message);
  REQUIRE(r.ok());
  CHECK(body == std::string(30, 's'));
  CHECK(r.response.body_bytes == 30);
  CHECK(calls == 1);
}

TEST_CASE("on_body returning false ends the fetch without an error", "[net][client]") {
  FixtureServer server;
  FetchResult r;
  std::uint64_t seen = 0;
  run_fibers(2, [&] {
    net::HttpClient client;
    Request s = get(server.url("/huge"));
    s.on_body = [&](std::string_view chunk) {
      seen += chunk.size();
      return seen < (2u << 20);
    };
    r = client.fetch(rt::background(), s);
  });
  INFO(r.error.message);
  CHECK(r.ok());
  CHECK(r.response.status == 200);
  CHECK(seen >= (2u << 20));
  CHECK_FALSE(r.response.body_truncated);
}

TEST_CASE("each error kind that can be produced locally", "[net][client][errors]") {
  FixtureServer server;
  const int closed = closed_port();
  NotTlsServer not_tls;
  std::vector<FetchResult> r;
  run_fibers(2, [&] {
    net::ClientConfig config;
    config.low_speed_limit_bytes = 1000;
    config.low_speed_time = std::chrono::seconds(1);
    net::HttpClient client(config);
    auto ctx = rt::background();
    r.push_back(client.fetch(ctx, head("http://no-such-host.invalid/")));
    r.push_back(client.fetch(ctx, head("http://127.0.0.1:" + std::to_string(closed) + "/")));
    r.push_back(
        client.fetch(ctx, head("https://127.0.0.1:" + std::to_string(not_tls.port()) + "/")));
    r.push_back(client.fetch(ctx, get(server.url("/reset"))));
    r.push_back(client.fetch(ctx, get(server.url("/truncate"))));
    Request slow = get(server.url("/slow-body?bytes=50&interval_ms=300"));
    r.push_back(client.fetch(ctx, slow));
    Request late = get(server.url("/delay/3000"));
    late.timeout = std::chrono::milliseconds(200);
    r.push_back(client.fetch(ctx, late));
    r.push_back(client.fetch(ctx, head("ftp://127.0.0.1/")));
    r.push_back(client.fetch(ctx, head(server.url("/redirect-to?url=ftp://127.0.0.1/x"))));
  });
  REQUIRE(r.size() == 9);
  CHECK(r[0].error.kind == ErrorKind::dns);
  CHECK(r[0].error.message == "could not resolve host name 'no-such-host.invalid'");
  CHECK(r[1].error.kind == ErrorKind::connect);
  CHECK(r[1].error.message == "connection refused by 127.0.0.1:" + std::to_string(closed));
  CHECK(r[2].error.kind == ErrorKind::tls);
  CHECK_THAT(r[2].error.message, Catch::StartsWith("TLS handshake with 127.0.0.1:"));
  CHECK(r[3].error.kind == ErrorKind::reset);
  CHECK(r[3].response.status == 200);
  CHECK(r[4].error.kind == ErrorKind::reset);
  CHECK(r[4].response.body_bytes == 100);
  CHECK(r[5].error.kind == ErrorKind::timeout);
  CHECK_THAT(r[5].error.message, Catch::Contains("too slowly"));
  CHECK(r[6].error.kind == ErrorKind::timeout);
  CHECK(r[6].error.message ==
        "no complete response from 127.0.0.1:" + std::to_string(server.port()) + " within 200 ms");
  CHECK(r[7].error.kind == ErrorKind::invalid_url);
  CHECK(r[8].error.kind == ErrorKind::redirect_refused);
}

TEST_CASE("proxies come from the environment as libcurl reads it, no_proxy too",
          "[net][client][proxy]") {
  // The fixture server stands in for the proxy: it logs the absolute target a proxied request
  // carries ("HEAD http://proxied.invalid/... HTTP/1.1") and answers it like any other. A
  // host that is not proxied cannot be resolved. The client reads the environment when made.
  FixtureServer proxy;
  ScopedEnv http_proxy("http_proxy", proxy.base());
  ScopedEnv upper_http_proxy("HTTP_PROXY", std::nullopt);
  ScopedEnv all_proxy("all_proxy", std::nullopt);
  ScopedEnv upper_all_proxy("ALL_PROXY", std::nullopt);
  ScopedEnv no_proxy("no_proxy", "direct.invalid");
  ScopedEnv upper_no_proxy("NO_PROXY", std::nullopt);
  std::vector<FetchResult> r;
  run_fibers(1, [&] {
    net::HttpClient client(net::ClientConfig{});
    auto ctx = rt::background();
    r.push_back(client.fetch(ctx, head("http://proxied.invalid/a")));
    r.push_back(client.fetch(ctx, head("http://direct.invalid/b")));
    r.push_back(client.fetch(ctx, head("http://proxied.invalid/c")));  // the same handle again
  });
  REQUIRE(r.size() == 3);
  CHECK(r[0].response.status != 0);
  CHECK(r[1].error.kind == ErrorKind::dns);
  CHECK(r[2].response.status != 0);
  CHECK(proxy.logged("http://proxied.invalid/a") == 1);
  CHECK(proxy.logged("http://proxied.invalid/c") == 1);
  CHECK(proxy.logged("http://direct.invalid/") == 0);

  // Upper-case HTTP_PROXY is never read (in a CGI program a request header can set it).
  ScopedEnv only_upper("http_proxy", std::nullopt);
  ScopedEnv upper("HTTP_PROXY", proxy.base());
  r.clear();
  run_fibers(1, [&] {
    net::HttpClient client(net::ClientConfig{});
    r.push_back(client.fetch(rt::background(), head("http://proxied.invalid/d")));
  });
  REQUIRE(r.size() == 1);
  CHECK(r[0].error.kind == ErrorKind::dns);
  CHECK(proxy.logged("http://proxied.invalid/d") == 0);
}

TEST_CASE("connects that time out on one multi leave the other multis' sockets working",
          "[net][client][errors][multi]") {
  // libcurl 7.88 closes a connection attempt that never connected without the close-socket
  // callback, so its fd number stays watched. Another multi (one runs per thread) that opened
  // a socket with that number could not watch it, and its socket callback's -1 made libcurl
  // kill that whole multi: every later fetch on it failed with "could not start the transfer",
  // and one it had started never ended. Before the fix this test hung at once.
  siteaudit::testing::BlackholeListener blackhole;
  FixtureServer server;
  std::atomic<int> timed_out{0}, unreached{0}, ok{0}, other{0};
  run_fibers(2, [&] {
    net::HttpClient client({.connect_timeout = std::chrono::milliseconds(100)});
    for (int round = 0; round < 6; ++round) {
      rt::WaitGroup wg;
      for (int i = 0; i < 8; ++i) {
        wg.add(1);
        rt::go([&, i] {
          const bool dead = i % 2 == 0;
          // Bounded: on a multi libcurl has killed, a fetch would otherwise never end.
          auto [ctx, cancel] = rt::with_timeout(rt::background(), std::chrono::seconds(5));
          FetchResult r =
              client.fetch(ctx, head(dead ? blackhole.url("/x") : server.url("/status/200")));
          cancel();
          if (dead && r.error.kind == ErrorKind::timeout) {
            timed_out.fetch_add(1);
            if (r.error.unreached) unreached.fetch_add(1);
          } else if (!dead && r.ok() && r.response.status == 200) {
            ok.fetch_add(1);
          } else {
            other.fetch_add(1);
          }
          wg.done();
        });
      }
      wg.wait();
    }
  });
  CHECK(other.load() == 0);
  CHECK(timed_out.load() == 24);
  CHECK(unreached.load() == 24);
  CHECK(ok.load() == 24);
}

TEST_CASE("a silent server on a reused connection is a response timeout, not a connect one",
          "[net][client][errors]") {
  FixtureServer server;
  FetchResult first, silent;
  run_fibers(2, [&] {
    net::HttpClient client;
    first = client.fetch(rt::background(), head(server.url("/status/200")));
    // One fiber's next fetch reuses the kept-alive connection; the server never answers on it.
    Request r = head(server.url("/silent"));
    r.timeout = std::chrono::milliseconds(300);
    silent = client.fetch(rt::background(), r);
  });
  REQUIRE(first.ok());
  CHECK(stats(server).connections() == 1);  // the connection was reused
  CHECK(silent.error.kind == ErrorKind::timeout);
  CHECK(silent.error.message ==
        "no complete response from 127.0.0.1:" + std::to_string(server.port()) + " within 300 ms");
}

TEST_CASE("malformed replies are protocol errors, not resets or invalid URLs",
          "[net][client][errors]") {
  FixtureServer server;
  std::vector<FetchResult> r;
  run_fibers(2, [&] {
    net::HttpClient client;
    for (const char* name : {"huge-headers", "bad-chunking", "status-000", "garbage",
                             "long-header-line", "two-locations"}) {
      r.push_back(client.fetch(rt::background(), get(server.url(std::string("/raw/") + name))));
    }
  });
  REQUIRE(r.size() == 6);
  const std::string where = "127.0.0.1:" + std::to_string(server.port());
  CHECK(r[0].error.kind == ErrorKind::protocol);
  CHECK_THAT(r[0].error.message,
             Catch::StartsWith(where + " sent response headers larger than libcurl accepts"));
  CHECK(r[1].error.kind == ErrorKind::protocol);
  CHECK_THAT(r[1].error.message, Catch::StartsWith(where + " sent a malformed chunked body"));
  CHECK(r[2].error.kind == ErrorKind::protocol);
  CHECK_THAT(r[2].error.message, Catch::StartsWith(where + " sent a reply that is not valid HTTP"));
  CHECK(r[3].error.kind == ErrorKind::protocol);
  CHECK_THAT(r[3].error.message, Catch::StartsWith(where + " sent a reply that is not valid HTTP"));
  // libcurl itself calls this one "Out of memory".
  CHECK(r[4].error.kind == ErrorKind::protocol);
  CHECK(r[4].error.message ==
        where + " sent a response header line longer than libcurl accepts (over 100 KB)");
  // Two different Location headers: no redirect is followed, as in browsers.
  CHECK(r[5].error.kind == ErrorKind::protocol);
  CHECK(r[5].error.message == server.url("/raw/two-locations") +
                                  " answered 301 with two different Location headers "
                                  "('/a.html' and '/b.html'); browsers refuse such a redirect");
  CHECK(r[5].response.status == 301);
  CHECK(r[5].response.redirects.empty());
}

TEST_CASE("a URL too long for a request is an invalid URL, and never reaches the server",
          "[net][client][errors]") {
  FixtureServer server;
  const std::string url = server.url("/status/200?q=") + std::string(1'100'000, 'q');
  FetchResult r;
  run_fibers(2, [&] {
    net::HttpClient client;
    r = client.fetch(rt::background(), head(url));
  });
  CHECK(r.error.kind == ErrorKind::invalid_url);
  CHECK(r.error.message == "the URL is " + std::to_string(url.size()) +
                               " bytes long: more than libcurl puts in a request (1 MB with the "
                               "headers)");
  CHECK(server.logged("/status/") == 0);
}

TEST_CASE("descriptors that run out are 'too many open files', not a server failure",
          "[net][client][errors][fd]") {
  FixtureServer server;
  std::vector<FetchResult> results(24);
  run_fibers(2, [&] {
    // Made under the normal limit, the client does not cap its connections for the low one.
    net::HttpClient client;
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    const int probe = dup(0);  // the lowest free descriptor: room for a few above it
    close(probe);
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(probe + 4);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    fetch_at_once(client, head(server.url("/delay/300")), results);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);  // raising the soft limit back is allowed
  });
  int out_of_descriptors = 0;
  for (const FetchResult& r : results) {
    INFO(r.error.message);
    CHECK((r.ok() || r.error.kind == ErrorKind::too_many_open_files));
    if (r.error.kind == ErrorKind::too_many_open_files) {
      ++out_of_descriptors;
      CHECK_THAT(r.error.message, Catch::StartsWith("too many open files"));
    }
  }
  CHECK(out_of_descriptors > 0);
}

TEST_CASE("the client opens no more connections than the descriptor limit leaves room for",
          "[net][client][fd]") {
  FixtureServer server;
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = 100;  // leaves a handful of connections after the reserve
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  const long cap = net::connection_cap_for_fd_limit();
  std::vector<FetchResult> results(60);
  run_fibers(2, [&] {
    net::HttpClient client;
    fetch_at_once(client, head(server.url("/delay/100")), results);
  });
  REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  CHECK(cap > 0);
  CHECK(cap < 60);
  for (const FetchResult& r : results) {
    INFO(r.error.message);
    CHECK(r.ok());
  }
  CHECK(stats(server).get("peak_connections_open") <= cap + 1);  // + the /stats connection
}

TEST_CASE("fit_connections_to_fd_limit raises the soft limit as far as needed, then warns",
          "[net][fd]") {
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = 128;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  const net::ConnectionBudget fits = net::fit_connections_to_fd_limit(200);
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  const net::ConnectionBudget beyond =
      net::fit_connections_to_fd_limit(static_cast<long>(saved.rlim_max) * 2);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  CHECK(fits.warning.empty());
  CHECK(fits.cap >= 200);
  CHECK(now.rlim_cur > 128);
  CHECK(now.rlim_cur < 400);  // raised as far as needed, not to the hard limit
  if (saved.rlim_max != RLIM_INFINITY) {
    CHECK(beyond.cap < static_cast<long>(saved.rlim_max));
    CHECK_THAT(beyond.warning, Catch::Contains("open-file limit"));
    CHECK_THAT(beyond.warning, Catch::Contains("at most " + std::to_string(beyond.cap)));
  }
}

TEST_CASE("https: ca_file trusts the test CA, verify_tls off skips the check, else a tls error",
          "[net][client][tls]") {
  FixtureServer server(siteaudit::testing::Scheme::https, "fixtures/audit");
  const std::string where = "127.0.0.1:" + std::to_string(server.port());
  FetchResult trusted, by_name, unverified, untrusted, no_ca_file;
  std::string sitemap;
  run_fibers(2, [&] {
    auto ctx = rt::background();
    {
      net::ClientConfig config;
      config.ca_file = FixtureServer::ca_file();
      net::HttpClient client(config);
      trusted = client.fetch(ctx, get(server.url("/status/200")));
      // The certificate names localhost too, so host name verification passes either way.
      by_name = client.fetch(
          ctx, head("https://localhost:" + std::to_string(server.port()) + "/status/200"));
      Request body = get(server.url("/clean.xml"));
      body.on_body = [&](std::string_view chunk) {
        sitemap.append(chunk);
        return true;
      };
      (void)client.fetch(ctx, body);
    }
    {
      net::ClientConfig config;
      config.verify_tls = false;
      net::HttpClient client(config);
      unverified = client.fetch(ctx, get(server.url("/status/200")));
    }
    {
      net::HttpClient client;  // the system's CA store, which never holds the test CA
      untrusted = client.fetch(ctx, get(server.url("/status/200")));
    }
    {
      net::ClientConfig config;
      config.ca_file = FixtureServer::ca_file() + ".missing";
      net::HttpClient client(config);
      no_ca_file = client.fetch(ctx, get(server.url("/status/200")));
    }
  });
  INFO(trusted.error.message);
  CHECK(trusted.ok());
  CHECK(trusted.response.status == 200);
  CHECK(trusted.response.url == server.url("/status/200"));
  CHECK(trusted.response.url.starts_with("https://"));
  INFO(by_name.error.message);
  CHECK(by_name.ok());
  CHECK(by_name.response.status == 200);
  // {{BASE}} in served files carries the https scheme.
  CHECK(sitemap.find("<loc>" + server.url("/status/200") + "</loc>") != std::string::npos);
  INFO(unverified.error.message);
  CHECK(unverified.ok());
  CHECK(unverified.response.status == 200);

  CHECK(untrusted.error.kind == ErrorKind::tls);
  CHECK_THAT(untrusted.error.message,
             Catch::StartsWith("the TLS certificate of " + where + " is not trusted ("));
  CHECK(untrusted.response.status == 0);
  CHECK(no_ca_file.error.kind == ErrorKind::tls);
  CHECK(no_ca_file.response.status == 0);
}

TEST_CASE("cancellation aborts an in-flight transfer at once", "[net][client][cancel]") {
  FixtureServer server;
  FetchResult in_flight, before, deadline;
  std::atomic<int> completed{0};
  run_fibers(2, [&] {
    net::HttpClient client;
    auto [ctx, cancel] = rt::with_cancel(rt::background());
    rt::WaitGroup wg;
    wg.add(1);
    rt::go([&, ctx = ctx] {
      in_flight = client.fetch(ctx, get(server.url("/delay/20000")));
      completed.fetch_add(1);
      wg.done();
    });
    // Cancel only once the server holds the request, so the abort hits a live transfer.
    while (stats(server).get("in_flight") == 0) rt::sleep_for(std::chrono::milliseconds(5));
    cancel();
    wg.wait();

    before = client.fetch(ctx, get(server.url("/status/200")));
    auto [short_ctx, short_cancel] =
        rt::with_timeout(rt::background(), std::chrono::milliseconds(100));
    deadline = client.fetch(short_ctx, get(server.url("/delay/20000")));
    short_cancel();
  });
  CHECK(completed.load() == 1);
  CHECK(in_flight.error.kind == ErrorKind::cancelled);
  CHECK(in_flight.error.message == "cancelled while fetching " + server.url("/delay/20000"));
  CHECK(before.error.kind == ErrorKind::cancelled);
  CHECK(before.error.message == "cancelled before fetching " + server.url("/status/200"));
  CHECK(deadline.error.kind == ErrorKind::cancelled);
  CHECK_THAT(deadline.error.message, Catch::StartsWith("deadline exceeded"));
  // The aborted connections were closed; the pre-cancelled fetch never reached the server.
  const Stats after = stats(server);
  CHECK(after.get("requests") == 2);
  CHECK(after.get("in_flight") == 0);
}

TEST_CASE("1,000 sequential requests from one fiber use one connection", "[net][client][reuse]") {
  FixtureServer server;
  int ok = 0;
  run_fibers(2, [&] {
    net::HttpClient client;
    for (int i = 0; i < 1000; ++i) {
      Request r = (i % 2 == 0) ? head(server.url("/status/200")) : get(server.url("/status/200"));
      if (client.fetch(rt::background(), r).ok()) ++ok;
    }
  });
  CHECK(ok == 1000);
  const Stats after = stats(server);
  CHECK(after.get("requests") == 1000);
  CHECK(after.connections() == 1);
}

TEST_CASE("curl's timer is not re-armed per request, and its deadlines still hold",
          "[net][client][timer]") {
  FixtureServer server;
  int ok = 0;
  net::ClientStats before, after;
  FetchResult late;
  run_fibers(2, [&] {
    net::HttpClient client;
    for (int i = 0; i < 200; ++i) {
      if (client.fetch(rt::background(), head(server.url("/status/200"))).ok()) ++ok;
    }
    before = client.stats();
    // The timer armed for earlier deadlines fires first; the 300 ms timeout must still end
    // this fetch long before the server's 3 s delay would.
    Request slow = head(server.url("/delay/3000"));
    slow.timeout = std::chrono::milliseconds(300);
    late = client.fetch(rt::background(), slow);
    after = client.stats();
  });
  CHECK(ok == 200);
  // Before: one or two timers armed per request.
  CHECK(before.timers < 20);
  CHECK(late.error.kind == net::ErrorKind::timeout);
  CHECK(after.timers > before.timers);
}

namespace {

// held_burst() sends `count` HEADs at once from as many fibers, each answered after 1 s, so
// that all are in flight together even under TSan on a busy machine (at 100 ms, a TSan run
// reused connections within the burst), and returns how many succeeded.
int held_burst(net::HttpClient& client, const FixtureServer& server, int count) {
  std::atomic<int> good{0};
  rt::WaitGroup wg;
  for (int i = 0; i < count; ++i) {
    wg.add(1);
    rt::go([&] {
      if (client.fetch(rt::background(), head(server.url("/delay/1000"))).ok()) good.fetch_add(1);
      wg.done();
    });
  }
  wg.wait();
  return good.load();
}

}  // namespace

TEST_CASE("idle connections survive a lull in concurrency", "[net][client][reuse]") {
  // libcurl's default cache keeps 4 idle connections per transfer in flight when one ends; a
  // lull of one transfer at a time used to close all but 4 of the 16 opened by a burst.
  FixtureServer server;
  constexpr int kBurst = 16;
  int ok = 0;
  run_fibers(2, [&] {
    net::HttpClient client({.max_connections_per_host = kBurst});
    ok += held_burst(client, server, kBurst);
    for (int i = 0; i < 10; ++i) {
      if (client.fetch(rt::background(), head(server.url("/status/200"))).ok()) ++ok;
    }
    ok += held_burst(client, server, kBurst);
  });
  CHECK(ok == 2 * kBurst + 10);
  CHECK(stats(server).connections() == kBurst);
}

TEST_CASE("after wind_down() a connection closes as its transfer ends", "[net][client][reuse]") {
  // Sixteen connections opened by a burst stay cached; wound down, the same client reuses them
  // for a second burst and closes each as its transfer ends, while the client lives on.
  FixtureServer server;
  constexpr int kBurst = 16;
  int ok = 0;
  long open_after_first = -1;
  long open_after_second = -1;
  run_fibers(2, [&] {
    // One multi handle: it keeps one idle connection after the wind-down.
    net::HttpClient client({.max_connections_per_host = kBurst, .multi_handles = 1});
    ok += held_burst(client, server, kBurst);
    open_after_first = stats(server).get("connections_open");  // and /stats's own
    client.wind_down();
    ok += held_burst(client, server, kBurst);
    // The server counts a connection closed when it reads the end of it, a moment after our
    // close(): wait for that, within a bound far above it.
    for (int i = 0; i < 250; ++i) {
      open_after_second = stats(server).get("connections_open");
      if (open_after_second <= 2) break;
      rt::sleep_for(std::chrono::milliseconds(20));
    }
  });
  CHECK(ok == 2 * kBurst);
  CHECK(open_after_first == kBurst + 1);
  CHECK(open_after_second <= 2);
}

TEST_CASE("per-host connection limit queues transfers instead of opening more",
          "[net][client][limits]") {
  FixtureServer server;
  int ok = 0;
  run_fibers(2, [&] {
    net::HttpClient client({.max_connections_per_host = 4});
    rt::WaitGroup wg;
    std::atomic<int> good{0};
    for (int i = 0; i < 40; ++i) {
      wg.add(1);
      rt::go([&] {
        if (client.fetch(rt::background(), get(server.url("/delay/20"))).ok()) good.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
    ok = good.load();
  });
  CHECK(ok == 40);
  const Stats after = stats(server);
  CHECK(after.get("peak_in_flight") <= 4);
  CHECK(after.connections() <= 4);
}

TEST_CASE("several multi handles share the per-host limit and stay within it",
          "[net][client][limits][multi]") {
  FixtureServer server;
  int ok = 0;
  net::ClientStats client_stats;
  run_fibers(2, [&] {
    // Two connections per multi; 30 fetches of 200 ms each keep all three busy.
    net::HttpClient client({.max_connections_per_host = 6, .multi_handles = 3});
    rt::WaitGroup wg;
    std::atomic<int> good{0};
    for (int i = 0; i < 30; ++i) {
      wg.add(1);
      rt::go([&] {
        if (client.fetch(rt::background(), get(server.url("/delay/200"))).ok()) good.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
    ok = good.load();
    client_stats = client.stats();
  });
  CHECK(ok == 30);
  CHECK(client_stats.multi_handles == 3);
  const Stats after = stats(server);
  CHECK(after.get("peak_in_flight") <= 6);
  CHECK(after.connections() <= 6);
  // More than one multi's two connections were in use at once: the fetches were spread.
  CHECK(after.get("peak_in_flight") > 2);
}

TEST_CASE("as many fetches as connections, started at once on two threads, all run at once",
          "[net][client][limits][multi]") {
  // Each multi gets a share of the per-host limit; a fetch claims its place in the multi with
  // the fewest in use. Were choice and count two steps, two threads choosing at once could
  // both take one multi's last free connection, and libcurl would queue one of the two behind
  // a busy connection. /hold/N answers none until N requests are open at once (and 503 after
  // `max` ms), so a queued fetch holds up every one: with the two steps apart this failed in
  // 4 runs of 6 (peak in flight 792-798 of 800).
  constexpr int kFibers = 800;
  const std::string path = "/hold/" + std::to_string(kFibers) + "?max=20000";
  FixtureServer server;
  std::atomic<int> ok{0};
  run_fibers(2, [&] {
    // Eight connections a multi: many multis make a collision between the threads likely.
    net::HttpClient client({.max_connections_per_host = kFibers, .multi_handles = 100});
    rt::WaitGroup wg;
    for (int i = 0; i < kFibers; ++i) {
      wg.add(1);
      rt::go([&] {
        FetchResult r = client.fetch(rt::background(), head(server.url(path)));
        if (r.ok() && r.response.status == 200) ok.fetch_add(1);
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(ok.load() == kFibers);
  const Stats after = stats(server);
  CHECK(after.get("peak_in_flight") == kFibers);
  CHECK(after.connections() <= kFibers);
}

TEST_CASE("one fiber's sequential fetches stay on one multi and one connection",
          "[net][client][reuse][multi]") {
  FixtureServer server;
  int ok = 0;
  run_fibers(2, [&] {
    net::HttpClient client({.max_connections_per_host = 8, .multi_handles = 4});
    for (int i = 0; i < 100; ++i) {
      if (client.fetch(rt::background(), head(server.url("/status/200"))).ok()) ++ok;
    }
  });
  CHECK(ok == 100);
  CHECK(stats(server).connections() == 1);
}

TEST_CASE("the client runs a multi handle per thread, or per 128 connections if more",
          "[net][client][multi]") {
  auto count = [](net::ClientConfig config) {
    return net::HttpClient(std::move(config)).stats().multi_handles;
  };
  static_assert(net::kConnectionsPerMulti == 128);
  run_fibers(1, [&] {
    CHECK(count({}) == 1);
    CHECK(count({.max_connections_per_host = 64}) == 1);
    CHECK(count({.max_connections_per_host = 256}) == 2);
    CHECK(count({.max_connections_per_host = 10'000}) == 78);
    CHECK(count({.max_connections_per_host = 100'000}) == net::kMaxMultiHandles);
    CHECK(count({.max_connections_total = 3072, .max_connections_per_host = 10'000}) == 24);
    CHECK(count({.max_connections_per_host = 64, .multi_handles = 2}) == 2);
    // Each multi needs a connection of its own.
    CHECK(count({.max_connections_per_host = 3, .multi_handles = 8}) == 3);
  });
  run_fibers(2, [&] {
    CHECK(count({}) == 2);  // one per thread
    CHECK(count({.max_connections_per_host = 64}) == 2);
    CHECK(count({.max_connections_per_host = 256}) == 2);
    CHECK(count({.max_connections_per_host = 1}) == 1);  // --per-host 1 means one connection
    CHECK(count({.max_connections_per_host = 4096}) == 32);
  });
}

// The proof that fibers park, not threads: 2,000 requests held open at once on 2 OS threads.
// The server's /hold/N is a barrier: it answers none of them until N are open at once, so a
// design that blocks a thread per request never gets past 2 and every fetch fails with the
// barrier's 503 after `max`. A barrier, not the issue's /delay/1000, because opening 2,000
// fresh connections costs the client and the Python server about a CPU-second each: on 2
// shared cores the arrivals spread over seconds, and a fixed delay either measures the machine
// or makes the test wait longer than it needs. N is 95% of the fibers (the 1,900 of
// 2,000); the rest pass at once. Hidden from test discovery ([.]): tests/CMakeLists.txt runs
// it alone (RUN_SERIAL), since a test running beside it on the same two cores slows arrivals.
TEST_CASE("2,000 fibers on 2 threads are held open at once", "[.][net][client][parking]") {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 8192 && lim.rlim_max >= 8192) {
    lim.rlim_cur = 8192;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  FixtureServer server;
#if defined(SITEAUDIT_TSAN) || defined(SITEAUDIT_ASAN)
  // Sanitizers slow connection setup about tenfold; 500 fibers held at once on 2 threads
  // still proves parking (a thread per request could hold 2), without measuring TSan.
  constexpr int kFibers = 500;
#else
  constexpr int kFibers = 2000;
#endif
  const std::string path = "/hold/" + std::to_string(kFibers * 95 / 100) + "?max=60000";
  std::atomic<int> ok{0};
  std::atomic<bool> error_claimed{false};
  std::string first_error;
  run_fibers(2, [&] {
    net::HttpClient client;
    rt::WaitGroup wg;
    for (int i = 0; i < kFibers; ++i) {
      wg.add(1);
      rt::go([&] {
        FetchResult r = client.fetch(rt::background(), head(server.url(path)));
        if (r.ok() && r.response.status == 200) {
          ok.fetch_add(1);
        } else if (!error_claimed.exchange(true)) {
          first_error = r.ok() ? "status " + std::to_string(r.response.status) : r.error.message;
        }
        wg.done();
      });
    }
    wg.wait();
  });
  INFO("first failure: " << first_error);
  CHECK(ok.load() == kFibers);
  const long peak = stats(server).get("peak_in_flight");
  INFO("peak requests held open at once: " << peak);
  CHECK(peak >= kFibers * 95 / 100);
}
