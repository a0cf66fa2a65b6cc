// command_line.cpp — CLI11 options and TOML config file -> Options. The one file that includes
// CLI11 (one heavy dependency, one file); everything else sees only Options.
//
// Every option is defined through OptionTable, which also records how to write the option's
// value back as TOML and which TOML types its key takes, so --print-config covers exactly the
// options --help lists, a config file written by --print-config reads back to the same
// Options, and TomlConfig checks a config file against the same table.
#include "cli/command_line.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/byte_size.hpp"
#include "cli/config_file.hpp"
#include "cli/duration.hpp"
#include "cli/option_syntax.hpp"
#include "siteaudit/audit/pipeline.hpp"
#include "siteaudit/audit/trusted_origins.hpp"
#include "siteaudit/net/ascii.hpp"
#include "siteaudit/net/libcurl_version.hpp"
#include "siteaudit/runtime/build_info.hpp"

namespace siteaudit::cli {
namespace {

using audit::AnnotationMode;
using audit::AuditConfig;
using audit::ColorMode;
using audit::RedirectMode;
using audit::Verbosity;

constexpr const char* kUsageHint = "Run 'siteaudit --help' for usage.";

// is_control() is true for the C0 control characters and DEL.
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// --- values as TOML ---

// toml_string() quotes `text` as a TOML string: a literal string ('...') where it can be, which
// keeps regexes and Windows paths readable, else a basic string with TOML's escapes.
std::string toml_string(const std::string& text) {
  const bool literal = std::none_of(
      text.begin(), text.end(), [](char c) { return c == '\'' || (is_control(c) && c != '\t'); });
  if (literal) return "'" + text + "'";
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (is_control(c) && c != '\t') {
      quoted += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string list = "[";
  for (const std::string& item : items) {
    if (list.size() > 1) list += ", ";
    list += toml_string(item);
  }
  return list + "]";
}

// --- validators: each returns "" or what is wrong; CLI11 prefixes the option's name ---

// printable() shows `text` in a message with control characters escaped, so that the message
// stays one line and the terminal shows what was given.
std::string printable(const std::string& text) {
  std::string shown;
  for (char c : text) {
    if (is_control(c)) {
      shown += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      shown += c;
    }
  }
  return shown;
}

template <typename Number>
CLI::Validator whole_number(Number min, Number max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        Number value{};
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error == std::errc::invalid_argument || stop != end) {
          return fmt::format("'{}' is not a whole number", text);
        }
        if (error == std::errc::result_out_of_range || value < min || value > max) {
          return fmt::format("{} is out of range: expected {} to {}", text, min, max);
        }
        return {};
      },
      "");
}

CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc{} || stop != end || !std::isfinite(value)) {
          return fmt::format("'{}' is not a number", text);
        }
        if (value < 0) return fmt::format("{} is negative: expected 0 or more", text);
        return {};
      },
      "");
}

CLI::Validator duration(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        auto value = parse_duration(text);
        const bool bare_number = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
          return c >= '0' && c <= '9';
        });
        if (!value && bare_number) {
          // lychee and muffet take --timeout in seconds; here a duration says its unit.
          return fmt::format("'{}' is not a duration: give it a unit, e.g. {}s for seconds", text,
                             text);
        }
        if (!value) {
          return fmt::format(
              "'{}' is not a duration: expected a number and a unit (ms, s, m, h), such as "
              "500ms, 10s, 2m or 1h30m",
              text);
        }
        if (!allow_zero && value->count() == 0) return "must be longer than 0";
        if (*value > kMaxDuration) {
          return fmt::format("'{}' is too long: the most is {} (365 days)", text,
                             format_duration(kMaxDuration));
        }
        return {};
      },
      "");
}

CLI::Validator byte_size() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto value = parse_byte_size(text);
        if (!value) {
          return fmt::format(
              "'{}' is not a size: expected a number of bytes with an optional unit (B, kB, MB, "
              "GB, KiB, MiB, GiB), such as 512KiB or 10MiB",
              text);
        }
        if (*value == 0) return "must be larger than 0";
        return {};
      },
      "");
}

// no_control_characters() refuses a value that goes into requests (a header, a URL) when it
// holds a control character: CR and LF would start a header of the attacker's choosing, and
// NUL would cut the value short where libcurl reads it as a C string.
CLI::Validator no_control_characters() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto control = std::find_if(text.begin(), text.end(), is_control);
        if (control == text.end()) return {};
        return fmt::format(
            "'{}' contains a control character ({:#04x} at offset {}), which "
            "cannot be sent in a request",
            printable(text), static_cast<unsigned char>(*control), control - text.begin());
      },
      "");
}

// url_without_control_characters() applies no_control_characters() to inputs that are URLs;
// a local file's name is never sent.
CLI::Validator url_without_control_characters() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.find("://") == std::string::npos) return {};
        return no_control_characters()(text);
      },
      "");
}

// one_of() accepts the listed words without regard to case and passes on the lower-case form.
CLI::Validator one_of(std::vector<std::string> words) {
  return CLI::Validator(
      [words](std::string& text) -> std::string {
        const std::string lower = net::ascii_lower(text);
        for (const std::string& word : words) {
          if (lower == word) {
            text = lower;
            return {};
          }
        }
        return fmt::format("'{}' is not one of {}", text, fmt::join(words, ", "));
      },
      "");
}

// switch_value() accepts what CLI11 reads as on or off ("--strict=false", `strict = true` in a
// config file), so that any other word is an error naming the option rather than a crash.
CLI::Validator switch_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        static const std::vector<std::string> kWords{"true", "false", "yes", "no", "on",
                                                     "off",  "1",     "0",   "-1"};
        for (const std::string& word : kWords) {
          if (CLI::detail::to_lower(text) == word) return {};
        }
        return fmt::format("'{}' is not true or false", text);
      },
      "");
}

