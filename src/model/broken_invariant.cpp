// broken_invariant.cpp — see broken_invariant.hpp.
#include "model/broken_invariant.hpp"

#include <cstdio>
#include <cstdlib>

namespace siteaudit::model::detail {

void broken_invariant(std::string_view what) noexcept {
  std::fprintf(stderr, "siteaudit: fatal: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace siteaudit::model::detail
