// redirect_policy_test.cpp — hop decisions: follow, cap, loops, cross-host, credentials.
#include "net/redirect_policy.hpp"

#include <catch2/catch.hpp>

using siteaudit::net::ErrorKind;
using siteaudit::net::is_redirect_status;
using siteaudit::net::Request;
using siteaudit::net::detail::RedirectPolicy;
using Action = RedirectPolicy::Action;

TEST_CASE("redirect statuses", "[net][redirect]") {
  for (int s : {301, 302, 303, 307, 308}) CHECK(is_redirect_status(s));
  for (int s : {200, 300, 304, 305, 404}) CHECK_FALSE(is_redirect_status(s));
}

TEST_CASE("a chain is followed and every hop recorded", "[net][redirect]") {
  Request req;
  RedirectPolicy p(req, "http://a.test/1");
  CHECK(p.will_follow());
  auto s1 = p.on_response("http://a.test/1", 301, "/2", 5);
  REQUIRE(s1.action == Action::follow);
  CHECK(s1.next_url == "http://a.test/2");
  auto s2 = p.on_response(s1.next_url, 302, "https://a.test:443/3?x#frag", 7);
  REQUIRE(s2.action == Action::follow);
  CHECK(s2.next_url == "https://a.test/3?x");
  CHECK(p.on_response(s2.next_url, 200, "", 1).action == Action::final);
  REQUIRE(p.hops().size() == 2);
  CHECK(p.hops()[0].url == "http://a.test/1");
  CHECK(p.hops()[0].status == 301);
  CHECK(p.hops()[0].location == "http://a.test/2");
  CHECK(p.hops()[0].time_ms == 5);
  CHECK(p.hops()[1].status == 302);
}

TEST_CASE("a 3xx without Location, or with max_redirects 0, is final", "[net][redirect]") {
  Request req;
  RedirectPolicy p(req, "http://a.test/");
  CHECK(p.on_response("http://a.test/", 301, "", 0).action == Action::final);
  CHECK(p.on_response("http://a.test/", 304, "/x", 0).action == Action::final);
  req.max_redirects = 0;
  RedirectPolicy none(req, "http://a.test/");
  CHECK_FALSE(none.will_follow());
  CHECK(none.on_response("http://a.test/", 301, "/x", 0).action == Action::final);
  CHECK(none.hops().empty());
}

TEST_CASE("the redirect cap fails the fetch", "[net][redirect]") {
  Request req;
  req.max_redirects = 2;
  RedirectPolicy p(req, "http://a.test/0");
  CHECK(p.on_response("http://a.test/0", 302, "/1", 0).action == Action::follow);
  CHECK(p.on_response("http://a.test/1", 302, "/2", 0).action == Action::follow);
  auto s = p.on_response("http://a.test/2", 302, "/3", 0);
  REQUIRE(s.action == Action::fail);
  CHECK(s.error.kind == ErrorKind::too_many_redirects);
  CHECK(
      s.error.message ==
      "more than 2 redirects; the last one, http://a.test/2 -> http://a.test/3, was not followed");
  CHECK(p.hops().size() == 3);
}

TEST_CASE("a loop is caught at the first repeated URL", "[net][redirect]") {
  Request req;
  RedirectPolicy p(req, "http://a.test/a");
  CHECK(p.on_response("http://a.test/a", 302, "/b", 0).action == Action::follow);
  auto s = p.on_response("http://a.test/b", 302, "/a", 0);
  REQUIRE(s.action == Action::fail);
  CHECK(s.error.kind == ErrorKind::redirect_loop);
  CHECK(s.error.message == "redirect loop: http://a.test/a -> http://a.test/b -> http://a.test/a");
  // A self-redirect is a loop of one.
  RedirectPolicy self(req, "http://a.test/s");
  CHECK(self.on_response("http://a.test/s", 301, "/s", 0).error.kind == ErrorKind::redirect_loop);
}

TEST_CASE("cross-host hops are refused when not allowed", "[net][redirect]") {
  Request req;
  req.allow_cross_host = false;
  RedirectPolicy p(req, "http://127.0.0.1:8000/x");
  // Same host, other port or scheme: still the same host.
  CHECK(p.on_response("http://127.0.0.1:8000/x", 301, "https://127.0.0.1/y", 0).action ==
        Action::follow);
  auto s = p.on_response("https://127.0.0.1/y", 302, "http://localhost:8000/z", 0);
  REQUIRE(s.action == Action::fail);
  CHECK(s.error.kind == ErrorKind::redirect_refused);
  CHECK_THAT(s.error.message, Catch::Contains("http://localhost:8000/z"));
}

TEST_CASE("redirects to other schemes are refused, garbage is a protocol error",
          "[net][redirect]") {
  Request req;
  RedirectPolicy p(req, "http://a.test/");
  auto ftp = p.on_response("http://a.test/", 302, "ftp://a.test/file", 0);
  CHECK(ftp.action == Action::fail);
  CHECK(ftp.error.kind == ErrorKind::redirect_refused);
  RedirectPolicy q(req, "http://a.test/");
  auto js = q.on_response("http://a.test/", 302, "javascript:alert(1)", 0);
  CHECK(js.error.kind == ErrorKind::redirect_refused);
  RedirectPolicy r(req, "http://a.test/");
  auto bad = r.on_response("http://a.test/", 302, "http://exa mple/", 0);
  CHECK(bad.error.kind == ErrorKind::protocol);
}

TEST_CASE("request headers go only to the original origin", "[net][redirect]") {
  Request req;
  RedirectPolicy p(req, "http://127.0.0.1:8000/");
  CHECK(p.send_headers("http://127.0.0.1:8000/"));
  CHECK(p.send_headers("http://127.0.0.1:8000/other?x"));
  CHECK_FALSE(p.send_headers("http://localhost:8000/"));
  CHECK_FALSE(p.send_headers("http://127.0.0.1:8001/"));
  CHECK_FALSE(p.send_headers("https://127.0.0.1:8000/"));
}
