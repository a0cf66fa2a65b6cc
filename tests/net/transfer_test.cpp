// transfer_test.cpp — what a pooled Transfer keeps between fetches.
#include "net/transfer.hpp"

#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <string>

namespace net = siteaudit::net;
using net::detail::kChunkHighWater;
using net::detail::kKeptBufferBytes;
using net::detail::Transfer;

TEST_CASE("trim_buffers frees body buffers a streamed body grew, and keeps small ones",
          "[net][transfer]") {
  Transfer t(nullptr, curl_easy_init(), net::Method::get);
  REQUIRE(t.easy != nullptr);
  t.chunks.assign(kChunkHighWater, 'x');
  t.consumer_buffer.reserve(kKeptBufferBytes / 2);
  const std::size_t small = t.consumer_buffer.capacity();
  t.chunks.clear();  // a finished hop leaves them empty, with their capacity

  t.trim_buffers();
  CHECK(t.chunks.capacity() < kKeptBufferBytes);
  CHECK(t.consumer_buffer.capacity() == small);

  t.consumer_buffer.reserve(kKeptBufferBytes + 1);
  t.trim_buffers();
  CHECK(t.consumer_buffer.capacity() < kKeptBufferBytes);
}
