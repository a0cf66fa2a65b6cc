// result_cache.cpp — the cache file: read under a lock, merged and replaced under a lock.
#include "cli/result_cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "cli/report_file.hpp"
#include "siteaudit/model/shard_info.hpp"

namespace siteaudit::cli {

namespace {

constexpr std::string_view kVersionLine = "siteaudit-cache 1";
constexpr std::string_view kHeaderPrefix = "siteaudit-cache ";

// kJudging are the options whose change can turn a pass into a failure: a cache written under
// others is not used.
constexpr std::array<std::string_view, 11> kJudging = {
    "method",   "accept",  "status-rule", "redirects",  "slow",    "content-type",
    "max-body", "timeout", "rewrite",     "user-agent", "insecure"};

// FileLock holds flock(2) on PATH.lock for its lifetime. The lock is on a file of its own
// because the cache itself is replaced by rename, which would leave a lock on the old inode.
class FileLock {
 public:
  FileLock(const std::string& path, int operation) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      error_ = fmt::format("--cache: cannot open the lock file '{}.lock': {}", path,
                           std::strerror(errno));
      return;
    }
    while (::flock(fd_, operation) != 0) {
      if (errno == EINTR) continue;
      error_ = fmt::format("--cache: cannot lock '{}.lock': {}", path, std::strerror(errno));
      return;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// parse_entry() reads "UNIX_MS STATUS URL".
bool parse_entry(std::string_view line, std::int64_t& ms, int& status, std::string_view& url) {
  const char* end = line.data() + line.size();
  auto [after_ms, e1] = std::from_chars(line.data(), end, ms);
  if (e1 != std::errc{} || after_ms == end || *after_ms != ' ') return false;
  auto [after_status, e2] = std::from_chars(after_ms + 1, end, status);
  if (e2 != std::errc{} || after_status == end || *after_status != ' ') return false;
  url = std::string_view(after_status + 1, static_cast<std::size_t>(end - after_status - 1));
  return !url.empty() && status >= 100 && status <= 999;
}

// check_url() is the URL a result requested: its check_url, else the URL as listed.
std::string_view check_url(const model::Result& r) {
  return r.detail && !r.detail->check_url.empty() ? std::string_view(r.detail->check_url) : r.url;
}

}  // namespace

std::string ResultCache::options_fingerprint(const std::vector<model::ConfigSetting>& settings) {
  std::vector<model::ConfigSetting> judging;
  for (const model::ConfigSetting& setting : settings) {
    if (std::find(kJudging.begin(), kJudging.end(), setting.option) != kJudging.end()) {
      judging.push_back(setting);
    }
  }
  return model::config_fingerprint(judging);
}

std::string ResultCache::load(const std::string& path, std::chrono::milliseconds max_age,
                              const std::vector<model::ConfigSetting>& settings, ResultCache& out,
                              std::string& warning) {
  out.path_ = path;
  out.max_age_ = max_age;
  out.options_ = options_fingerprint(settings);
  out.now_ms_ = unix_ms_now();
  FileLock lock(path, LOCK_SH);
  if (!lock.error().empty()) return lock.error();
  out.writable_ = out.read(out.entries_, warning);
  return {};
}

bool ResultCache::read(Entries& entries, std::string& warning) const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return true;  // no cache yet
  std::string line;
  if (!std::getline(in, line)) return true;  // an empty file: no cache yet
  if (line != kVersionLine) {
    warning = line.starts_with(kHeaderPrefix)
                  ? fmt::format(
                        "--cache: '{}' is the cache of another siteaudit release; it is "
                        "not used, and not replaced",
                        path_)
                  : fmt::format(
                        "--cache: '{}' is not a siteaudit cache file; it is not used, "
                        "and not replaced",
                        path_);
    return false;
  }
  // A cache written under other judging options would pass what these options fail.
  if (!std::getline(in, line) || line != "options " + options_) return true;
  std::uint64_t number = 2;
  while (std::getline(in, line)) {
    ++number;
    std::int64_t ms = 0;
    int status = 0;
    std::string_view url;
    if (!parse_entry(line, ms, status, url)) {
      warning = fmt::format(
          "--cache: '{}' line {} is damaged; the cache is read up to there and rewritten", path_,
          number);
      break;
    }
    Entry& entry = entries[std::string(url)];
    if (ms >= entry.passed_ms) entry = Entry{ms, status};
  }
  return true;
}

std::optional<int> ResultCache::fresh(std::string_view check_url) const {
  auto found = entries_.find(std::string(check_url));
  if (found == entries_.end()) return std::nullopt;
  const std::int64_t age = now_ms_ - found->second.passed_ms;
  if (age < 0 || age >= max_age_.count()) return std::nullopt;
  return found->second.status;
}

std::string ResultCache::save(const model::Report& report, std::string& warning) const {
  if (!writable_) return {};
  FileLock lock(path_, LOCK_EX);
  if (!lock.error().empty()) return lock.error();
  // What another run wrote since this one read the file is kept: merge into the file as it is.
  Entries entries;
  if (!read(entries, warning)) return {};
  const std::int64_t now = unix_ms_now();
  for (const model::Result& r : report.results) {
    if (r.cached) continue;
    const bool clean = r.outcome == model::Outcome::ok && r.method != model::CheckMethod::none &&
                       (!r.detail || r.detail->findings.empty());
    if (clean) {
      entries[std::string(check_url(r))] = Entry{now, r.status};
    } else if (r.outcome == model::Outcome::failed) {
      entries.erase(std::string(check_url(r)));
    }
  }
  std::ostringstream unused;  // ReportFile's standard output, for "-", which --cache refuses
  ReportFile file;
  std::string error;
  if (!file.open("--cache", path_, unused, error)) return error;
  std::ostream& out = *file.stream();
  out << kVersionLine << '\n' << "options " << options_ << '\n';
  for (const auto& [url, entry] : entries) {
    if (now - entry.passed_ms >= max_age_.count()) continue;  // expired: dropped
    if (url.find_first_of("\r\n") != std::string::npos) continue;
    out << entry.passed_ms << ' ' << entry.status << ' ' << url << '\n';
  }
  if (!file.commit(error)) return error;
  return {};
}

}  // namespace siteaudit::cli