// file_error() says why `path` cannot be read as a file, or "" when it can.
std::string file_error(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return fmt::format("cannot read '{}': {}", path, std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) return fmt::format("cannot read '{}': it is a directory", path);
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return fmt::format("cannot read '{}': {}", path, std::strerror(errno));
  std::fclose(file);
  return {};
}

CLI::Validator readable_file() {
  return CLI::Validator([](std::string& path) { return file_error(path); }, "");
}

// --- the option table ---

// TomlEntry is one option's key in a config file: what TOML values it takes (`shape`), and
// how --print-config writes its current value; `value` returns nullopt when the option is
// unset, and the key is then written as a comment.
struct TomlEntry {
  std::string group;
  std::string key;
  ConfigKey shape;
  std::function<std::optional<std::string>(const Options&)> value;
  std::string unset;  // what the comment for an unset key shows: '' or []
  // setting is the option's value for the report's config block; empty for the options kept
  // out of it (the output options, and --header and --cookies, which may carry secrets).
  std::function<model::ConfigValue(const Options&)> setting;
  // words are the values a choice() takes, which shell completion offers; empty otherwise.
  std::vector<std::string> words;
};

// OptionTable defines the options on `app`, bound to `options`, in the order --help lists them.
class OptionTable {
 public:
  OptionTable(CLI::App& app, Options& options) : app_(app), options_(options) {}

  const std::vector<TomlEntry>& entries() const { return entries_; }

  void group(std::string name) { group_ = std::move(name); }

  template <typename Number>
  CLI::Option* number(const std::string& name, Number AuditConfig::*field, Number min, Number max,
                      const std::string& help) {
    record(
        name, {ConfigType::integer},
        [field](const Options& o) { return std::optional(fmt::format("{}", o.config.*field)); },
        [field](const Options& o) { return model::ConfigValue(std::uint64_t(o.config.*field)); });
    return define(app_.add_option(name, options_.config.*field, help)
                      ->check(whole_number<Number>(min, max))
                      ->type_name("N"));
  }

  CLI::Option* rate(const std::string& name, double AuditConfig::*field, const std::string& help) {
    record(
        name, {ConfigType::integer | ConfigType::floating},
        [field](const Options& o) { return std::optional(fmt::format("{}", o.config.*field)); },
        [field](const Options& o) { return model::ConfigValue(o.config.*field); });
    return define(app_.add_option(name, options_.config.*field, help)
                      ->check(non_negative_number())
                      ->type_name("N"));
  }

  CLI::Option* duration_option(const std::string& name,
                               std::chrono::milliseconds AuditConfig::*field, bool allow_zero,
                               const std::string& help) {
    // A bare number is taken too: 0 is a duration, and any other is refused with the units.
    record(
        name, {ConfigType::string | ConfigType::integer},
        [field](const Options& o) {
          return std::optional(toml_string(format_duration(o.config.*field)));
        },
        [field](const Options& o) { return model::ConfigValue(format_duration(o.config.*field)); });
    Options& options = options_;
    return define(app_.add_option_function<std::string>(
                          name,
                          [&options, field](const std::string& text) {
                            options.config.*field = *parse_duration(text);
                          },
                          help)
                      ->check(duration(allow_zero))
                      ->type_name("DURATION"));
  }

  CLI::Option* size(const std::string& name, std::uint64_t AuditConfig::*field,
                    const std::string& help) {
    record(
        name, {ConfigType::string | ConfigType::integer},
        [field](const Options& o) {
          return std::optional(toml_string(format_byte_size(o.config.*field)));
        },
        [field](const Options& o) {
          return model::ConfigValue(format_byte_size(o.config.*field));
        });
    Options& options = options_;
    return define(app_.add_option_function<std::string>(
                          name,
                          [&options, field](const std::string& text) {
                            options.config.*field = *parse_byte_size(text);
                          },
                          help)
                      ->check(byte_size())
                      ->type_name("SIZE"));
  }

  CLI::Option* text(const std::string& name, std::string AuditConfig::*field,
                    const std::string& type_name, const std::string& help) {
    record(
        name, {ConfigType::string},
        [field](const Options& o) -> std::optional<std::string> {
          if ((o.config.*field).empty()) return std::nullopt;
          return toml_string(o.config.*field);
        },
        [field](const Options& o) { return model::ConfigValue(o.config.*field); });
    return define(app_.add_option(name, options_.config.*field, help)->type_name(type_name));
  }

