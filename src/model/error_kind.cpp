#include "siteaudit/model/error_kind.hpp"

#include <cstddef>

#include "model/enum_words.hpp"

namespace siteaudit::model {

namespace {

using enum ErrorKind;

constexpr ErrorKindName kNames[] = {
    {none, "none"},
    {dns, "dns"},
    {connect, "connect"},
    {tls, "tls"},
    {timeout, "timeout"},
    {reset, "reset"},
    {too_many_redirects, "too_many_redirects"},
    {redirect_loop, "redirect_loop"},
    {redirect_refused, "redirect_refused"},
    {body_too_large, "body_too_large"},
    {cancelled, "cancelled"},
    {protocol, "protocol"},
    {invalid_url, "invalid_url"},
    {too_many_open_files, "too_many_open_files"},
    {status, "status"},
    {status_rule, "status_rule"},
    {excluded, "excluded"},
    {robots, "robots"},
    {other_origin, "other_origin"},
    {external, "external"},
    {finding, "finding"},
};

// to_string() reads the row at the value's index.
static_assert(rows_follow_enum<&ErrorKindName::kind>(kNames, ErrorKind::finding),
              "kNames lists every ErrorKind once, in the enum's order");

}  // namespace

std::span<const ErrorKindName> error_kind_names() noexcept {
  return kNames;
}

const char* to_string(ErrorKind kind) noexcept {
  return kNames[static_cast<std::size_t>(kind)].name;
}

}  // namespace siteaudit::model
