// unlinked_file.cpp — see unlinked_file.hpp.
#include "siteaudit/model/unlinked_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace siteaudit::model {

std::string temporary_directory(std::string_view preferred) {
  if (!preferred.empty()) return std::string(preferred);
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp");
}

int open_unlinked_file(const std::string& dir, std::string_view purpose) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = dir + "/siteaudit-";
  name.append(purpose).append("-XXXXXX");
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

}  // namespace siteaudit::model
