// build_info.hpp — how this build of the runtime was made, for `siteaudit --version`.
//
// A bug report about a hang or a crash first needs to know what ran: which context-switch
// backend, which compiler, which sanitizers. build_info() says it in one line, from facts the
// compiler knows when it compiles the runtime (not from the build system, which can disagree
// with what was actually compiled).
//
// Example:
//   std::cout << rt::build_info() << '\n';
//   // runtime: fibers on Boost.Context 1.74 (fcontext), GCC 12.2.0, x86_64, sanitizers none
//
// Thread safety: build_info() may be called from any thread at any time.
#pragma once

#include <string>

namespace siteaudit::rt {

// build_info() is one line, starting "runtime: ", naming the Boost.Context version and
// backend, the compiler, the architecture and the sanitizers this runtime was compiled with.
std::string build_info();

}  // namespace siteaudit::rt
