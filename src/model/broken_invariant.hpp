// broken_invariant.hpp — how the model layer ends the process on a bug.
//
// The model links nothing of the runtime, so rt::fatal() is out of reach; broken_invariant()
// is the same contract for this layer: "siteaudit: fatal: WHAT" on standard error, then
// abort(). For a caller that broke a contract or state that can no longer be trusted, never
// for bad input (that is a result value the user can act on).
#pragma once

#include <string_view>

namespace siteaudit::model::detail {

[[noreturn]] void broken_invariant(std::string_view what) noexcept;

}  // namespace siteaudit::model::detail
