// curl_printf.hpp — libcurl's printf family, formatted here for the conversions its requests use.
//
// libcurl builds every request with its own printf (curl_maprintf, curl_msnprintf): the Host
// and User-Agent lines, the URL that curl_url_get() puts together, the connection cache's key.
// Its formatter writes one character at a time through a callback, about 130 instructions a
// character, and a HEAD request formats about 180 characters: under callgrind a fifth of the
// instructions libcurl spends on a request (scripts/bench/RESULTS.md, "Session 23").
//
// libcurl calls these four exported functions through its procedure linkage table, so the
// definitions in curl_printf.cpp, being in the executable, are the ones it binds to. They
// format the plain conversions (%s, %.*s, %c, %%, and %d %i %u %x %X with l, ll or z and an
// optional zero-padded width) themselves, and hand every other format, and a null string, to
// libcurl's own functions unchanged: the output is libcurl's to the byte, which
// tests/net/curl_printf_test.cpp checks against libcurl's functions.
//
// Thread safety: the functions are reentrant; bind_curl_printf() runs before the first handle.
#pragma once

namespace siteaudit::net::detail {

// bind_curl_printf() looks up libcurl's own formatting functions, where the formats this file
// does not handle go, and aborts if libcurl does not have them. curl_global_init_once() calls
// it before curl_global_init(), which also keeps curl_printf.cpp in every program that makes
// an HTTP request (a static library's object is linked only when something refers to it).
void bind_curl_printf();

// curl_printf_bound() is true when libcurl's calls reach this file's functions (a program
// linked without them, or libcurl built to call its printf directly, leaves libcurl's own).
bool curl_printf_bound();

}  // namespace siteaudit::net::detail
