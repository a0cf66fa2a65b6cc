// url.cpp — URL parsing, resolution and normalisation on libcurl's curl_url API.
//
// curl_url does the parsing, reference resolution (RFC 3986 §5), dot-segment removal, default
// port removal and IDN-to-punycode conversion. What it leaves undone and we finish: ASCII host
// case, the case of percent-escape hex digits, escapes of unreserved characters, and the
// fragment (never sent to a server, so two URLs differing only by it are the same resource).
#include "siteaudit/net/url.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <locale.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "siteaudit/net/ascii.hpp"

namespace siteaudit::net {
namespace {

// authority_end() is the offset of the first '/', '?' or '#' of `url` at or after `from` (where
// an authority ends), or npos. A loop, not find_first_of(), which calls memchr on the three
// characters for each byte: the crawl asks this of every link (after_authority()).
std::size_t authority_end(std::string_view url, std::size_t from) noexcept {
  for (std::size_t i = from; i < url.size(); ++i) {
    const char c = url[i];
    if (c == '/' || c == '?' || c == '#') return i;
  }
  return std::string_view::npos;
}

struct CurlUrlDeleter {
  void operator()(CURLU* h) const noexcept { curl_url_cleanup(h); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStrDeleter {
  void operator()(char* p) const noexcept { curl_free(p); }
};
using CurlStr = std::unique_ptr<char, CurlStrDeleter>;

CurlStr get_part(CURLU* h, CURLUPart part, unsigned flags, CURLUcode* rc = nullptr) {
  char* out = nullptr;
  CURLUcode code = curl_url_get(h, part, &out, flags);
  if (rc != nullptr) *rc = code;
  if (code != CURLUE_OK) return CurlStr(nullptr);
  return CurlStr(out);
}

bool has_non_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

// libcurl hands IDN hosts to libidn2's idn2_lookup_ul, which decodes the host in the charset of
// the *current locale*; in the "C" locale every non-ASCII host fails with "A memory function
// failed". uselocale() switches only this thread, and nothing between here and the restore can
// suspend the fiber, so the thread-local switch cannot leak to another fiber.
class Utf8CtypeScope {
 public:
  Utf8CtypeScope() {
    static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (utf8 != static_cast<locale_t>(nullptr)) previous_ = uselocale(utf8);
  }
  ~Utf8CtypeScope() {
    if (previous_ != static_cast<locale_t>(nullptr)) uselocale(previous_);
  }
  Utf8CtypeScope(const Utf8CtypeScope&) = delete;
  Utf8CtypeScope& operator=(const Utf8CtypeScope&) = delete;

 private:
  locale_t previous_ = static_cast<locale_t>(nullptr);
};

// canonical_escapes() applies RFC 3986 §6.2.2.1–2 to an already-encoded path or query:
// escapes of unreserved characters are decoded (%7E -> ~) and the rest get one hex case; and
// it escapes the characters of `escapes` as a browser does. None of that changes which
// resource the URL names; it makes equal URLs compare equal. The case is lower, not the RFC's
// recommended upper: libcurl writes its own escapes (CURLU_URLENCODE) in lower case and
// lower-cases escapes in any part set through curl_url_set, so upper case could not survive
// the round trip.
std::string canonical_escapes(std::string_view in, std::string_view escapes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        auto decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (is_unreserved(static_cast<char>(decoded))) {
          out.push_back(static_cast<char>(decoded));
        } else {
          out.push_back('%');
          out.push_back(kHex[hi]);
          out.push_back(kHex[lo]);
        }
        i += 2;
        continue;
      }
    }
    if (escapes.find(in[i]) != std::string_view::npos) {
      const auto c = static_cast<unsigned char>(in[i]);
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      continue;
    }
    out.push_back(in[i]);
  }
  return out;
}

// has_dot_segment() is true when `path` holds a "." or ".." segment.
bool has_dot_segment(std::string_view path) {
  return path.find("/./") != std::string_view::npos ||
         path.find("/../") != std::string_view::npos || path.ends_with("/.") ||
         path.ends_with("/..");
}

// without_dot_segments() is RFC 3986 §5.2.4's remove_dot_segments() of an absolute path.
std::string without_dot_segments(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  std::size_t i = 0;
  while (i < path.size()) {
    // `path` starts with '/', and so does what is left of it at each step.
    std::size_t end = path.find('/', i + 1);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(i + 1, end - i - 1);
    const bool last = end == path.size();
    if (segment == ".") {
      if (last) out.push_back('/');
    } else if (segment == "..") {
      const std::size_t parent = out.rfind('/');
      out.resize(parent == std::string::npos ? 0 : parent);
      if (last) out.push_back('/');
    } else {
      out.append(path.substr(i, end - i));
    }
    i = end;
  }
  return out.empty() ? std::string("/") : out;
}

std::string describe(std::string_view url, const char* why) {
  std::string msg = "invalid URL '";
  msg.append(url);
  msg += "': ";
  msg += why;
  return msg;
}

// finish() turns a parsed handle into the normal form, or explains why it is not fetchable.
UrlResult finish(CURLU* h, std::string_view original) {
  UrlResult result;
  CurlStr scheme = get_part(h, CURLUPART_SCHEME, 0);
  std::string_view s = scheme ? std::string_view(scheme.get()) : std::string_view();
  if (s != "http" && s != "https") {
    result.error = describe(original, "only http and https URLs can be fetched");
    return result;
  }

  CURLUcode rc = CURLUE_OK;
  CurlStr raw_host = get_part(h, CURLUPART_HOST, 0, &rc);
  if (!raw_host || *raw_host == '\0') {
    result.error = describe(original, "no host name");
    return result;
  }
  std::string host;
  if (has_non_ascii(raw_host.get())) {
    Utf8CtypeScope utf8;
    CurlStr puny = get_part(h, CURLUPART_HOST, CURLU_PUNYCODE, &rc);
    if (!puny) {
      result.error = describe(original, "host name is not a valid international domain name");
      return result;
    }
    host = puny.get();
  } else {
    host = raw_host.get();
  }
  for (char& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (host != raw_host.get() && curl_url_set(h, CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK) {
    result.error = describe(original, "bad host name");
    return result;
  }

  curl_url_set(h, CURLUPART_FRAGMENT, nullptr, 0);
  for (CURLUPart part : {CURLUPART_PATH, CURLUPART_QUERY}) {
    CurlStr value = get_part(h, part, 0);
    if (!value) continue;
    std::string canonical =
        canonical_escapes(value.get(), part == CURLUPART_PATH ? kPathEscapes : kQueryEscapes);
    // curl removed the dot segments it saw; decoding "%2e" may make new ones ("/a/%2e%2e/b"),
    // which the server resolves (RFC 3986 §6.2.2 decodes before it removes dot segments, and
    // browsers take "%2e%2e" for ".."). Left in, "/docs/%2e%2e/admin/" would pass for a URL
    // under /docs/ in every scope check and name /admin/ on the server.
    if (part == CURLUPART_PATH && has_dot_segment(canonical)) {
      canonical = without_dot_segments(canonical);
    }
    if (canonical != value.get()) curl_url_set(h, part, canonical.c_str(), 0);
  }

  CurlStr url = get_part(h, CURLUPART_URL, CURLU_NO_DEFAULT_PORT, &rc);
  if (!url) {
    result.error = describe(original, curl_url_strerror(rc));
    return result;
  }
  result.url = url.get();
  return result;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// decimal() reads 1 to 5 digits written without a leading zero (a lone "0" is fine), as curl
// prints a port or an IPv4 part; -1 for anything else.
int decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 5 || (digits.size() > 1 && digits.front() == '0')) {
    return -1;
  }
  int value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// is_dotted_quad() is true for "a.b.c.d" with each part 0-255 written without leading zeros:
// the only numeric host curl leaves as it is ("127.1", "0x7f.1" and "0177.0.0.1" are all
// rewritten to 127.0.0.1).
bool is_dotted_quad(std::string_view host) {
  int parts = 0;
  for (std::size_t i = 0; i <= host.size(); ++parts) {
    std::size_t end = std::min(host.find('.', i), host.size());
    const int value = decimal(host.substr(i, end - i));
    if (value < 0 || value > 255 || parts == 4) return false;
    i = end + 1;
  }
  return parts == 4;
}

// port_of() is the explicit port of a URL's authority ("host:port"), 0 when it has none, or
// -1 when the port is not one curl would print as it is (leading zero, 0, above 65535).
int port_of(std::string_view authority) {
  const std::size_t colon = authority.find(':');
  if (colon == std::string_view::npos) return 0;
  const int port = decimal(authority.substr(colon + 1));
  return port > 0 && port <= 65535 ? port : -1;
}

// is_plain_host() is true for a host name curl would leave as it is: lower-case letters,
// digits, dots and hyphens, or an IPv4 address in its canonical form.
bool is_plain_host(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.back() == '.') return false;
  if (is_digit(host.front())) return is_dotted_quad(host);
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '-')) return false;
  }
  return true;
}

