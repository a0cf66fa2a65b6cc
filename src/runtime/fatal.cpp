// fatal.cpp — print one line and abort.
#include "siteaudit/runtime/fatal.hpp"

#include <cstdio>
#include <cstdlib>

namespace siteaudit::rt {

void fatal(std::string_view message) noexcept {
  std::fprintf(stderr, "siteaudit: fatal error: %.*s\n", static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
  std::abort();
}

namespace detail {

void fatal_misuse(const char* what, const char* kind, const void* object,
                  const char* name) noexcept {
  if (name != nullptr && name[0] != '\0') {
    std::fprintf(stderr, "fatal error: %s: %s \"%s\" at %p\n", what, kind, name, object);
  } else {
    std::fprintf(stderr, "fatal error: %s: %s at %p\n", what, kind, object);
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

}  // namespace siteaudit::rt
