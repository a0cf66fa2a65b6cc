// gzip.hpp — gzip sitemaps: detection by magic bytes and inflation with a hard output cap.
//
// A sitemap is gzip when its body starts with the gzip magic bytes 1f 8b — not when its name
// ends in .gz (servers send plain bodies under .gz names) and not when the HTTP response said
// Content-Encoding: gzip (libcurl already decoded that transport layer). GzipInflater inflates
// a body as it arrives, chunk by chunk, and stops with an error the moment the output would
// pass its cap, so a gzip bomb (a few KiB inflating to GiBs) costs at most the cap in memory.
//
// Example:
//   GzipInflater inflater(100 << 20);
//   std::string xml;
//   for (auto chunk : chunks) if (!inflater.feed(chunk, xml)) break;
//   if (!inflater.finish()) std::cerr << inflater.error() << '\n';
//
// Thread safety: none; one inflater per document.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace siteaudit::audit {

// has_gzip_magic() is true when `bytes` starts with the gzip magic 1f 8b.
bool has_gzip_magic(std::string_view bytes) noexcept;

class GzipInflater {
 public:
  // GzipInflater() inflates at most `max_output` bytes (0 = no cap).
  explicit GzipInflater(std::uint64_t max_output);
  ~GzipInflater();
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  // feed() inflates `chunk` and appends the output to `out`. Returns false once an error
  // occurred (corrupt data, output cap reached); later calls do nothing and return false.
  // Concatenated gzip members (what `cat a.gz b.gz` makes) are inflated one after another.
  bool feed(std::string_view chunk, std::string& out);
  // finish() checks that the stream ended cleanly; a body cut inside a member is an error.
  bool finish();
  // error() says what went wrong, e.g. "gzip output exceeds the 104857600-byte limit".
  const std::string& error() const noexcept { return error_; }
  // output_bytes() is how much has been inflated so far.
  std::uint64_t output_bytes() const noexcept { return output_; }

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::uint64_t max_output_;
  std::uint64_t output_ = 0;
  bool member_done_ = false;  // the last member ended; more bytes start a new one
  std::string error_;
};

// GunzipResult is a whole inflated document or why there is none.
struct GunzipResult {
  std::string data;
  std::string error;
  bool ok() const noexcept { return error.empty(); }
};

// gunzip() inflates a whole gzip buffer with at most `max_output` bytes of output.
[[nodiscard]] GunzipResult gunzip(std::string_view compressed, std::uint64_t max_output);

}  // namespace siteaudit::audit