// kPlainPathByte marks the bytes a normal URL's path and query may hold as they are: letters,
// digits and "-._~/?!$&'()*+,;=:@".
constexpr auto kPlainPathByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 'a'; c <= 'z'; ++c) plain[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) plain[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) plain[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("-._~/?!$&'()*+,;=:@"))
    plain[static_cast<unsigned char>(c)] = true;
  return plain;
}();

// kParseFlags: CURLU_URLENCODE percent-encodes spaces and non-ASCII bytes that sitemaps often
// carry raw, instead of rejecting the URL.
constexpr unsigned kParseFlags = CURLU_URLENCODE;

// normal_path() is is_normal_path(), inlined into is_normal_url() (a run asks it of every URL).
[[gnu::always_inline]] inline bool normal_path(std::string_view path) {
  // A path joined after a '/' that starts with '.' may be a dot segment: not judged here.
  if (path.empty() || path[0] == '.') return false;
  // One pass over the path and query: each byte a table look-up (a crawl asks this of every
  // link), and the path's end and dot segments noted on the way.
  std::size_t path_end = path.size();
  bool dots = false;  // a '.' right after a '/' in the path: perhaps a dot segment
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (!kPlainPathByte[static_cast<unsigned char>(c)]) return false;
    if (i < path_end) {
      if (c == '?') {
        path_end = i;
      } else if (c == '.' && path[i - 1] == '/') {  // i > 0: path[0] is not '.'
        dots = true;
      }
    }
  }
  // curl drops a "?" with nothing after it.
  if (path.back() == '?') return false;
  if (dots) {
    if (has_dot_segment(path.substr(0, path_end))) return false;
  }
  return true;
}

}  // namespace

