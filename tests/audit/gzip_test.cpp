// gzip_test.cpp — magic-byte detection, chunked inflation, corrupt input, bombs.
#include "siteaudit/audit/gzip.hpp"

#include <zlib.h>

#include <catch2/catch.hpp>

using namespace siteaudit::audit;

namespace {

// gzip() compresses with zlib's gzip wrapper, as `gzip -9` would.
std::string gzip(std::string_view plain, int level = 9) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("gzip magic bytes decide, not names", "[audit]") {
  CHECK(has_gzip_magic(gzip("x")));
  CHECK_FALSE(has_gzip_magic("<?xml"));
  CHECK_FALSE(has_gzip_magic("\x1f"));
  CHECK_FALSE(has_gzip_magic(""));
}

TEST_CASE("gunzip round-trips and accepts concatenated members", "[audit]") {
  auto r = gunzip(gzip("<urlset/>"), 1024);
  REQUIRE(r.ok());
  CHECK(r.data == "<urlset/>");
  auto two = gunzip(gzip("abc") + gzip("def"), 1024);
  REQUIRE(two.ok());
  CHECK(two.data == "abcdef");
}

TEST_CASE("GzipInflater inflates a body fed one byte at a time", "[audit]") {
  std::string plain;
  for (int i = 0; i < 5000; ++i)
    plain += "<url><loc>https://example.com/" + std::to_string(i) + "</loc></url>";
  std::string packed = gzip(plain);
  GzipInflater inflater(0);
  std::string out;
  for (char c : packed) REQUIRE(inflater.feed(std::string_view(&c, 1), out));
  REQUIRE(inflater.finish());
  CHECK(out == plain);
  CHECK(inflater.output_bytes() == plain.size());
}

TEST_CASE("gunzip reports corrupt and truncated data", "[audit]") {
  std::string packed = gzip("hello world, hello world, hello world");
  auto truncated = gunzip(packed.substr(0, packed.size() - 6), 1024);
  CHECK_FALSE(truncated.ok());
  CHECK(truncated.error.find("truncated") != std::string::npos);
  std::string corrupt = packed;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  corrupt[13] = static_cast<char>(corrupt[13] ^ 0x55);
  CHECK_FALSE(gunzip(corrupt, 1024).ok());
  CHECK_FALSE(gunzip("\x1f\x8b garbage", 1024).ok());
}

TEST_CASE("A gzip bomb stops at the cap with a clear error", "[audit]") {
  // 16 MiB of zeros compress to ~70 KiB at level 1; the cap is 1 MiB.
  std::string zeros(16u << 20, '\0');
  std::string bomb = gzip(zeros, 1);
  zeros.clear();
  zeros.shrink_to_fit();
  CHECK(bomb.size() < 100'000);
  GzipInflater inflater(1u << 20);
  std::string out;
  CHECK_FALSE(inflater.feed(bomb, out));
  CHECK(out.size() <= (1u << 20));
  CHECK(inflater.error() == "gzip output exceeds the 1048576-byte limit (decompressed size cap)");
  CHECK_FALSE(inflater.feed("more", out));
}