  // list() is an option that may be repeated; each occurrence takes exactly one value, so that
  // "--include A https://site/" does not read the input as a second regex.
  CLI::Option* list(const std::string& name, std::vector<std::string> AuditConfig::*field,
                    const std::string& type_name, const std::string& help) {
    record(
        name, {ConfigType::string, true},
        [field](const Options& o) -> std::optional<std::string> {
          if ((o.config.*field).empty()) return std::nullopt;
          return toml_list(o.config.*field);
        },
        [field](const Options& o) { return model::ConfigValue(o.config.*field); }, "[]");
    return define(app_.add_option(name, options_.config.*field, help)
                      ->type_name(type_name)
                      ->allow_extra_args(false)
                      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  }

  // choice() binds words to the values of a field, e.g. "warn" to RedirectMode::warn.
  template <typename Value>
  CLI::Option* choice(const std::string& name, Value AuditConfig::*field,
                      std::vector<std::pair<std::string, Value>> words, const std::string& help) {
    std::vector<std::string> names;
    for (const auto& [word, value] : words) names.push_back(word);
    auto word_of = [field, words](const Options& o) -> std::optional<std::string> {
      for (const auto& [word, value] : words) {
        if (value == o.config.*field) return word;
      }
      return std::nullopt;
    };
    record(
        name, {ConfigType::string},
        [word_of](const Options& o) -> std::optional<std::string> {
          if (auto word = word_of(o)) return toml_string(*word);
          return std::nullopt;
        },
        [word_of](const Options& o) { return model::ConfigValue(word_of(o).value_or("")); });
    entries_.back().words = names;
    Options& options = options_;
    return define(app_.add_option_function<std::string>(
                          name,
                          [&options, field, words](const std::string& text) {
                            for (const auto& [word, value] : words) {
                              if (word == text) options.config.*field = value;
                            }
                          },
                          help)
                      ->transform(one_of(names))
                      ->type_name(fmt::format("{}", fmt::join(names, "|"))));
  }

  // flag() binds a switch; in a config file it is written `key = true` or `key = false`.
  CLI::Option* flag(const std::string& name, std::function<bool(const Options&)> get,
                    std::function<void(Options&, bool)> set, const std::string& help) {
    record(
        name, {ConfigType::boolean},
        [get](const Options& o) { return std::optional<std::string>(get(o) ? "true" : "false"); },
        [get](const Options& o) { return model::ConfigValue(get(o)); });
    Options& options = options_;
    return define(
        app_.add_flag_function(
                name, [&options, set](std::int64_t count) { set(options, count > 0); }, help)
            ->check(switch_value()));
  }

  // keep_out_of_report() leaves the option last defined out of the report's config block: a
  // report is shared (CI artifacts), and --header or --cookies may carry credentials.
  void keep_out_of_report() { entries_.back().setting = nullptr; }

 private:
  void record(const std::string& name, ConfigKey shape,
              std::function<std::optional<std::string>(const Options&)> value,
              std::function<model::ConfigValue(const Options&)> setting, std::string unset = "''") {
    // The config key is the long name: "-q,--quiet" -> "quiet".
    std::string key = name.substr(name.rfind("--") + 2);
    // Where the reports go and how the terminal looks do not shape the results.
    if (group_ == "Output") setting = nullptr;
    entries_.push_back(
        TomlEntry{group_, key, shape, std::move(value), std::move(unset), std::move(setting)});
  }

  CLI::Option* define(CLI::Option* option) { return option->group(group_); }

  CLI::App& app_;
  Options& options_;
  std::string group_;
  std::vector<TomlEntry> entries_;
};

// version_text() is what --version prints: siteaudit's version (project(VERSION) in
// CMakeLists.txt, the one place it is set), then the libcurl that runs and how the runtime was
// built, which a bug report needs.
std::string version_text() {
  return "siteaudit " SITEAUDIT_VERSION "\n" + net::libcurl_version() + "\n" + rt::build_info();
}

// Switches set by --quiet and --verbose, which are checked against each other after parsing.
struct VerbositySwitches {
  bool quiet = false;
  bool verbose = false;
};

// define_options() is the whole command line. The help strings are the OPTIONS section of
// man/siteaudit.1, word for word (tests/integration/cli_test.cpp compares them).
void define_options(CLI::App& app, OptionTable& table, Options& options,
                    VerbositySwitches& switches) {
  app.set_help_flag("-h,--help", "Print this help and exit.");
  app.set_version_flag("-V,--version", version_text,
                       "Print the version, with the libcurl and runtime it runs on, and exit.");

  table.group("Input");
  app.add_option("INPUT", options.config.inputs,
                 "A sitemap URL, a robots.txt URL, a site root, a local file, or - for standard "
                 "input. In a config file: input = [...].")
      ->ignore_case()  // so that a config file may say `input = [...]`
      ->check(url_without_control_characters());
  app.set_config("-c,--config", "",
                 "Read options from a TOML file; the command line takes precedence.")
      ->type_name("FILE")
      ->group("Input");
  table.list("--include", &AuditConfig::include, "REGEX",
             "Check only URLs that match one of these regular expressions (repeatable).");
  table.list("--exclude", &AuditConfig::exclude, "REGEX",
             "Skip URLs that match one of these regular expressions; they are reported as "
             "skipped (repeatable).");
  table.number("--max-urls", &AuditConfig::max_urls, std::uint64_t{0}, UINT64_MAX,
               "Stop loading sitemaps after N URLs; 0 means no limit (default 0).");
  // --- shards (issue 19): kept together for an easy merge ---
  table.text("--shard", &AuditConfig::shard, "K/N",
             "Check only part K of N of the URLs (1-based); auto/N takes K from "
             "JOB_COMPLETION_INDEX or CI_NODE_INDEX; see SHARDS in siteaudit(1).");
  table.keep_out_of_report();
  table.choice<std::string>("--shard-by", &AuditConfig::shard_by,
                            {{"url", "url"}, {"host", "host"}},
                            "Cut the parts by URL or by host; by default host when the inputs "
                            "name several hosts, else url.");
  table.keep_out_of_report();
  // --- end of shards ---

  table.group("Concurrency and politeness");
  table.number("--workers", &AuditConfig::workers, 1u, 100'000u,
               "Worker fibers that check URLs, 1 to 100000 (default 64).");
  table.number("--threads", &AuditConfig::threads, 0u, 1024u,
               "OS threads that run the fibers, 0 to 1024; 0 means one per core (default 0).");
  table.number("--per-host", &AuditConfig::per_host, 1u, 100'000u,
               "Most connections open to one host at a time (default 64).");
  table.rate("--rate", &AuditConfig::rate,
             "Most requests per second to one host; 0 means no limit (default 0).");
  table.duration_option("--timeout", &AuditConfig::timeout, false,
                        "Time limit for one request (default 30s).");
  table.duration_option("--connect-timeout", &AuditConfig::connect_timeout, false,
                        "Time limit for connecting to a host (default 10s).");
  table.number("--retries", &AuditConfig::retries, 0u, 100u,
               "Extra attempts after a transient failure of a check or a sitemap fetch: a "
               "connection error, a timeout, or status 429, 502, 503 or 504 (default 2).");
  table.duration_option("--retry-max-wait", &AuditConfig::retry_max_wait, true,
                        "Longest wait before a retry, for backoff and Retry-After (default 30s).");
  table.duration_option("--max-time", &AuditConfig::max_time, true,
                        "Time limit for the whole run; URLs not checked by then are reported as "
                        "cancelled; 0 means none (default 0).");
  table.flag(
      "--respect-robots", [](const Options& o) { return o.config.respect_robots; },
      [](Options& o, bool on) { o.config.respect_robots = on; },
      "Do not request URLs that robots.txt disallows (they are reported as skipped) and slow "
      "down to its Crawl-delay.");
  table
      .text("--user-agent", &AuditConfig::user_agent, "STRING",
            "User-Agent header to send (default siteaudit/VERSION).")
      ->check(no_control_characters());

  table.group("Checks");
  table.choice<std::string>("--method", &AuditConfig::method, {{"head", "head"}, {"get", "get"}},
                            "Request method; head falls back to GET when a server refuses HEAD "
                            "or answers it with a failure (default head).");
  table.text("--accept", &AuditConfig::accept, "LIST",
             "Statuses that pass, as codes and ranges, e.g. 200-299,304 (default 200-299).");
  table.list("--status-rule", &AuditConfig::status_rules, "RULE",
             "Judge the statuses of some hosts or URLs differently; see STATUS RULES in "
             "siteaudit(1) (repeatable).");
  table.choice<RedirectMode>(
      "--redirects", &AuditConfig::redirects,
      {{"follow", RedirectMode::follow},
       {"warn", RedirectMode::warn},
       {"fail", RedirectMode::fail}},
      "What a redirected URL is: follow (fine), warn (a warning) or fail (a failure) "
      "(default warn).");
  table.duration_option("--slow", &AuditConfig::slow, true,
                        "Flag pages that take longer than this; 0 turns it off (default 0).");
  table.text("--content-type", &AuditConfig::content_type, "TYPE",
             "Content type that pages must have, e.g. text/html (default any).");
  table
      .list("--header", &AuditConfig::headers, "'NAME: VALUE'",
            "Send this request header (repeatable).")
      ->check(no_control_characters());
  table.keep_out_of_report();
  // --- where --header goes (issue 23): kept together for an easy merge ---
  table
      .list("--header-host", &AuditConfig::header_hosts, "HOST",
            "Also send --header to this host name or origin (https://host:port); by default "
            "only the inputs' origins and --rewrite targets get it (repeatable).")
      ->check(CLI::Validator(
          [](std::string& text) { return audit::TrustedOrigins::check_header_host(text); }, ""));
  table.flag(
      "--same-origin-only", [](const Options& o) { return o.config.same_origin_only; },
      [](Options& o, bool on) { o.config.same_origin_only = on; },
      "Request only URLs on the inputs' origins, --rewrite targets and --header-host; report "
      "the others as skipped.");
  // --- end of where --header goes ---
  table
      .text("--cookies", &AuditConfig::cookies, "FILE",
            "Send cookies from this Netscape cookie file.")
      ->check(readable_file());
  table.keep_out_of_report();
  table.flag(
      "--insecure", [](const Options& o) { return o.config.insecure; },
      [](Options& o, bool on) { o.config.insecure = on; }, "Do not verify TLS certificates.");
  table
      .text("--ca-file", &AuditConfig::ca_file, "FILE",
            "Verify TLS certificates against the CA certificates in this PEM file.")
      ->check(readable_file());
  table.size("--max-body", &AuditConfig::max_body,
             "Most bytes read from a page checked with GET (default 10MiB).");
  table.flag(
      "--strict", [](const Options& o) { return o.config.strict; },
      [](Options& o, bool on) { o.config.strict = on; },
      "Treat warnings as failures: redirects under --redirects warn, unexpected routes, "
      "sitemap hygiene findings.");
  // --- baselines and cache (issue 19) ---
  table
      .text("--baseline", &AuditConfig::baseline, "FILE",
            "Fail only on failures this earlier JSON report did not have; list the others as "
            "known and fixed; see BASELINES in siteaudit(1).")
      ->check(readable_file());
  table.keep_out_of_report();
  table
      .text("--cache", &AuditConfig::cache, "FILE",
            "Do not request again the URLs that passed within --cache-max-age, as this file "
            "remembers them; report them as ok and cached; see CACHE in siteaudit(1).")
      ->check(CLI::Validator(
          [](std::string& path) -> std::string {
            return path == "-" ? "the cache must be a file, not standard output" : "";
          },
          ""));
  table.keep_out_of_report();
  table.duration_option("--cache-max-age", &AuditConfig::cache_max_age, true,
                        "How long a URL that passed counts as passed for --cache (default 24h).");
  table.keep_out_of_report();
  // --- end of baselines and cache ---

  table.group("Sitemaps");
  table
      .list("--rewrite", &AuditConfig::rewrite, "FROM=TO",
            "Replace the URL prefix FROM with TO before checking, e.g. to check a preview "
            "deploy against the production sitemap (repeatable).")
      ->check(no_control_characters());
  table.number("--max-depth", &AuditConfig::max_depth, 0u, 100u,
               "Deepest nesting of sitemap indexes (default 5).");
  table.number("--max-sitemaps", &AuditConfig::max_sitemaps, 1u, 1'000'000u,
               "Most sitemap files loaded (default 1000).");
  table.size("--max-sitemap-size", &AuditConfig::max_sitemap_bytes,
             "Largest sitemap, as downloaded and as decompressed (default 100MiB).");
  table.flag(
      "--allow-empty", [](const Options& o) { return o.config.allow_empty; },
      [](Options& o, bool on) { o.config.allow_empty = on; },
      "Accept an input that lists no URLs; without it, such an input is an error (exit 2).");

  // --- crawl mode (issue 18): kept together for an easy merge ---
  table.group("Crawl");
  table.flag(
      "--crawl", [](const Options& o) { return o.config.crawl; },
      [](Options& o, bool on) { o.config.crawl = on; },
      "Also follow the links of the pages: parse in-scope HTML pages and stylesheets, check "
      "every link once, name the pages that link to each broken URL, and reconcile the "
      "sitemaps with the site.");
  table.list("--scope", &AuditConfig::scope, "PREFIX",
             "Parse only pages whose URL starts with PREFIX (repeatable); by default the "
             "inputs' origins and those they redirect to. Links out of the scope are checked, "
             "not parsed.");
  table.number("--crawl-depth", &AuditConfig::crawl_depth, 0u, 1'000'000u,
               "Parse pages at most N links away from an input or a sitemap URL; 0 means no "
               "limit (default 0).");
  table.number("--max-pages", &AuditConfig::max_pages, std::uint64_t{0}, UINT64_MAX,
               "Parse at most N pages; later pages are checked, not parsed; 0 means no limit "
               "(default 0).");
  table.flag(
      "--no-external", [](const Options& o) { return o.config.no_external; },
      [](Options& o, bool on) { o.config.no_external = on; },
      "Do not request links out of the scope; report them as skipped.");
  table.flag(
      "--check-fragments", [](const Options& o) { return o.config.check_fragments; },
      [](Options& o, bool on) { o.config.check_fragments = on; },
      "Check that the #fragment of each link to a parsed page names an id or <a name> there.");
  // --- end of crawl mode ---

  table.group("Routes");
  table
      .text("--expect", &AuditConfig::expect, "FILE",
            "Routes file: the paths the site must have; see ROUTES FILE in siteaudit(1).")
      ->check(readable_file());

  table.group("Output");
  table.text("--json", &AuditConfig::json, "FILE",
             "Write the JSON report to FILE; - means standard output.");
  table.text("--junit", &AuditConfig::junit, "FILE", "Write a JUnit XML report to FILE.");
  table.text("--markdown", &AuditConfig::markdown, "FILE", "Write a Markdown summary to FILE.");
  table.text("--sarif", &AuditConfig::sarif, "FILE",
             "Write a SARIF 2.1.0 log for code scanning to FILE; - means standard output.");
  table.text("--html", &AuditConfig::html, "FILE",
             "Write a self-contained HTML report to FILE, to open in a browser.");
  table.choice<AnnotationMode>(
      "--annotations", &AuditConfig::annotations,
      {{"auto", AnnotationMode::auto_detect},
       {"github", AnnotationMode::github},
       {"none", AnnotationMode::none}},
      "Print failures and warnings as GitHub Actions annotations; auto does when "
      "GITHUB_ACTIONS=true (default auto).");
  table.choice<ColorMode>(
      "--color", &AuditConfig::color,
      {{"auto", ColorMode::auto_detect},
       {"always", ColorMode::always},
       {"never", ColorMode::never}},
      "Colour the terminal output; auto colours it when it is a terminal and NO_COLOR is not "
      "set (default auto).");
  table.flag(
      "-q,--quiet", [](const Options& o) { return o.config.verbosity == Verbosity::quiet; },
      [&switches](Options& o, bool on) {
        switches.quiet = on;
        if (on) o.config.verbosity = Verbosity::quiet;
      },
      "Print only failures and errors.");
  table.flag(
      "-v,--verbose", [](const Options& o) { return o.config.verbosity == Verbosity::verbose; },
      [&switches](Options& o, bool on) {
        switches.verbose = on;
        if (on) o.config.verbosity = Verbosity::verbose;
      },
      "List every failure, warning and unexpected URL in the summary, not only the first ten.");
  table.flag(
      "--no-progress", [](const Options& o) { return !o.config.progress; },
      [](Options& o, bool on) { o.config.progress = !on; },
      "Do not show the progress line, which is shown only when standard error is a terminal.");
  app.add_flag("--print-config", options.print_config,
               "Print the effective configuration as a TOML config file and exit.")
      ->group("Output")
      ->configurable(false);
}

// kHelpWidth is the width --help fits in: a terminal's default, and what a man page assumes.
constexpr std::size_t kHelpWidth = 80;
constexpr std::size_t kHelpIndent = 8;

// wrap() breaks `text` into lines of at most `width` columns at spaces, each starting with
// `indent` spaces; a word longer than a line gets a line of its own.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + '\n';
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + '\n';
  return out;
}

