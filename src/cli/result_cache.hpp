// result_cache.hpp — --cache FILE: URLs that passed recently are not requested again.
//
// The cache remembers, per checked URL (after --rewrite), when it last passed cleanly (ok with
// no finding) and with which status. A run with --cache reports such a URL as ok with
// `cached: true` and makes no request for it while the entry is younger than
// --cache-max-age; a URL that failed, warned or was not checked is always requested. After
// the run, the cache learns the URLs that passed and forgets those that failed.
//
// The file is text: a version line ("siteaudit-cache 1"), the fingerprint of the options that
// judge a response (a cache written under other --accept or --method rules is not used), then
// one "UNIX_MS STATUS URL" line per URL. It is replaced atomically (ReportFile: a temporary
// file and rename), and FILE.lock serialises the runs that share it: a run reads under the
// lock, and at the end re-reads the file under the lock and merges its news into what is
// there, so two runs at once (two shards sharing one file) both keep what they learnt. A file
// that is not a siteaudit cache, or of another version, is a warning: it is not read and not
// replaced. A damaged cache (a bad line) is a warning: it is read up to there and rewritten.
//
// Example:
//   std::string warning;
//   ResultCache cache = ResultCache::load(path, max_age, options, warning);
//   hooks.cached = [&cache](std::string_view url) { return cache.fresh(url); };
//   ... run ...
//   if (std::string error = cache.save(report, warning); !error.empty()) fail(error);
//
// Thread safety: fresh() may be called from any thread once load() has returned; load() and
// save() are for one thread, before and after the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "siteaudit/model/config_setting.hpp"
#include "siteaudit/model/report.hpp"

namespace siteaudit::cli {

class ResultCache {
 public:
  // load() reads `path` (a missing file is an empty cache). `settings` are the run's report
  // settings: the cache keeps only entries written under the same judging options. A file
  // it cannot use sets `warning`; an error (the lock cannot be taken) is returned.
  [[nodiscard]] static std::string load(const std::string& path, std::chrono::milliseconds max_age,
                                        const std::vector<model::ConfigSetting>& settings,
                                        ResultCache& out, std::string& warning);

  // fresh() is the status of `check_url` when it passed within the age, else nullopt.
  std::optional<int> fresh(std::string_view check_url) const;

  // save() merges what `report` found into the file as it is now and replaces it. It returns
  // "" or what went wrong ("--cache: cannot write ...").
  [[nodiscard]] std::string save(const model::Report& report, std::string& warning) const;

  // options_fingerprint() is the fingerprint of the settings that judge a response.
  static std::string options_fingerprint(const std::vector<model::ConfigSetting>& settings);

 private:
  struct Entry {
    std::int64_t passed_ms = 0;  // Unix time of the last clean pass
    int status = 0;
  };
  using Entries = std::unordered_map<std::string, Entry>;

  // read() reads the file into `entries`; false when it is not a cache of this version.
  bool read(Entries& entries, std::string& warning) const;

  std::string path_;
  std::chrono::milliseconds max_age_{0};
  std::string options_;
  std::int64_t now_ms_ = 0;
  bool writable_ = true;  // false for a file that is not ours: it is never replaced
  Entries entries_;
};

}  // namespace siteaudit::cli
