// report_file.cpp — temporary file, rename, and what counts as the same file.
#include "cli/report_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cli/interrupt_guard.hpp"

namespace siteaudit::cli {

namespace {

namespace fs = std::filesystem;

// creation_mode() is what open(2) would give a new file: 0666 less the umask. umask() can only
// be read by setting it; this runs before the audit starts any thread.
mode_t creation_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

// followed() is `path` with symbolic links resolved, so that a link to a report is kept and
// the file it points to is replaced; a path that is not a link is left as it is.
std::string followed(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return path;
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return path;  // a dangling link
  return resolved;
}

}  // namespace

ReportFile::~ReportFile() {
  discard();
}

void ReportFile::discard() noexcept {
  file_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temporary_.empty()) {
    InterruptGuard::keep_on_exit(temporary_.c_str());
    ::unlink(temporary_.c_str());
  }
  temporary_.clear();
  stream_ = nullptr;
}

bool ReportFile::open(const std::string& option, const std::string& path,
                      std::ostream& standard_output, std::string& error) {
  option_ = option;
  path_ = path;
  if (path.empty()) return true;
  if (path == "-") {
    stream_ = &standard_output;
    return true;
  }
  auto cannot = [&](const std::string& why) {
    error = fmt::format("{}: cannot write '{}': {}", option, path, why);
    return false;
  };
  target_ = followed(path);
  mode_t mode = 0;
  struct stat info {};
  if (::stat(target_.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return cannot("it is a directory");
    if (!S_ISREG(info.st_mode)) {
      // A FIFO or a device cannot be replaced; it is written as it is.
      fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd_ < 0) return cannot(std::strerror(errno));
      file_ = std::make_unique<FdOstream>(fd_);
      stream_ = file_.get();
      return true;
    }
    // Renaming over a file needs only the directory's permission; a file the user may not
    // write stays refused, as it would be without the temporary file.
    if (::access(target_.c_str(), W_OK) != 0) return cannot(std::strerror(errno));
    mode = info.st_mode & 07777;
  } else if (errno == ENOENT) {
    mode = creation_mode();
  } else {
    return cannot(std::strerror(errno));
  }

  // Beside the target, so that the rename stays within one file system and is atomic.
  const fs::path target(target_);
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string pattern =
      (directory / fmt::format(".{}.XXXXXX", target.filename().string())).string();
  fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd_ < 0) return cannot(std::strerror(errno));
  temporary_ = pattern;
  // A second Ctrl-C exits at once, without this object's destructor: the handler removes it.
  InterruptGuard::remove_on_exit(temporary_.c_str());
  if (::fchmod(fd_, mode) != 0) {
    const int failure = errno;
    discard();
    return cannot(std::strerror(failure));
  }
  file_ = std::make_unique<FdOstream>(fd_);
  stream_ = file_.get();
  return true;
}

bool ReportFile::open_append(const std::string& option, const std::string& path,
                             std::string& error) {
  option_ = option;
  path_ = path;
  target_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd_ < 0) {
    error = fmt::format("{}: cannot write '{}': {}", option, path, std::strerror(errno));
    return false;
  }
  file_ = std::make_unique<FdOstream>(fd_);
  stream_ = file_.get();
  return true;
}

bool ReportFile::commit(std::string& error) {
  if (file_ == nullptr) return true;  // no report, or standard output
  auto failed = [&](int failure) {
    error = fmt::format("writing the {} report to '{}' failed: {}", option_, path_,
                        std::strerror(failure));
    discard();
    return false;
  };
  file_->flush();
  if (file_->error() != 0) return failed(file_->error());
  file_.reset();
  // close() is where some file systems (NFS, a full quota) report a failed write.
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return failed(errno);
  if (!temporary_.empty()) {
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) return failed(errno);
    InterruptGuard::keep_on_exit(temporary_.c_str());
    temporary_.clear();
  }
  stream_ = nullptr;
  return true;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat first {};
  struct stat second {};
  if (::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0) {
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
  }
  std::error_code ignored;
  const fs::path left = fs::weakly_canonical(fs::absolute(a, ignored), ignored);
  const fs::path right = fs::weakly_canonical(fs::absolute(b, ignored), ignored);
  return !left.empty() && left == right;
}

}  // namespace siteaudit::cli
