// curl_share.hpp — the CURLSH that every multi handle of one HttpClient shares.
//
// An HttpClient may run several multi handles (see multi_count() in http_client.cpp); the share
// keeps what must stay one per client across them: the DNS cache, TLS session resumption and
// the cookie jar. Connections are not shared: each multi keeps its own connection cache, which
// is the point of having several.
//
// Example:
//   CurlShare share(config);
//   curl_easy_setopt(easy, CURLOPT_SHARE, share.get());
//
// Thread safety: libcurl calls the lock callbacks (one std::mutex per curl_lock_data) from
// whichever thread drives a multi or configures a handle. The destructor requires that every
// easy handle using the share has been cleaned up.
#pragma once

#include <curl/curl.h>

#include <mutex>

#include "siteaudit/net/http_client.hpp"

namespace siteaudit::net::detail {

class CurlShare {
 public:
  // CurlShare() runs curl_global_init first, once per process: every handle of a client is
  // made after its share.
  explicit CurlShare(const ClientConfig& config);
  ~CurlShare();
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;

  CURLSH* get() const noexcept { return share_; }

 private:
  CURLSH* share_ = nullptr;
  std::mutex locks_[CURL_LOCK_DATA_LAST];
};

}  // namespace siteaudit::net::detail
