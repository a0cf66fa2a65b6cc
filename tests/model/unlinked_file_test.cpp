// Tests for unlinked_file.cpp: the temporary directory's choice, and files that have no name.
#include "siteaudit/model/unlinked_file.hpp"

#include <dirent.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <string>

using siteaudit::model::open_unlinked_file;
using siteaudit::model::temporary_directory;

namespace {

// entries() counts the names in `dir` other than . and ..
int entries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  int n = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  ::closedir(d);
  return n;
}

}  // namespace

TEST_CASE("unlinked file: the preferred directory, else TMPDIR, else /tmp", "[model]") {
  const char* saved = std::getenv("TMPDIR");
  const std::string before = saved != nullptr ? saved : "";
  ::setenv("TMPDIR", "/var/tmp", 1);
  CHECK(temporary_directory("/somewhere") == "/somewhere");
  CHECK(temporary_directory() == "/var/tmp");
  ::setenv("TMPDIR", "", 1);
  CHECK(temporary_directory() == "/tmp");
  ::unsetenv("TMPDIR");
  CHECK(temporary_directory() == "/tmp");
  if (saved != nullptr) ::setenv("TMPDIR", before.c_str(), 1);
}

TEST_CASE("unlinked file: written and read whole at offsets, and no name left in the directory",
          "[model]") {
  char templ[] = "/tmp/siteaudit-unlinked-test-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  const std::string dir = templ;
  const int fd = open_unlinked_file(dir, "test");
  REQUIRE(fd >= 0);
  CHECK(entries(dir) == 0);
  REQUIRE(siteaudit::model::write_all_at(fd, "abc", 0));
  REQUIRE(siteaudit::model::write_all_at(fd, "def", 3));
  char back[7] = {};
  REQUIRE(siteaudit::model::read_all_at(fd, back, 6, 0));
  CHECK(std::string(back) == "abcdef");
  char tail[3] = {};
  REQUIRE(siteaudit::model::read_all_at(fd, tail, 2, 4));
  CHECK(std::string(tail) == "ef");
  // Past the end there is nothing to read: false, errno 0.
  CHECK_FALSE(siteaudit::model::read_all_at(fd, back, 4, 4));
  CHECK(errno == 0);
  ::close(fd);
  CHECK(entries(dir) == 0);
  ::rmdir(dir.c_str());

  errno = 0;
  CHECK(open_unlinked_file("/nonexistent-siteaudit-dir", "test") == -1);
  CHECK(errno != 0);
}