// HelpFormatter lays --help out in 80 columns: each option's names and value on a line of its
// own, its description below, indented and wrapped; the footer wrapped too. (CLI11's own
// layout puts the description beside the names, on one line however long.)
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    std::string out = "  " + make_option_name(opt, is_positional) + make_option_opts(opt) + '\n';
    return out + wrap(make_option_desc(opt), kHelpIndent, kHelpWidth);
  }

  std::string make_footer(const CLI::App* app) const override {
    std::string out;
    for (std::size_t start = 0; start <= app->get_footer().size();) {
      std::size_t end = app->get_footer().find('\n', start);
      if (end == std::string::npos) end = app->get_footer().size();
      out += wrap(app->get_footer().substr(start, end - start), 0, kHelpWidth);
      start = end + 1;
    }
    return out;
  }
};

void configure_app(CLI::App& app) {
  app.description("siteaudit checks every URL of a site's sitemaps and reports what failed.");
  app.footer(
      "Exit status: 0 all checks passed, 1 the audit found failures, 2 usage, configuration or "
      "input error, 130 interrupted.\nSee siteaudit(1) for the config file, routes file, status "
      "rules and report formats.");
  app.allow_extras();  // unknown options are reported after parsing, as one line naming them
  app.allow_config_extras(CLI::config_extras_mode::error);
  // A single-valued option given twice (say in a script and again by hand) takes the last value.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.formatter(std::make_shared<HelpFormatter>());
}

