// url.hpp — URL parsing, resolution and normalisation with libcurl's curl_url API.
//
// Normalisation: scheme and host lower-cased, IDN hosts to punycode, default ports dropped,
// dot segments removed, the fragment dropped, raw spaces and non-ASCII bytes percent-encoded,
// and the other characters a browser escapes (kPathEscapes, kQueryEscapes), escapes of
// unreserved characters decoded and other escapes given lower-case hex (libcurl's case). Parsing
// and resolution are libcurl's, never done by hand. The one shortcut: a URL is_normal_url()
// recognises is one curl would return unchanged, so normalize_url() returns it and split_url() cuts
// it at its ':', '/' and '?' without curl (tests hold both to curl_url's answers).
//
// Example:
//   normalize_url("HTTP://Example.COM:80/a/./b/../%7Ec#top").url  // "http://example.com/a/~c"
//   resolve_url("https://a.test/docs/x.html", "../img.png").url   // "https://a.test/img.png"
//   normalize_url("ftp://a.test/").error  // "invalid URL 'ftp://a.test/': only http and https ..."
//
// Thread safety: every function may be called from any fiber or thread at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "siteaudit/net/ascii.hpp"

namespace siteaudit::net {

// kPathEscapes and kQueryEscapes are the characters RFC 3986 does not allow in a path or a
// query that a browser escapes when it parses a link (the URL standard's path and query
// percent-encode sets, less the spaces, controls and non-ASCII bytes curl escapes already).
// Sent as they are, a strict server (Tomcat, Jetty) answers 400 where the browser's request
// works. The others RFC 3986 forbids ('|', '^', and '`', '{', '}' in a query) browsers send as
// they are, and so does normalisation. Whatever compares paths with normal URLs (routes,
// robots.txt rules) escapes these too.
inline constexpr std::string_view kPathEscapes = "\"<>`{}";
inline constexpr std::string_view kQueryEscapes = "\"<>";

struct UrlResult {
  std::string url;    // the normalised absolute URL; empty on error
  std::string error;  // why it is not a URL we can fetch; empty on success
  bool ok() const noexcept { return error.empty(); }
};

// normalize_url() parses an absolute URL and returns its normal form. Only http and https.
UrlResult normalize_url(std::string_view url);
// resolve_url() resolves `reference` (absolute, root-relative or relative) against `base`.
UrlResult resolve_url(std::string_view base, std::string_view reference);
// is_absolute_http_url() is true for an absolute http:// or https:// URL (any case).
bool is_absolute_http_url(std::string_view url);
// is_normal_url() recognises, without parsing, the common URL that normalize_url() returns
// unchanged: lower-case http(s) scheme and host name (or a dotted-quad IPv4 address), no
// default port, only characters that need no escaping, no dot segments, no fragment. False
// says nothing: the URL may still be normal. On true, `path_start` is where the path begins.
// Parsing with curl_url costs microseconds and a run may list millions of URLs, nearly all of
// this shape; normalize_url() and split_url() take this path first.
bool is_normal_url(std::string_view url, std::size_t* path_start = nullptr);
// is_normal_path() is is_normal_url()'s judgement of what follows a normal origin: `path` (a
// path, perhaps with a query, that starts with '/' or is joined after a '/' of a normal
// URL's path) is normal there. A page's links share their base's origin and directory, and
// only the part each adds needs a look. As with is_normal_url(), false says nothing: one
// that starts with '.' is not judged.
bool is_normal_path(std::string_view path);

// has_userinfo() is true when an absolute URL names a user (and maybe a password) before its
// host: "https://user:secret@host/". libcurl sends those as Basic auth.
bool has_userinfo(std::string_view url);
// without_userinfo() is `url` with "user:secret@" cut from its authority; `url` as it is
// when it has none.
std::string without_userinfo(std::string_view url);

// UrlParts are the pieces the rules and lint need, from a normalised URL.
struct UrlParts {
  std::string scheme, host, path, query;
  int port = 0;  // explicit or default
};
bool split_url(std::string_view url, UrlParts& out);

// after_authority() is what follows the scheme and authority of an absolute URL: its path,
// query and fragment, from the first '/', '?' or '#' after "://" (empty when none follows).
// nullopt when `text` is no absolute URL, that is when a '/', '?' or '#' comes before any
// "://" (a path, or a path whose query holds a URL). Cuts the text, parses nothing.
std::optional<std::string_view> after_authority(std::string_view text) noexcept;

// scheme_length() is the length of the URI scheme (RFC 3986 §3.1: a letter, then letters,
// digits, '+', '-' or '.') that `ref` starts with, when a ':' follows it; 0 when `ref` starts
// with none ("a/b:c" is a path).
constexpr std::size_t scheme_length(std::string_view ref) noexcept {
  if (ref.empty() || !is_letter(ref[0])) return 0;
  std::size_t i = 1;
  while (i < ref.size() && (is_letter(ref[i]) || (ref[i] >= '0' && ref[i] <= '9') ||
                            ref[i] == '+' || ref[i] == '-' || ref[i] == '.'))
    ++i;
  return i < ref.size() && ref[i] == ':' ? i : 0;
}

// origin_of() is the origin of an absolute http(s) URL, "scheme://host:port" with the default
// port spelt out (as browsers compare origins), or "" when `url` is not one.
std::string origin_of(std::string_view url);

}  // namespace siteaudit::net
