// exit_code.hpp — the process exit codes users and CI scripts depend on.
//
// 0: every check passed; 1: the audit ran and found failures; 2: a usage, configuration or
// input error (the message on stderr says what and where); 130: interrupted (Ctrl-C, SIGTERM;
// the partial report is still written). A run and a future merge of shards decide the same
// code from the same report, so the codes live with the data model.
#pragma once

namespace siteaudit::model {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailures = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

}  // namespace siteaudit::model