// foreign_option_hint() says what siteaudit calls an option that users of lychee, muffet or
// wget bring along, or "" for an option it does not know.
std::string foreign_option_hint(const std::string& name) {
  static const std::string kFormats =
      "siteaudit writes each format to a file of its own: --json, --junit, --markdown, --sarif "
      "or --html FILE";
  static const std::string kOutput =
      "name each report's file with its format's option: --json FILE (or --junit, --markdown, "
      "--sarif, --html)";
  static const std::pair<const char*, const char*> kRenamed[] = {
      {"--max-concurrency", "--workers"},           {"--max-connections", "--workers"},
      {"--max-connections-per-host", "--per-host"}, {"--max-retries", "--retries"},
      {"--skip-tls-verification", "--insecure"},    {"--rate-limit", "--rate"},
      {"--accepted-status-codes", "--accept"},      {"--follow-robots-txt", "--respect-robots"},
      {"--max-redirects", "--redirects"},           {"--max-redirections", "--redirects"},
  };
  if (name == "--format" || name == "-f") return kFormats;
  if (name == "--output" || name == "-o") return kOutput;
  for (const auto& [theirs, ours] : kRenamed) {
    if (name == theirs) return fmt::format("did you mean {}?", ours);
  }
  return {};
}

// looks_like_host() is true for the first segment of an input that names a host rather than
// a file: localhost, an IPv4 address or a domain name, with an optional port. A name whose
// last label is a sitemap's file extension (sitemap.xml) is a file.
bool looks_like_host(std::string host) {
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    const std::string port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit)) return false;
    host.resize(colon);
  }
  host = net::ascii_lower(host);
  if (host == "localhost") return true;
  if (host.empty() || host.front() == '.' || host.back() == '.' ||
      host.find('.') == std::string::npos) {
    return false;
  }
  if (!std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
      })) {
    return false;
  }
  const std::string last = host.substr(host.rfind('.') + 1);
  if (std::all_of(host.begin(), host.end(), [](char c) { return ::isdigit(c) || c == '.'; })) {
    return std::count(host.begin(), host.end(), '.') == 3;  // an IPv4 address
  }
  static const char* const kFileExtensions[] = {"xml",  "txt", "gz", "rss",  "atom", "json",
                                                "html", "htm", "md", "toml", "csv"};
  for (const char* extension : kFileExtensions) {
    if (last == extension) return false;
  }
  return last.size() >= 2 && std::all_of(last.begin(), last.end(), ::isalpha);
}

