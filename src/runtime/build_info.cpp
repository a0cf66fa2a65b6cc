// build_info.cpp — the runtime's build facts, read from the compiler's own macros.
#include "siteaudit/runtime/build_info.hpp"

#include <fmt/format.h>

#include <boost/version.hpp>

namespace siteaudit::rt {
namespace {

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "an unknown compiler";
#endif
}

const char* architecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__i386__)
  return "i386";
#elif defined(__arm__)
  return "arm";
#elif defined(__riscv)
  return "riscv";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#else
  return "an unknown architecture";
#endif
}

// sanitizers() names what SITEAUDIT_SANITIZE compiled in (cmake/SiteauditTargets.cmake
// defines these macros with the flags).
const char* sanitizers() {
#if defined(SITEAUDIT_ASAN)
  return "address,undefined";
#elif defined(SITEAUDIT_TSAN)
  return "thread";
#else
  return "none";
#endif
}

}  // namespace

std::string build_info() {
  // Boost.Context's fiber uses the fcontext backend unless Boost was built for ucontext or
  // Windows fibers, which announce themselves with these macros.
#if defined(BOOST_USE_UCONTEXT)
  constexpr const char* backend = "ucontext";
#elif defined(BOOST_USE_WINFIB)
  constexpr const char* backend = "winfib";
#else
  constexpr const char* backend = "fcontext";
#endif
  return fmt::format("runtime: fibers on Boost.Context {}.{} ({}), {}, {}, sanitizers {}",
                     BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, backend, compiler(),
                     architecture(), sanitizers());
}

}  // namespace siteaudit::rt