bool is_normal_url(std::string_view url, std::size_t* path_start) {
  std::size_t start;
  int default_port;
  if (url.starts_with("https://")) {
    start = 8;
    default_port = 443;
  } else if (url.starts_with("http://")) {
    start = 7;
    default_port = 80;
  } else {
    return false;
  }
  const std::size_t slash = url.find('/', start);
  if (slash == std::string_view::npos) return false;
  const std::string_view authority = url.substr(start, slash - start);
  if (!is_plain_host(authority.substr(0, authority.find(':')))) return false;
  const int port = port_of(authority);
  if (port < 0 || port == default_port) return false;
  if (!normal_path(url.substr(slash))) return false;
  if (path_start != nullptr) *path_start = slash;
  return true;
}

bool is_normal_path(std::string_view path) {
  return normal_path(path);
}

UrlResult normalize_url(std::string_view url) {
  if (is_normal_url(url)) return UrlResult{std::string(url), {}};
  CurlUrl h(curl_url());
  if (!h) return UrlResult{{}, "out of memory"};
  std::string input(url);
  CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags);
  if (rc != CURLUE_OK) return UrlResult{{}, describe(url, curl_url_strerror(rc))};
  return finish(h.get(), url);
}

UrlResult resolve_url(std::string_view base, std::string_view reference) {
  // An empty or fragment-only reference is the base document itself (RFC 3986 §5.2.2: the
  // base's path and query; the fragment is dropped by normalisation). libcurl 7.88 resolves it
  // to the base's directory instead, so every <a href="#top"> would name "/dir/".
  if (reference.empty() || reference.front() == '#') return normalize_url(base);
  CurlUrl h(curl_url());
  if (!h) return UrlResult{{}, "out of memory"};
  std::string input(base);
  CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags);
  if (rc != CURLUE_OK) return UrlResult{{}, describe(base, curl_url_strerror(rc))};
  input.assign(reference);
  // A curl handle that holds a URL resolves a relative reference against it (RFC 3986 §5.2).
  rc = curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags);
  if (rc != CURLUE_OK) return UrlResult{{}, describe(reference, curl_url_strerror(rc))};
  return finish(h.get(), reference);
}

