// fatal.hpp — the one way a broken invariant ends the process.
//
// A broken invariant (a WaitGroup below zero, a channel closed twice, a library that cannot
// start) is a bug, not an outcome a caller could handle: the process prints one line naming
// what broke and aborts, so that a core dump or a sanitizer report shows where. Expected
// outcomes are status values and failures in normal use are result values; neither comes
// here.
//
// Example:
//   if (counter_ < 0) rt::fatal("sync: negative WaitGroup counter");
//
// Thread safety: callable from any thread, including signal-free library callbacks.
#pragma once

#include <string_view>

namespace siteaudit::rt {

// fatal() prints "siteaudit: fatal error: MESSAGE" on stderr and aborts.
[[noreturn]] void fatal(std::string_view message) noexcept;

namespace detail {

// fatal_misuse() reports a broken invariant of a primitive, naming its kind, its name when it
// has one, and its address, then aborts: "fatal error: WHAT: KIND "NAME" at 0x...".
[[noreturn]] void fatal_misuse(const char* what, const char* kind, const void* object,
                               const char* name = nullptr) noexcept;

}  // namespace detail

}  // namespace siteaudit::rt