// schemeless_url() is the URL a user probably meant by an input that is neither a URL nor an
// existing file but starts with a host name ("example.com/sitemap.xml"), or "" otherwise.
std::string schemeless_url(const std::string& input) {
  if (input == "-" || input.find("://") != std::string::npos) return {};
  struct stat info {};
  if (::stat(input.c_str(), &info) == 0) return {};
  const std::size_t slash = input.find('/');
  if (!looks_like_host(input.substr(0, slash))) return {};
  return "https://" + input + (slash == std::string::npos ? "/" : "");
}

// usage_error() prints the one-line message for a command line that cannot run.
int usage_error(std::ostream& err, const std::string& subject, const std::string& problem) {
  err << "siteaudit: " << subject << ": " << problem << '\n' << kUsageHint << '\n';
  return audit::kExitUsage;
}

// config_file_name() is the file given to --config, once parsing has seen it.
std::string config_file_name(const CLI::App& app) {
  const CLI::Option* option = app.get_config_ptr();
  if (option == nullptr || option->count() == 0) return {};
  return option->as<std::string>();
}

// TomlConfig is CLI11's reader of the --config file: read_config_file() parses and checks it
// against the option table's keys, and the values go to CLI11 as if CLI11 had read them, so
// the one option table defines what a file may say and each option's validator judges its
// value. It remembers where each value it hands over was, so that a value a validator refuses
// is reported at its line: CLI11 skips a key the command line already set, so a validation
// error naming an option the file gave comes from the file.
class TomlConfig : public CLI::Config {
 public:
  TomlConfig(const CLI::App& app, ConfigSchema schema) : app_(app), schema_(std::move(schema)) {}

  // to_config() is unused: --print-config is write_config_toml(), driven by the option table.
  std::string to_config(const CLI::App*, bool, bool, std::string) const override { return {}; }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    const std::string file = config_file_name(app_);
    const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    if (input.bad()) throw CLI::FileError(fmt::format("cannot read '{}'", file));
    ConfigFileResult read = read_config_file(text, file, schema_);
    if (!read.error.empty()) throw CLI::ConfigError(read.error);
    std::vector<CLI::ConfigItem> items;
    for (ConfigValue& value : read.values) {
      const CLI::Option* option = app_.get_option_no_throw(option_name(value.key));
      if (option != nullptr && option->empty()) {
        origins_[value.key] = fmt::format("{}:{}:{}", file, value.line, value.column);
      }
      items.push_back(CLI::ConfigItem{{}, value.key, std::move(value.values)});
    }
    return items;
  }

  // origin() is "FILE:LINE:COLUMN" of the value the file gave `key`, or "" when the value did
  // not come from the file.
  std::string origin(const std::string& key) const {
    auto found = origins_.find(key);
    return found == origins_.end() ? std::string() : found->second;
  }

 private:
  static std::string option_name(const std::string& key) {
    return key == "input" ? key : "--" + key;
  }

  const CLI::App& app_;
  ConfigSchema schema_;
  mutable std::map<std::string, std::string> origins_;
};

// config_schema() is every key a config file may set: the table's options and the inputs.
ConfigSchema config_schema(const OptionTable& table) {
  ConfigSchema schema{{"input", ConfigKey{ConfigType::string, true}}};
  for (const TomlEntry& entry : table.entries()) schema.emplace(entry.key, entry.shape);
  return schema;
}

