// report_file_test.cpp — a report replaces its target whole or not at all, and the same file
// is recognised under another name.
#include "cli/report_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using siteaudit::cli::ReportFile;
using siteaudit::cli::same_file;

struct ScratchDir {
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "siteaudit-cli-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
  fs::path path;
};

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("a report replaces its target only when it is committed", "[cli][report_file]") {
  ScratchDir dir;
  const std::string target = dir / "report.json";
  write(target, "earlier");
  std::ostringstream standard_output;
  std::string error;
  {
    ReportFile report;
    REQUIRE(report.open("--json", target, standard_output, error));
    *report.stream() << "new";
    // Until the commit the target is the earlier report, intact: an input of the same name
    // can still be read.
    CHECK(contents(target) == "earlier");
    CHECK(dir.entries() == 2);
    REQUIRE(report.commit(error));
  }
  CHECK(contents(target) == "new");
  CHECK(dir.entries() == 1);
  CHECK(standard_output.str().empty());
}

TEST_CASE("a report that is not committed leaves no trace", "[cli][report_file]") {
  ScratchDir dir;
  const std::string target = dir / "report.json";
  write(target, "earlier");
  std::string error;
  {
    std::ostringstream standard_output;
    ReportFile report;
    REQUIRE(report.open("--json", target, standard_output, error));
    *report.stream() << "half";
  }
  CHECK(contents(target) == "earlier");
  CHECK(dir.entries() == 1);
}

TEST_CASE("a new report keeps the permissions of the file it replaces", "[cli][report_file]") {
  ScratchDir dir;
  const std::string target = dir / "report.json";
  write(target, "earlier");
  REQUIRE(::chmod(target.c_str(), 0640) == 0);
  std::ostringstream standard_output;
  std::string error;
  ReportFile report;
  REQUIRE(report.open("--json", target, standard_output, error));
  REQUIRE(report.commit(error));
  struct stat info {};
  REQUIRE(::stat(target.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0640);

  // A new file gets what open(2) would give it: 0666 less the umask, not mkstemp's 0600.
  const mode_t mask = ::umask(022);
  ReportFile fresh;
  REQUIRE(fresh.open("--json", dir / "fresh.json", standard_output, error));
  REQUIRE(fresh.commit(error));
  ::umask(mask);
  REQUIRE(::stat((dir / "fresh.json").c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0644);
}

TEST_CASE("a symbolic link to a report is kept and its file replaced", "[cli][report_file]") {
  ScratchDir dir;
  write(dir / "real.json", "earlier");
  fs::create_symlink(dir / "real.json", dir / "link.json");
  std::ostringstream standard_output;
  std::string error;
  ReportFile report;
  REQUIRE(report.open("--json", dir / "link.json", standard_output, error));
  *report.stream() << "new";
  REQUIRE(report.commit(error));
  CHECK(fs::is_symlink(dir / "link.json"));
  CHECK(contents(dir / "real.json") == "new");
}

TEST_CASE("an unwritable destination is refused at open", "[cli][report_file]") {
  ScratchDir dir;
  std::ostringstream standard_output;
  std::string error;
  ReportFile missing_dir;
  CHECK_FALSE(missing_dir.open("--json", dir / "no/such.json", standard_output, error));
  CHECK(error ==
        "--json: cannot write '" + (dir / "no/such.json") + "': No such file or directory");
  ReportFile directory;
  CHECK_FALSE(directory.open("--junit", dir.path.string(), standard_output, error));
  CHECK(error.find("it is a directory") != std::string::npos);
  CHECK(dir.entries() == 0);
}

TEST_CASE("a failed write is reported at commit and the target is left", "[cli][report_file]") {
  std::ostringstream standard_output;
  std::string error;
  ReportFile full;
  // /dev/full is not a regular file: it is written in place, and every write fails.
  REQUIRE(full.open("--json", "/dev/full", standard_output, error));
  *full.stream() << "report";
  CHECK_FALSE(full.commit(error));
  CHECK(error == "writing the --json report to '/dev/full' failed: No space left on device");
}

TEST_CASE("a report to \"-\" goes to standard output, and an empty path is no report",
          "[cli][report_file]") {
  std::ostringstream standard_output;
  std::string error;
  ReportFile dash;
  REQUIRE(dash.open("--json", "-", standard_output, error));
  CHECK(dash.stream() == &standard_output);
  ReportFile none;
  REQUIRE(none.open("--json", "", standard_output, error));
  CHECK(none.stream() == nullptr);
  CHECK(none.commit(error));
}

TEST_CASE("same_file() sees through other names of a file", "[cli][report_file]") {
  ScratchDir dir;
  write(dir / "s.xml", "<urlset/>");
  fs::create_directory(dir.path / "sub");
  CHECK(same_file(dir / "s.xml", dir / "sub/../s.xml"));
  fs::create_hard_link(dir / "s.xml", dir / "hard.xml");
  CHECK(same_file(dir / "s.xml", dir / "hard.xml"));
  fs::create_symlink(dir / "s.xml", dir / "soft.xml");
  CHECK(same_file(dir / "soft.xml", dir / "s.xml"));
  // Files that do not exist yet are compared by path.
  CHECK(same_file(dir / "new.json", dir / "sub/../new.json"));
  CHECK_FALSE(same_file(dir / "new.json", dir / "s.xml"));
  CHECK_FALSE(same_file(dir / "a.json", dir / "b.json"));
}

TEST_CASE("a report opened to append is added after what the file holds", "[cli][report_file]") {
  ScratchDir dir;
  const std::string target = dir / "step_summary.md";
  write(target, "earlier step\n");
  std::string error;
  {
    ReportFile report;
    REQUIRE(report.open_append("--markdown", target, error));
    *report.stream() << "## siteaudit\n";
    REQUIRE(report.commit(error));
  }
  CHECK(contents(target) == "earlier step\n## siteaudit\n");
  CHECK(dir.entries() == 1);
  // A missing file is created; a directory is refused with the option's name.
  ReportFile fresh;
  REQUIRE(fresh.open_append("--markdown", dir / "new.md", error));
  REQUIRE(fresh.commit(error));
  CHECK(fs::exists(dir / "new.md"));
  ReportFile refused;
  CHECK_FALSE(refused.open_append("--markdown", dir.path.string(), error));
  CHECK(error.rfind("--markdown: cannot write", 0) == 0);
}
