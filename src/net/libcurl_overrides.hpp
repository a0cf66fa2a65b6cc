// libcurl_overrides.hpp — libcurl's own exported helpers, defined again here, faster.
//
// libcurl calls some of its exported functions through its procedure linkage table, so a
// definition in the executable is the one it binds to. Two families run for every request and
// cost far more than they need to (scripts/bench/RESULTS.md, "Session 23"):
//
// * printf: curl_maprintf and curl_msnprintf build the Host and User-Agent lines, the URL that
//   curl_url_get() puts together and the connection cache's key. libcurl's formatter writes
//   one character at a time through a callback, about 130 instructions a character; a HEAD
//   request formats about 180 characters. The definitions here format the plain conversions
//   (%s, %.*s, %c, %%, and %d %i %u %x %X with l, ll or z and an optional zero-padded width)
//   themselves and hand every other format, and a null string, to libcurl's own functions,
//   found with dlsym(RTLD_NEXT): the text is libcurl's to the byte.
// * case-insensitive compares: curl_strequal and curl_strnequal, about 95 calls a request as
//   libcurl reads each response header against the names it knows; the same answers, with
//   a table of to_upper() instead of a function call a character.
//
// tests/net/libcurl_overrides_test.cpp checks every definition against libcurl's own, on fixed
// and random input.
//
// Thread safety: the functions are reentrant; bind_libcurl_overrides() runs before the first
// handle.
#pragma once

namespace siteaudit::net::detail {

// bind_libcurl_overrides() looks up libcurl's own formatting functions, where the formats this
// file does not handle go, and aborts if libcurl does not have them. curl_global_init_once()
// calls it before curl_global_init(), which also keeps libcurl_overrides.cpp in every program
// that makes an HTTP request (a static library's object is linked only when something refers
// to it).
void bind_libcurl_overrides();

// libcurl_overrides_bound() is true when libcurl's calls reach this file's functions (a
// program linked without them, or a libcurl built to call its helpers directly, leaves
// libcurl's own).
bool libcurl_overrides_bound();

}  // namespace siteaudit::net::detail