// parse_error() turns a CLI11 error into "OPTION: what is wrong", or "FILE:LINE:COLUMN: KEY:
// what is wrong" for a value from the config file. Validation errors already read "OPTION:
// ..." (CLI11 prefixes the option's name to the validators' messages above).
int parse_error(std::ostream& err, const CLI::App& app, const TomlConfig& config_reader,
                const CLI::ParseError& error) {
  std::string message = error.what();
  const std::string config = config_file_name(app);
  if (dynamic_cast<const CLI::FileError*>(&error) != nullptr) {
    std::string problem = file_error(config);
    return usage_error(err, "--config", problem.empty() ? message : problem);
  }
  if (dynamic_cast<const CLI::ConfigError*>(&error) != nullptr) {
    // TomlConfig's messages name the file and line already.
    err << "siteaudit: " << message << '\n' << kUsageHint << '\n';
    return audit::kExitUsage;
  }
  // Validation errors read "--workers: what is wrong", or "INPUT: ..." for an input; so do
  // CLI11's own argument errors, such as "--workers: 1 required N missing".
  auto colon = message.find(": ");
  if (colon != std::string::npos) {
    std::string subject = message.substr(0, colon);
    std::string problem = message.substr(colon + 2);
    const std::size_t name_start = std::min(subject.find_first_not_of('-'), subject.size());
    const std::string key = CLI::detail::to_lower(subject.substr(name_start));
    if (std::string origin = config_reader.origin(key); !origin.empty()) {
      return usage_error(err, origin, key + ": " + problem);
    }
    if (message.rfind('-', 0) == 0) {
      if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr &&
          problem.find("missing") != std::string::npos) {
        problem = "a value is missing";
      }
      return usage_error(err, subject, problem);
    }
  }
  err << "siteaudit: " << message << '\n' << kUsageHint << '\n';
  return audit::kExitUsage;
}

// --- siteaudit merge (issue 19) ---

// kMergeDescription is the first line of `siteaudit merge --help`.
constexpr const char* kMergeDescription =
    "siteaudit merge combines the JSON reports of the parts of a sharded run "
    "(--shard) into the report one run would have written.";

// define_merge_options() gives `app` the merge command's options and its REPORT operands,
// parsed into `options` and the two switches. parse_merge_command_line() and
// merge_option_syntax() share it, so that the completions follow the options.
void define_merge_options(CLI::App& app, Options& options, bool& quiet, bool& verbose) {
  AuditConfig& config = options.config;
  app.set_help_flag("-h,--help", "Print this help and exit.");
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.get_formatter()->column_width(34);
  app.footer(
      "Exit status: what one run would have had: 0 all checks passed, 1 failures; 2 a part is "
      "missing, duplicated, from another run or not a valid report; 130 a part was "
      "interrupted.");
  app.add_option("REPORT", options.merge_reports, "The JSON reports of every part, in any order.")
      ->required()
      ->type_name("REPORT")
      ->check(readable_file());
  app.add_option("--json", config.json,
                 "Write the merged JSON report to FILE; - means standard output.")
      ->type_name("FILE");
  app.add_option("--junit", config.junit, "Write a JUnit XML report to FILE.")->type_name("FILE");
  app.add_option("--markdown", config.markdown, "Write a Markdown summary to FILE.")
      ->type_name("FILE");
  app.add_option("--sarif", config.sarif, "Write a SARIF 2.1.0 log for code scanning to FILE.")
      ->type_name("FILE");
  app.add_option("--html", config.html, "Write a self-contained HTML report to FILE.")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "--color",
         [&config](const std::string& word) {
           config.color = word == "always"  ? ColorMode::always
                          : word == "never" ? ColorMode::never
                                            : ColorMode::auto_detect;
         },
         "Colour the terminal output (default auto).")
      ->transform(one_of({"auto", "always", "never"}))
      ->type_name("auto|always|never");
  app.add_option("--baseline", config.baseline,
                 "Fail only on failures this earlier JSON report did not have.")
      ->type_name("FILE")
      ->check(readable_file());
  app.add_flag("-q,--quiet", quiet, "Print only failures and errors.");
  app.add_flag("-v,--verbose", verbose, "List every failure, warning and unexpected URL.");
}

// parse_merge_command_line() parses "siteaudit merge [OPTIONS] REPORT...": the output options
// of a run, and the reports of the parts. Its --help is the MERGE section of siteaudit(1).
ParseOutcome parse_merge_command_line(int argc, const char* const* argv, std::ostream& out,
                                      std::ostream& err) {
  ParseOutcome outcome;
  Options& options = outcome.options;
  options.merge = true;
  AuditConfig& config = options.config;
  CLI::App app{kMergeDescription, "siteaudit merge"};
  bool quiet = false, verbose = false;
  define_merge_options(app, options, quiet, verbose);
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    outcome.exit_code = audit::kExitOk;
    return outcome;
  } catch (const CLI::ParseError& error) {
    const std::string message = error.what();
    const auto colon = message.find(": ");
    outcome.exit_code = colon == std::string::npos
                            ? usage_error(err, "merge", message)
                            : usage_error(err, message.substr(0, colon), message.substr(colon + 2));
    return outcome;
  }
  if (quiet && verbose) {
    outcome.exit_code = usage_error(err, "--quiet", "cannot be combined with --verbose");
    return outcome;
  }
  if (quiet) config.verbosity = Verbosity::quiet;
  if (verbose) config.verbosity = Verbosity::verbose;
  return outcome;
}

// --- end of siteaudit merge ---

}  // namespace

