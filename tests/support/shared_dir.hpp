// shared_dir.hpp — the project's shared folder (schemas the tests validate against), which
// sits beside the repository in the project's workspace and CI but not in a user's clone.
//
// Tests that read it must say plainly that they were skipped when it is absent, never pass
// silently:
//
//   const std::string schema = siteaudit::testing::shared_file("schemas/sarif-schema-2.1.0.json");
//   if (schema.empty()) {
//     WARN("SKIPPED: ../shared/schemas/sarif-schema-2.1.0.json is absent (not a project
//     checkout)"); return;
//   }
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace siteaudit::testing {

// shared_file() is the path of `relative` under the shared folder, or "" when it is not there.
// The folder is $SITEAUDIT_SHARED_DIR when set (a git worktree elsewhere), else ../shared
// beside the source tree.
inline std::string shared_file(std::string_view relative) {
  const char* env = std::getenv("SITEAUDIT_SHARED_DIR");
  const std::filesystem::path dir =
      env != nullptr && *env != '\0'
          ? std::filesystem::path(env)
          : std::filesystem::path(SITEAUDIT_SOURCE_DIR) / ".." / "shared";
  std::filesystem::path file = dir / relative;
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec) ? file.lexically_normal().string()
                                                    : std::string();
}

}  // namespace siteaudit::testing
