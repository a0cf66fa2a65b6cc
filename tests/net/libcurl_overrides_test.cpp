// libcurl_overrides_test.cpp — our definitions of libcurl's helpers answer as libcurl's own.
//
// libcurl's own functions are reached with dlsym(RTLD_NEXT): from this executable, which holds
// ours, the next definition is libcurl's. Every printf case compares the two for the allocated
// text and for a bounded buffer of every interesting size (the answer and every byte of the
// buffer); every compare case, the answer.
#include "net/libcurl_overrides.hpp"

#include <curl/curl.h>
#include <curl/mprintf.h>
#include <dlfcn.h>
#include <sys/types.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

// libcurl's curl_maprintf and curl_msnprintf call its curl_mvaprintf and curl_mvsnprintf
// through the linkage table, which would reach ours: its own are the two `v` functions.
using Vaprintf = char* (*)(const char*, va_list);
using Vsnprintf = int (*)(char*, std::size_t, const char*, va_list);

Vaprintf libcurl_vaprintf() {
  static const auto own = reinterpret_cast<Vaprintf>(::dlsym(RTLD_NEXT, "curl_mvaprintf"));
  REQUIRE(own != nullptr);
  REQUIRE(own != &curl_mvaprintf);
  return own;
}

Vsnprintf libcurl_vsnprintf() {
  static const auto own = reinterpret_cast<Vsnprintf>(::dlsym(RTLD_NEXT, "curl_mvsnprintf"));
  REQUIRE(own != nullptr);
  REQUIRE(own != &curl_mvsnprintf);
  return own;
}

char* libcurl_aprintf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  char* text = libcurl_vaprintf()(format, args);
  va_end(args);
  return text;
}

int libcurl_snprintf(char* buffer, std::size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int stored = libcurl_vsnprintf()(buffer, size, format, args);
  va_end(args);
  return stored;
}

std::string take(char* text) {
  REQUIRE(text != nullptr);
  std::string copy(text);
  std::free(text);
  return copy;
}

// same_as_libcurl() checks one format and its arguments.
template <typename... Args>
void same_as_libcurl(const char* format, Args... args) {
  INFO("format: " << format);
  const std::string theirs = take(libcurl_aprintf(format, args...));
  CHECK(take(curl_maprintf(format, args...)) == theirs);
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7},
                                 theirs.size(), theirs.size() + 1, theirs.size() + 2}) {
    INFO("size " << size);
    std::vector<char> ours_buffer(size + 8, 'X'), their_buffer(size + 8, 'X');
    const int their_answer = libcurl_snprintf(their_buffer.data(), size, format, args...);
    CHECK(curl_msnprintf(ours_buffer.data(), size, format, args...) == their_answer);
    CHECK(ours_buffer == their_buffer);
  }
}

}  // namespace

TEST_CASE("libcurl's calls reach our definitions", "[net][libcurl_overrides]") {
  siteaudit::net::detail::bind_libcurl_overrides();
  CHECK(siteaudit::net::detail::libcurl_overrides_bound());
}

TEST_CASE("The conversions libcurl's requests use come out as libcurl's own",
          "[net][libcurl_overrides]") {
  same_as_libcurl("");
  same_as_libcurl("no conversion at all");
  same_as_libcurl("100%% sure, %%s");
  same_as_libcurl("Host: %s%s%s:%d\r\n", "[", "::1", "]", 8080);
  same_as_libcurl("User-Agent: %s\r\n", "siteaudit/0.1.0");
  same_as_libcurl("%s://%s%s%s%s%s%s%s%s%s%s", "http", "", "", "", "127.0.0.1", ":", "8080",
                  "/p/0/1.html", "?", "q=1", "#f");
  same_as_libcurl("%s", "");
  same_as_libcurl("%.*s|%.3s|%.0s|%.10s", 4, "abcdefgh", "xy", "zzz", "short");
  same_as_libcurl("%c%c%c", 'a', 0xe9, '%');
  same_as_libcurl("%d %i %d %d", 0, -1, INT_MAX, INT_MIN);
  same_as_libcurl("%ld %ld %lld %lld", LONG_MAX, LONG_MIN, LLONG_MAX, LLONG_MIN);
  same_as_libcurl("%u %lu %llu %zu %zd", UINT_MAX, ULONG_MAX, ULLONG_MAX, SIZE_MAX,
                  static_cast<ssize_t>(-5));
  same_as_libcurl("%x %X %lx %zx %02x %02X %08x", 0xabcdu, 0xabcdu, 0xdeadbeefUL, std::size_t{255},
                  7u, 0xau, 0x1234u);
  same_as_libcurl("%02d:%02d:%03d %05ld %02d", 1, 23, 4, 42L, 123);
  same_as_libcurl("%%%02X%%%02X", 0x2fu, 0xe9u);
  const std::string long_text(5000, 'a');
  same_as_libcurl("%s|%s|%d", long_text.c_str(), long_text.c_str(), 7);
}