ParseOutcome parse_command_line(int argc, const char* const* argv, std::ostream& out,
                                std::ostream& err) {
  if (argc > 1 && std::string_view(argv[1]) == "merge") {
    return parse_merge_command_line(argc, argv, out, err);
  }
  ParseOutcome outcome;
  CLI::App app{"", "siteaudit"};
  configure_app(app);
  OptionTable table(app, outcome.options);
  VerbositySwitches switches;
  define_options(app, table, outcome.options, switches);
  auto config_reader = std::make_shared<TomlConfig>(app, config_schema(table));
  app.config_formatter(config_reader);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    outcome.exit_code = audit::kExitOk;
    return outcome;
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << '\n';
    outcome.exit_code = audit::kExitOk;
    return outcome;
  } catch (const CLI::ParseError& error) {
    outcome.exit_code = parse_error(err, app, *config_reader, error);
    return outcome;
  }

  for (const std::string& extra : app.remaining()) {
    if (extra.rfind('-', 0) == 0) {
      const std::string name = extra.substr(0, extra.find('='));
      const std::string hint = foreign_option_hint(name);
      outcome.exit_code =
          usage_error(err, name, hint.empty() ? "unknown option" : "unknown option; " + hint);
      return outcome;
    }
  }
  if (switches.quiet && switches.verbose) {
    outcome.exit_code = usage_error(err, "--quiet", "cannot be combined with --verbose");
    return outcome;
  }
  outcome.options.config_file = config_file_name(app);
  if (outcome.options.print_config) {
    write_config_toml(outcome.options, out);
    outcome.exit_code = audit::kExitOk;
    return outcome;
  }
  if (outcome.options.config.inputs.empty()) {
    outcome.exit_code = usage_error(
        err, "INPUT",
        "no input given: name a sitemap URL, a robots.txt URL, a site root, a file, or -");
    return outcome;
  }
  for (const std::string& input : outcome.options.config.inputs) {
    if (std::string url = schemeless_url(input); !url.empty()) {
      outcome.exit_code = usage_error(
          err, "INPUT",
          fmt::format("'{}' is neither a file nor a URL; did you mean {}?", input, url));
      return outcome;
    }
  }
  return outcome;
}

namespace {

// ScratchTable is the whole command line defined on an App of its own and bound to a scratch
// Options, for reading the table rather than parsing: its entries and CLI11's options.
struct ScratchTable {
  ScratchTable() : table(app, scratch) {
    configure_app(app);
    define_options(app, table, scratch, switches);
  }
  CLI::App app;
  Options scratch;
  OptionTable table;  // refers to app and scratch, declared before it
  VerbositySwitches switches;
};

// option_entries() is every option's entry, from the same definitions as the command line.
// The entries read the Options they are given, not the scratch.
std::vector<TomlEntry> option_entries() {
  return ScratchTable().table.entries();
}

}  // namespace

std::vector<model::ConfigSetting> report_settings(const Options& options) {
  std::vector<model::ConfigSetting> settings;
  settings.push_back({"input", options.config.inputs});
  for (const TomlEntry& entry : option_entries()) {
    if (entry.setting) settings.push_back({entry.key, entry.setting(options)});
  }
  return settings;
}

namespace {

// syntax_of() describes one option of `app` for completion; `choices` are the words of its
// value when it is one of a few (empty otherwise).
OptionSyntax syntax_of(const CLI::App& app, const CLI::Option& option,
                       std::vector<std::string> choices) {
  OptionSyntax entry;
  for (const std::string& name : option.get_snames()) entry.names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) entry.names.push_back("--" + name);
  entry.help = option.get_description();
  entry.ends_command_line = &option == app.get_help_ptr() || &option == app.get_version_ptr();
  if (option.get_expected_max() > 0) {  // a switch expects no value
    entry.value_name = option.get_type_name();
    entry.repeatable = option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    if (!choices.empty()) {
      entry.value = ValueKind::choice;
      entry.choices = std::move(choices);
    } else if (entry.value_name == "FILE") {
      // Every option that names a file says FILE in --help (--config, --expect, --json...).
      entry.value = ValueKind::file;
    } else {
      entry.value = ValueKind::text;
    }
  }
  return entry;
}

}  // namespace

std::vector<OptionSyntax> option_syntax() {
  ScratchTable scratch;
  const CLI::App& app = scratch.app;
  const OptionTable& table = scratch.table;

  std::vector<OptionSyntax> syntax;
  for (const CLI::Option* option : app.get_options()) {
    // INPUT is an operand, not an option; an option without a group is hidden from --help.
    if (!option->nonpositional() || option->get_group().empty()) continue;
    const std::string key = option->get_lnames().empty() ? "" : option->get_lnames().front();
    auto found = std::find_if(table.entries().begin(), table.entries().end(),
                              [&key](const TomlEntry& e) { return e.key == key; });
    syntax.push_back(syntax_of(
        app, *option, found != table.entries().end() ? found->words : std::vector<std::string>{}));
  }
  return syntax;
}

std::vector<OptionSyntax> merge_option_syntax() {
  CLI::App app{kMergeDescription, "siteaudit merge"};
  Options scratch;
  bool quiet = false, verbose = false;
  define_merge_options(app, scratch, quiet, verbose);
  std::vector<OptionSyntax> syntax;
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) continue;  // REPORT is an operand
    // The merge command has no table: a choice's words are its value's name, "auto|always|never".
    std::vector<std::string> choices;
    const std::string type = option->get_type_name();
    if (type.find('|') != std::string::npos) {
      for (std::size_t start = 0; start <= type.size();) {
        const std::size_t bar = std::min(type.find('|', start), type.size());
        choices.push_back(type.substr(start, bar - start));
        start = bar + 1;
      }
    }
    syntax.push_back(syntax_of(app, *option, std::move(choices)));
  }
  return syntax;
}

void write_config_toml(const Options& options, std::ostream& out) {
  const std::vector<TomlEntry> entries = option_entries();

  out << "# siteaudit " SITEAUDIT_VERSION " configuration (siteaudit --print-config).\n"
      << "# Read it back with: siteaudit --config FILE\n\n";
  if (options.config.inputs.empty()) {
    out << "# input = []\n";
  } else {
    out << "input = " << toml_list(options.config.inputs) << '\n';
  }
  std::string group;
  for (const TomlEntry& entry : entries) {
    if (entry.group != group) {
      group = entry.group;
      out << "\n# " << group << '\n';
    }
    if (auto value = entry.value(options)) {
      out << entry.key << " = " << *value << '\n';
    } else {
      out << "# " << entry.key << " = " << entry.unset << '\n';
    }
  }
}

}  // namespace siteaudit::cli
