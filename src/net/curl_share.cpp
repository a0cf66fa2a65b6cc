// curl_share.cpp — one CURLSH per HttpClient, with real locks.
#include "curl_share.hpp"

#include <string>

#include "libcurl_overrides.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::net::detail {
namespace {

void share_lock(CURL*, curl_lock_data data, curl_lock_access, void* self) noexcept {
  static_cast<std::mutex*>(self)[data].lock();
}
void share_unlock(CURL*, curl_lock_data data, void* self) noexcept {
  static_cast<std::mutex*>(self)[data].unlock();
}

void curl_global_init_once() {
  // curl_global_init is not thread-safe and must run once per process, before any handle;
  // our definitions of libcurl's helpers are bound before libcurl first uses them.
  static const CURLcode rc = [] {
    bind_libcurl_overrides();
    return curl_global_init(CURL_GLOBAL_DEFAULT);
  }();
  if (rc != CURLE_OK) {
    rt::fatal(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
  }
}

}  // namespace

CurlShare::CurlShare(const ClientConfig& config) {
  curl_global_init_once();
  share_ = curl_share_init();
  if (share_ == nullptr) {
    rt::fatal("cannot create a libcurl share handle (out of memory)");
  }
  // A multi shares its DNS cache among its own handles only; the share makes it one per client,
  // and adds TLS session resumption across handles and one cookie jar.
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &share_lock);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &share_unlock);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, locks_);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  if (!config.cookie_file.empty())
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
}

CurlShare::~CurlShare() {
  curl_share_cleanup(share_);
}

}  // namespace siteaudit::net::detail
