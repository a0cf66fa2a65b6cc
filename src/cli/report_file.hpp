// report_file.hpp — a report destination that is replaced whole or not at all.
//
// A report is written to a temporary file beside its target and renamed over it at the end,
// so the target is never truncated before the run has produced something to put there: an
// input that happens to be the report path is read intact, and a run that stops with a usage
// error, or a write that fails half-way, leaves an earlier report as it was. open() makes the
// temporary file before the audit starts, so an unwritable destination is a usage error up
// front. The new file keeps the permissions of the file it replaces (a new one gets 0666 less
// the umask); a symbolic link is followed, so the file it points to is replaced, not the link.
// A target that is not a regular file (a FIFO, /dev/stdout) is written in place, and "-" is
// standard output, which main() checks (finish_output()).
//
// Example:
//   ReportFile json;
//   std::string error;
//   if (!json.open("--json", "report.json", out, error)) return usage(error);
//   write_json(report, *json.stream());
//   if (!json.commit(error)) return failed(error);  // "writing the --json report ... failed: ..."
//
// Thread safety: none; one thread opens, writes and commits a ReportFile.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "cli/fd_ostream.hpp"

namespace siteaudit::cli {

class ReportFile {
 public:
  ReportFile() = default;
  // ~ReportFile() removes the temporary file of a report that was not committed.
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  // open() prepares the destination `path` of the report that `option` ("--json") asked for;
  // an empty path is no report. On failure `error` reads "--json: cannot write 'PATH': why".
  [[nodiscard]] bool open(const std::string& option, const std::string& path,
                          std::ostream& standard_output, std::string& error);

  // open_append() prepares `path` to have the report appended to it, written in place: a file
  // that collects several reports, such as GitHub's $GITHUB_STEP_SUMMARY. It is created when
  // missing. On failure `error` reads as open()'s does.
  [[nodiscard]] bool open_append(const std::string& option, const std::string& path,
                                 std::string& error);

  // stream() is where the report goes, or nullptr when no report was asked for.
  std::ostream* stream() const noexcept { return stream_; }

  // commit() puts the written report in place: flush, close and rename over the target. On
  // failure the temporary file is removed, the target is left as it was, and `error` reads
  // "writing the --json report to 'PATH' failed: why".
  [[nodiscard]] bool commit(std::string& error);

 private:
  void discard() noexcept;

  std::string option_;
  std::string path_;       // as the user gave it, for messages
  std::string target_;     // the file that is replaced: path_ with symbolic links followed
  std::string temporary_;  // empty when the target is written in place
  int fd_ = -1;
  std::unique_ptr<FdOstream> file_;
  std::ostream* stream_ = nullptr;
};

// same_file() is true when `a` and `b` name the same file: the same device and inode when both
// exist, else the same absolute path once "." and ".." and symbolic links are resolved.
[[nodiscard]] bool same_file(const std::string& a, const std::string& b);

}  // namespace siteaudit::cli
