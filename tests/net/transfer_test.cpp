// transfer_test.cpp — what a pooled Transfer keeps between fetches.
#include "net/transfer.hpp"

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <string>

namespace net = siteaudit::net;
using net::detail::kChunkHighWater;
using net::detail::Transfer;

TEST_CASE("free_buffers frees both body buffers, which a pooled handle would keep",
          "[net][transfer]") {
  Transfer t(nullptr, curl_easy_init(), net::Method::get);
  REQUIRE(t.easy != nullptr);
  t.chunks.assign(kChunkHighWater, 'x');  // a streamed body at the high-water mark
  t.consumer_buffer.assign(4000, 'y');    // a page's body
  t.chunks.clear();                       // a finished hop leaves them empty, with their capacity
  t.consumer_buffer.clear();

  t.free_buffers();
  CHECK(t.chunks.capacity() == std::string().capacity());
  CHECK(t.consumer_buffer.capacity() == std::string().capacity());
}
