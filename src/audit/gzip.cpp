// gzip.cpp — the one file that includes zlib.
#include "siteaudit/audit/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <vector>

namespace siteaudit::audit {

struct GzipInflater::Stream {
  z_stream z{};
  // window is on the heap: inflaters run on fibers, whose stacks are 64 KiB.
  std::vector<char> window = std::vector<char>(64 * 1024);
};

bool has_gzip_magic(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

GzipInflater::GzipInflater(std::uint64_t max_output)
    : stream_(std::make_unique<Stream>()), max_output_(max_output) {
  // 16 + MAX_WBITS: accept the gzip wrapper only (a raw zlib stream is not a .gz file).
  if (inflateInit2(&stream_->z, 16 + MAX_WBITS) != Z_OK) {
    error_ = "cannot initialise zlib";
  }
}

GzipInflater::~GzipInflater() {
  inflateEnd(&stream_->z);
}

bool GzipInflater::feed(std::string_view chunk, std::string& out) {
  if (!error_.empty()) return false;
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
  z.avail_in = static_cast<uInt>(chunk.size());
  // Inflate through a fixed window so the cap is checked every 64 KiB, never after a
  // multi-GiB expansion of one input chunk.
  std::vector<char>& window = stream_->window;
  while (z.avail_in > 0) {
    if (member_done_) {
      // Trailing zero padding after the last member is common (tape-block writers); anything
      // else starts another member.
      if (*z.next_in == 0) {
        ++z.next_in;
        --z.avail_in;
        continue;
      }
      if (inflateReset(&z) != Z_OK) {
        error_ = "cannot reset zlib";
        return false;
      }
      member_done_ = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(window.data());
    z.avail_out = static_cast<uInt>(window.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    std::size_t produced = window.size() - z.avail_out;
    if (max_output_ != 0 && output_ + produced > max_output_) {
      error_ =
          fmt::format("gzip output exceeds the {}-byte limit (decompressed size cap)", max_output_);
      return false;
    }
    out.append(window.data(), produced);
    output_ += produced;
    if (rc == Z_STREAM_END) {
      member_done_ = true;
    } else if (rc == Z_BUF_ERROR && produced == 0) {
      break;  // needs more input
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error_ = fmt::format("corrupt gzip data: {}", z.msg != nullptr ? z.msg : "inflate failed");
      return false;
    }
  }
  // inflate may still hold output after consuming all input (avail_out was 0): drain it.
  while (error_.empty() && !member_done_) {
    z.next_out = reinterpret_cast<Bytef*>(window.data());
    z.avail_out = static_cast<uInt>(window.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    std::size_t produced = window.size() - z.avail_out;
    if (max_output_ != 0 && output_ + produced > max_output_) {
      error_ =
          fmt::format("gzip output exceeds the {}-byte limit (decompressed size cap)", max_output_);
      return false;
    }
    out.append(window.data(), produced);
    output_ += produced;
    if (rc == Z_STREAM_END) member_done_ = true;
    if (produced == 0 || (rc != Z_OK && rc != Z_STREAM_END)) break;
  }
  return error_.empty();
}

bool GzipInflater::finish() {
  if (!error_.empty()) return false;
  if (!member_done_) {
    error_ = "truncated gzip data: the stream ends inside a member";
    return false;
  }
  return true;
}

GunzipResult gunzip(std::string_view compressed, std::uint64_t max_output) {
  GunzipResult result;
  GzipInflater inflater(max_output);
  if (!inflater.feed(compressed, result.data) || !inflater.finish()) {
    result.data.clear();
    result.error = inflater.error();
  }
  return result;
}

}  // namespace siteaudit::audit
