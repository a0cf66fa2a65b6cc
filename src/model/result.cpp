#include "siteaudit/model/result.hpp"

namespace siteaudit::model {

const char* error_kind_name(const ResultDetail& detail) noexcept {
  switch (detail.error_kind) {
    case ErrorKind::none:
      return "";
    case ErrorKind::finding:
      return to_string(detail.failed_by);
    default:
      return to_string(detail.error_kind);
  }
}

}  // namespace siteaudit::model
