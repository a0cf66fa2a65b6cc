// pipeline.cpp — interim: the pipeline lands with the runtime, net and loader layers.
#include "siteaudit/audit/pipeline.hpp"

#include <ostream>

namespace siteaudit::audit {

int run_audit(const AuditConfig& /*config*/, std::ostream& /*out*/, std::ostream& err) {
  err << "siteaudit: the audit pipeline is not available in this build\n";
  return kExitUsage;
}

}  // namespace siteaudit::audit