bool is_absolute_http_url(std::string_view url) {
  auto starts_with_nocase = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (!starts_with_nocase("http://") && !starts_with_nocase("https://")) return false;
  CurlUrl h(curl_url());
  if (!h) return false;
  std::string input(url);
  return curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags) == CURLUE_OK;
}

namespace {

// userinfo_span() is where "user:secret@" stands in `url`'s authority: [begin, end), end
// just past the last '@' before the path; {0, 0} when there is none.
std::pair<std::size_t, std::size_t> userinfo_span(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {0, 0};
  const std::size_t begin = scheme_end + 3;
  const std::size_t end = std::min(authority_end(url, begin), url.size());
  const std::size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < begin) return {0, 0};
  return {begin, at + 1};
}

}  // namespace

bool has_userinfo(std::string_view url) {
  return userinfo_span(url).second != 0;
}

std::string without_userinfo(std::string_view url) {
  const auto [begin, end] = userinfo_span(url);
  std::string out(url);
  if (end != 0) out.erase(begin, end - begin);
  return out;
}

bool split_url(std::string_view url, UrlParts& out) {
  if (std::size_t path_start = 0; is_normal_url(url, &path_start)) {
    const std::size_t scheme_end = url.find(':');
    out.scheme = url.substr(0, scheme_end);
    const std::string_view authority = url.substr(scheme_end + 3, path_start - (scheme_end + 3));
    out.host = authority.substr(0, authority.find(':'));
    const int port = port_of(authority);
    out.port = port != 0 ? port : (out.scheme == "https" ? 443 : 80);
    const std::string_view rest = url.substr(path_start);
    const std::size_t question = rest.find('?');
    out.path = rest.substr(0, question);
    out.query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
    return true;
  }
  CurlUrl h(curl_url());
  if (!h) return false;
  std::string input(url);
  if (curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags) != CURLUE_OK) return false;
  CurlStr scheme = get_part(h.get(), CURLUPART_SCHEME, 0);
  CurlStr host = get_part(h.get(), CURLUPART_HOST, 0);
  CurlStr port = get_part(h.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return false;
  CurlStr path = get_part(h.get(), CURLUPART_PATH, 0);
  CurlStr query = get_part(h.get(), CURLUPART_QUERY, 0);
  out.scheme = scheme.get();
  out.host = host.get();
  out.path = path ? path.get() : "/";
  out.query = query ? query.get() : "";
  out.port = std::stoi(port.get());
  return true;
}

std::optional<std::string_view> after_authority(std::string_view text) noexcept {
  const std::size_t scheme = text.find("://");
  if (scheme == std::string_view::npos || authority_end(text, 0) < scheme) return std::nullopt;
  const std::size_t rest = authority_end(text, scheme + 3);
  return rest == std::string_view::npos ? std::string_view() : text.substr(rest);
}

std::string origin_of(std::string_view url) {
  UrlParts parts;
  if (!is_absolute_http_url(url) || !split_url(url, parts)) return {};
  // fmt, not operator+: GCC 12 at -O3 reports a false -Wrestrict on such a chain.
  return fmt::format("{}://{}:{}", parts.scheme, parts.host, parts.port);
}

}  // namespace siteaudit::net
