#include "siteaudit/audit/host_health.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

using siteaudit::audit::HostHealth;
using siteaudit::net::ErrorKind;
using siteaudit::net::FetchResult;

namespace {

// attempt() is one attempt that ended at `url`: an answer with `status`, or an error.
FetchResult attempt(const std::string& url, ErrorKind kind, int status = 0) {
  FetchResult r;
  r.response.url = url;
  r.response.status = status;
  r.error.kind = kind;
  return r;
}

// refused() and connect_timed_out() made no connection.
FetchResult refused(const std::string& url) {
  FetchResult r = attempt(url, ErrorKind::connect);
  r.error.unreached = true;
  r.error.message = "connection refused by down.test:80";
  return r;
}
FetchResult connect_timed_out(const std::string& url) {
  FetchResult r = attempt(url, ErrorKind::timeout);
  r.error.unreached = true;
  return r;
}

}  // namespace

TEST_CASE("HostHealth counts the connections each origin failed since it last answered",
          "[audit]") {
  HostHealth hosts;
  CHECK(hosts.failures_in_row("http://a.test/x") == 0);
  for (int i = 0; i < 3; ++i) hosts.note(refused("http://a.test/page-" + std::to_string(i)));
  // The origin, not the URL: any path, and the default port spelt out or not.
  CHECK(hosts.failures_in_row("http://a.test/other") == 3);
  CHECK(hosts.failures_in_row("http://a.test:80/") == 3);
  // Another scheme, port or host is another origin.
  CHECK(hosts.failures_in_row("https://a.test/x") == 0);
  CHECK(hosts.failures_in_row("http://a.test:8080/x") == 0);
  CHECK(hosts.failures_in_row("http://b.test/x") == 0);

  // A connect that timed out counts; a DNS failure says nothing about the host.
  hosts.note(connect_timed_out("http://a.test/blackholed"));
  hosts.note(attempt("http://a.test/", ErrorKind::dns));
  CHECK(hosts.failures_in_row("http://a.test/") == 4);
  // Any answer clears the origin, whatever its status; errors that need a connection too.
  hosts.note(attempt("http://a.test/missing", ErrorKind::none, 404));
  CHECK(hosts.failures_in_row("http://a.test/") == 0);
  hosts.note(refused("http://a.test/"));
  hosts.note(attempt("http://a.test/slow", ErrorKind::timeout));  // after connecting
  CHECK(hosts.failures_in_row("http://a.test/") == 0);
  hosts.note(refused("http://a.test/"));
  hosts.note(attempt("http://a.test/reset", ErrorKind::reset));
  CHECK(hosts.failures_in_row("http://a.test/") == 0);
  // This process's own limit says nothing about the host.
  hosts.note(attempt("http://a.test/", ErrorKind::too_many_open_files));
  CHECK(hosts.failures_in_row("http://a.test/") == 0);
  // A URL that is not http(s) has no origin: nothing is recorded.
  hosts.note(refused("mailto:someone@a.test"));
  CHECK(hosts.failures_in_row("mailto:someone@a.test") == 0);
}

TEST_CASE("HostHealth takes notes from two threads at once", "[audit]") {
  HostHealth hosts;
  constexpr int kEach = 2000;
  auto refuse = [&] {
    for (int i = 0; i < kEach; ++i) hosts.note(refused("http://down.test/" + std::to_string(i)));
  };
  auto answer = [&] {
    for (int i = 0; i < kEach; ++i) {
      hosts.note(attempt("http://up.test/" + std::to_string(i), ErrorKind::none, 200));
    }
  };
  std::thread a(refuse), b(refuse), c(answer);
  a.join();
  b.join();
  c.join();
  CHECK(hosts.failures_in_row("http://down.test/") == 2 * kEach);
  CHECK(hosts.failures_in_row("http://up.test/") == 0);
}

TEST_CASE("HostHealth lets a check of a host that is down through only as a probe", "[audit]") {
  using namespace std::chrono_literals;
  HostHealth hosts;
  const auto t0 = siteaudit::rt::Clock::now();
  const std::string url = "http://down.test/page";
  for (unsigned i = 1; i < HostHealth::kDownAfter; ++i) hosts.note(refused(url));
  CHECK_FALSE(hosts.not_tried(url, t0));  // 15 in a row: not down yet
  hosts.note(refused(url));
  // Down: the first check is the probe, the next ones are not tried until kProbeEvery passed.
  CHECK_FALSE(hosts.not_tried(url, t0));
  const auto skipped = hosts.not_tried("http://down.test/other", t0 + 1s);
  REQUIRE(skipped);
  CHECK(skipped->kind == ErrorKind::connect);
  CHECK(skipped->unreached);
  CHECK(skipped->message ==
        "not tried: 16 or more connections to this host failed in a row, the last one with: "
        "connection refused by down.test:80");
  CHECK(hosts.not_tried(url, t0 + HostHealth::kProbeEvery - 1ms));
  CHECK_FALSE(hosts.not_tried(url, t0 + HostHealth::kProbeEvery));  // the next probe
  CHECK(hosts.not_tried(url, t0 + HostHealth::kProbeEvery + 1ms));
  // Other hosts are tried; a second host down stays down when the first comes back.
  CHECK_FALSE(hosts.not_tried("http://up.test/", t0 + 1s));
  for (unsigned i = 0; i < HostHealth::kDownAfter; ++i) hosts.note(refused("http://other.test/"));
  CHECK_FALSE(hosts.not_tried("http://other.test/", t0));  // its first probe
  CHECK(hosts.not_tried("http://other.test/", t0 + 1s));
  // A probe that gets an answer makes the host up again.
  hosts.note(attempt(url, ErrorKind::none, 200));
  CHECK_FALSE(hosts.not_tried(url, t0 + HostHealth::kProbeEvery + 2ms));
  CHECK(hosts.not_tried("http://other.test/", t0 + 1500ms));
}