TEST_CASE("The formats left to libcurl's own functions come out as libcurl's own",
          "[net][libcurl_overrides]") {
  same_as_libcurl("%s|%.3s|%.10s", static_cast<const char*>(nullptr),
                  static_cast<const char*>(nullptr), static_cast<const char*>(nullptr));
  same_as_libcurl("%5d|%-5d|%+d|% d|%#x|%05d", 42, 42, 42, 42, 42u, -42);
  same_as_libcurl("%10s|%-10s|%*d", "right", "left", 6, 9);
  same_as_libcurl("%hu %hhu %o", 65535, 255, 8u);
  same_as_libcurl("%.2f %g %5.1f", 3.14159, 0.5, 2.25);
  same_as_libcurl("%p %p", static_cast<void*>(nullptr), reinterpret_cast<void*>(0x1234));
  same_as_libcurl("%2$s %1$s", "world", "hello");
  same_as_libcurl("%.5d %0d", 42, 42);
  same_as_libcurl("a lone percent at the end %");
}

TEST_CASE("Random integers, widths and strings come out as libcurl's own",
          "[net][libcurl_overrides]") {
  std::mt19937_64 random(20261207);
  const char* const conversions[] = {"d", "i", "u", "x", "X"};
  for (int i = 0; i < 2000; ++i) {
    std::string format = "<%";
    if (random() % 2 == 0) format += '0';
    if (random() % 2 == 0) format += std::to_string(random() % 24);
    format += "ll";
    format += conversions[random() % 5];
    format += '>';
    long long value = static_cast<long long>(random());
    if (random() % 2 == 0) value >>= random() % 63;
    same_as_libcurl(format.c_str(), value);
  }
  for (int i = 0; i < 500; ++i) {
    std::string text(random() % 40, ' ');
    for (char& c : text) c = static_cast<char>(1 + random() % 255);
    const int precision = static_cast<int>(random() % 50);
    same_as_libcurl("[%s][%.*s]", text.c_str(), precision, text.c_str());
  }
}

TEST_CASE("curl_strequal and curl_strnequal answer as libcurl's own", "[net][libcurl_overrides]") {
  using Strequal = int (*)(const char*, const char*);
  using Strnequal = int (*)(const char*, const char*, std::size_t);
  const auto their_strequal = reinterpret_cast<Strequal>(::dlsym(RTLD_NEXT, "curl_strequal"));
  const auto their_strnequal = reinterpret_cast<Strnequal>(::dlsym(RTLD_NEXT, "curl_strnequal"));
  REQUIRE(their_strequal != nullptr);
  REQUIRE(their_strequal != &curl_strequal);
  REQUIRE(their_strnequal != nullptr);
  REQUIRE(their_strnequal != &curl_strnequal);
  const auto same = [&](const char* first, const char* second) {
    INFO('"' << (first ? first : "(null)") << "\" against \"" << (second ? second : "(null)")
             << '"');
    CHECK(curl_strequal(first, second) == their_strequal(first, second));
    for (std::size_t max = 0; max < 12; ++max) {
      INFO("max " << max);
      CHECK(curl_strnequal(first, second, max) == their_strnequal(first, second, max));
    }
    CHECK(curl_strnequal(first, second, SIZE_MAX) == their_strnequal(first, second, SIZE_MAX));
  };
  const char* const fixed[] = {nullptr,
                               "",
                               "a",
                               "A",
                               "content-length:",
                               "Content-Length: 12",
                               "CONTENT-TYPE:",
                               "Location",
                               "location",
                               "\xe9t\xe9",
                               "\xc9T\xc9",
                               "[",
                               "{",
                               "@",
                               "`"};
  for (const char* first : fixed) {
    for (const char* second : fixed) same(first, second);
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 5000; ++i) {
    // Letters of both cases and the bytes around them, so that most pairs share a prefix.
    const char alphabet[] = "aAbBzZ@[`{\x80\xe1\xc1-:";
    std::string first(random() % 8, ' '), second(random() % 8, ' ');
    for (char& c : first) c = alphabet[random() % (sizeof alphabet - 1)];
    for (char& c : second) c = alphabet[random() % (sizeof alphabet - 1)];
    if (random() % 2 == 0) second = first.substr(0, random() % (first.size() + 1)) + second;
    same(first.c_str(), second.c_str());
  }
}
