// cli_test.cpp — the siteaudit command line, run as a subprocess: --help against the man page,
// --version, usage errors, the TOML config file, durations and sizes, values sent in requests,
// report paths, and output that cannot be written.
//
// Nothing here needs the network: --help, --version, --print-config and usage errors all end
// before a request is made.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/audit_support.hpp"

namespace {

using namespace siteaudit::integration;

// run() runs siteaudit with `args` in directory `cwd`, with empty stdin, and returns its exit
// code and everything it wrote.
AuditRun run(const std::vector<std::string>& args, const fs::path& cwd = {}) {
  AuditProcess process(args, {}, cwd);
  return process.wait();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string collapse_spaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// roff_to_text() undoes the escapes man/siteaudit.1 uses in running text.
std::string roff_to_text(std::string text) {
  static const std::vector<std::pair<std::string, std::string>> kEscapes{
      {"\\fB", ""},   {"\\fI", ""},   {"\\fR", ""}, {"\\fP", ""}, {"\\-", "-"},
      {"\\(em", "-"}, {"\\(aq", "'"}, {"\\&", ""},  {"\\e", "\\"}};
  for (const auto& [escape, plain] : kEscapes) {
    for (auto at = text.find(escape); at != std::string::npos; at = text.find(escape, at)) {
      text.replace(at, escape.size(), plain);
      at += plain.size();
    }
  }
  return text;
}

std::string man_page() {
  return read_text(fs::path(SITEAUDIT_SOURCE_DIR) / "man/siteaudit.1");
}

// man_section() is the roff source of one .SH section, without its heading.
std::string man_section(const std::string& name) {
  std::string page = man_page();
  std::string heading = ".SH " + name + "\n";
  auto start = page.find(heading);
  REQUIRE(start != std::string::npos);
  start += heading.size();
  auto end = page.find("\n.SH ", start);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
}

// HelpEntry is one option of --help: its names ("-q,--quiet") and description.
struct HelpEntry {
  std::string names;
  std::string description;
};

// help_entries() reads the options of --help: a line "  NAMES [TYPE]", then the description
// on lines indented by eight spaces.
std::vector<HelpEntry> help_entries(const std::string& help) {
  std::vector<HelpEntry> entries;
  for (const std::string& line : lines_of(help)) {
    if (line.rfind("        ", 0) == 0 && !entries.empty()) {
      std::string& description = entries.back().description;
      description += (description.empty() ? "" : " ") + line.substr(line.find_first_not_of(' '));
    } else if (line.size() > 2 && line.rfind("  ", 0) == 0 && line[2] != ' ') {
      entries.push_back({line.substr(2, line.find(' ', 2) - 2), ""});
    }
  }
  return entries;
}

std::set<std::string> long_options_in(const std::string& text) {
  static const std::regex kLong(R"((?:^|[\s,])--([a-z][a-z-]*))");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kLong);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

std::set<std::string> help_long_options() {
  AuditRun help = run({"--help"});
  REQUIRE(help.code == 0);
  std::set<std::string> names;
  for (const HelpEntry& entry : help_entries(help.out)) {
    for (const std::string& name : long_options_in(entry.names)) names.insert(name);
  }
  return names;
}

// man_long_options() is every long option named in a tag (the line after .TP) of OPTIONS.
std::set<std::string> man_long_options() {
  std::vector<std::string> lines = lines_of(man_section("OPTIONS"));
  std::set<std::string> names;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] != ".TP") continue;
    for (const std::string& name : long_options_in(roff_to_text(lines[i + 1]))) names.insert(name);
  }
  return names;
}

// config_value() is the value of `key` in --print-config output ("" when absent or unset).
std::string config_value(const std::string& toml, const std::string& key) {
  for (const std::string& line : lines_of(toml)) {
    if (line.rfind(key + " = ", 0) == 0) return line.substr(key.size() + 3);
  }
  return {};
}

std::string print_config_value(std::vector<std::string> args, const std::string& key) {
  args.push_back("--print-config");
  AuditRun result = run(args);
  INFO(result.err);
  REQUIRE(result.code == 0);
  return config_value(result.out, key);
}

// require_usage_error() checks the contract for a command line that cannot run: exit 2,
// nothing on stdout, and on stderr one line "siteaudit: OPTION: ..." plus the pointer to --help.
void require_usage_error(const AuditRun& result, const std::string& option) {
  INFO("stderr: " << result.err);
  CHECK(result.code == 2);
  CHECK(result.out.empty());
  std::vector<std::string> lines = lines_of(result.err);
  REQUIRE(!lines.empty());
  CHECK(lines.size() <= 2);
  CHECK(lines[0].rfind("siteaudit: " + option + ": ", 0) == 0);
  if (lines.size() == 2) CHECK(lines[1] == "Run 'siteaudit --help' for usage.");
}

}  // namespace

TEST_CASE("siteaudit --help and the man page list the same long options", "[integration][cli]") {
  std::set<std::string> help = help_long_options();
  std::set<std::string> man = man_long_options();
  REQUIRE(help.size() > 40);
  for (const std::string& name : help) {
    INFO("--" << name << " is in --help but not in OPTIONS of man/siteaudit.1");
    CHECK(man.count(name) == 1);
  }
  for (const std::string& name : man) {
    INFO("--" << name << " is in OPTIONS of man/siteaudit.1 but not in --help");
    CHECK(help.count(name) == 1);
  }
}

TEST_CASE("every --help description is in the man page word for word", "[integration][cli]") {
  AuditRun help = run({"--help"});
  REQUIRE(help.code == 0);
  const std::string options = collapse_spaces(roff_to_text(man_section("OPTIONS")));
  std::vector<HelpEntry> entries = help_entries(help.out);
  REQUIRE(entries.size() > 40);
  for (const HelpEntry& entry : entries) {
    INFO(entry.names << ": " << entry.description);
    CHECK(options.find(collapse_spaces(entry.description)) != std::string::npos);
  }
  // The --help groups are the man page's subsections, in the same order.
  std::vector<std::string> groups;
  for (const std::string& line : lines_of(help.out)) {
    if (!line.empty() && line.back() == ':' && line.find(' ') != 0 && line.rfind("Usage", 0) != 0 &&
        line != "Positionals:") {
      groups.push_back(".SS \"" + line.substr(0, line.size() - 1) + "\"");
    }
  }
  REQUIRE(groups.size() == 8);
  std::size_t at = 0;
  for (const std::string& group : groups) {
    INFO(group);
    at = options.find(group, at);
    CHECK(at != std::string::npos);
  }
}

TEST_CASE("siteaudit --help shows usage, groups and the exit statuses", "[integration][cli]") {
  AuditRun help = run({"--help"});
  CHECK(help.code == 0);
  CHECK(help.err.empty());
  CHECK(help.out.find("Usage: siteaudit [OPTIONS] [INPUT...]") != std::string::npos);
  for (const char* group :
       {"Input:", "Concurrency and politeness:", "Checks:", "Sitemaps:", "Routes:", "Output:"}) {
    INFO(group);
    CHECK(help.out.find(std::string("\n") + group + "\n") != std::string::npos);
  }
  CHECK(collapse_spaces(help.out).find("Exit status: 0 all checks passed, 1 the audit found "
                                       "failures, 2 usage, configuration or input error, 130 "
                                       "interrupted.") != std::string::npos);
  // It fits a terminal of 80 columns.
  for (const std::string& line : lines_of(help.out)) {
    INFO(line);
    CHECK(line.size() <= 80);
  }
  CHECK(run({"-h"}).out == help.out);
}

TEST_CASE("siteaudit --version prints the version, libcurl's and the runtime's build",
          "[integration][cli]") {
  for (const char* flag : {"--version", "-V"}) {
    AuditRun version = run({flag});
    CHECK(version.code == 0);
    // The version is project(VERSION) in CMakeLists.txt, the one place it is set.
    const std::vector<std::string> lines = lines_of(version.out);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "siteaudit " SITEAUDIT_VERSION);
    CHECK(lines[1].rfind("libcurl ", 0) == 0);
    CHECK(lines[1].find("(built with ") != std::string::npos);
    CHECK(lines[2].rfind("runtime: fibers on Boost.Context ", 0) == 0);
    CHECK(version.err.empty());
  }
}

TEST_CASE("bad options and values exit 2 with one line naming the option", "[integration][cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string option;
    std::string says;
  };
  const std::vector<Case> cases{
      {{"--frobnicate", "https://example.com/"}, "--frobnicate", "unknown option"},
      {{"--frob=1", "https://example.com/"}, "--frob", "unknown option"},
      {{"-z", "https://example.com/"}, "-z", "unknown option"},
      {{"--workers", "0", "https://example.com/"}, "--workers", "out of range"},
      {{"--workers", "abc", "https://example.com/"}, "--workers", "'abc' is not a whole number"},
      {{"--workers", "-4", "https://example.com/"}, "--workers", "not a whole number"},
      {{"--workers", "99999999999999999999", "x"}, "--workers", "out of range"},
      {{"--threads", "2000", "x"}, "--threads", "out of range"},
      {{"--color", "purple", "x"}, "--color", "'purple' is not one of auto, always, never"},
      {{"--method", "post", "x"}, "--method", "'post' is not one of head, get"},
      {{"--redirects", "maybe", "x"}, "--redirects", "not one of follow, warn, fail"},
      {{"--timeout", "5parsecs", "x"}, "--timeout", "'5parsecs' is not a duration"},
      {{"--timeout", "0", "x"}, "--timeout", "must be longer than 0"},
      {{"--slow", "500", "x"}, "--slow", "is not a duration"},
      {{"--max-body", "10XB", "x"}, "--max-body", "'10XB' is not a size"},
      {{"--max-sitemap-size", "0", "x"}, "--max-sitemap-size", "must be larger than 0"},
      {{"--rate", "-1", "x"}, "--rate", "negative"},
      {{"--rate", "fast", "x"}, "--rate", "'fast' is not a number"},
      {{"--strict=perhaps", "x"}, "--strict", "'perhaps' is not true or false"},
      {{"x", "--workers"}, "--workers", "a value is missing"},
      {{"--expect", "/nonexistent/routes.txt", "x"}, "--expect", "cannot read"},
      {{"--cookies", "/nonexistent/cookies.txt", "x"}, "--cookies", "cannot read"},
      {{"--ca-file", "/", "x"}, "--ca-file", "it is a directory"},
      {{"--quiet", "--verbose", "x"}, "--quiet", "cannot be combined with --verbose"},
      // What users of other link checkers type, with a hint naming ours.
      {{"--format", "json", "https://example.com/"}, "--format", "--json, --junit"},
      {{"-f", "json", "x"}, "-f", "a file of its own"},
      {{"-o", "report.json", "x"}, "-o", "--json FILE"},
      {{"--output=report.json", "x"}, "--output", "--json FILE"},
      {{"--max-concurrency", "8", "x"}, "--max-concurrency", "did you mean --workers?"},
      {{"--timeout", "10", "x"}, "--timeout", "give it a unit, e.g. 10s"},
      // An input without a scheme, which is no file either.
      {{"example.com/sitemap.xml"},
       "INPUT",
       "'example.com/sitemap.xml' is neither a file nor a URL; did you mean "
       "https://example.com/sitemap.xml?"},
      {{"www.example.com"}, "INPUT", "did you mean https://www.example.com/?"},
      {{"localhost:8080/sitemap.xml"}, "INPUT", "did you mean https://localhost:8080/sitemap.xml?"},
  };
  for (const Case& c : cases) {
    std::string command;
    for (const std::string& arg : c.args) command += " " + arg;
    INFO("siteaudit" << command);
    AuditRun result = run(c.args);
    require_usage_error(result, c.option);
    CHECK(result.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("no input is a usage error", "[integration][cli]") {
  AuditRun result = run({});
  require_usage_error(result, "INPUT");
  CHECK(result.err.find("no input given") != std::string::npos);
  require_usage_error(run({"--workers", "4"}), "INPUT");
}

TEST_CASE("inputs, repeatable options and - are collected in order", "[integration][cli]") {
  AuditRun result = run({"https://a.example/sitemap.xml", "--include", "/blog/", "-", "--include",
                         "/docs/", "sitemap.xml", "--header", "X-A: 1", "--print-config"});
  REQUIRE(result.code == 0);
  CHECK(config_value(result.out, "input") ==
        "['https://a.example/sitemap.xml', '-', 'sitemap.xml']");
  CHECK(config_value(result.out, "include") == "['/blog/', '/docs/']");
  CHECK(config_value(result.out, "header") == "['X-A: 1']");
  // A single-valued option given twice takes the last value.
  CHECK(print_config_value({"--workers", "3", "--workers=5"}, "workers") == "5");
}

TEST_CASE("durations and sizes are read with their units", "[integration][cli]") {
  const std::map<std::string, std::string> durations{
      {"500ms", "'500ms'"}, {"10s", "'10s'"},      {"2m", "'2m'"},       {"1h30m", "'1h30m'"},
      {"90s", "'1m30s'"},   {"1.5s", "'1s500ms'"}, {"0.25s", "'250ms'"}, {"1h", "'1h'"}};
  for (const auto& [given, printed] : durations) {
    INFO("--timeout " << given);
    CHECK(print_config_value({"--timeout", given}, "timeout") == printed);
  }
  CHECK(print_config_value({"--slow", "0"}, "slow") == "'0'");
  CHECK(print_config_value({"--max-time", "0s"}, "max-time") == "'0'");
  CHECK(print_config_value({}, "connect-timeout") == "'10s'");

  const std::map<std::string, std::string> sizes{
      {"10MiB", "'10MiB'"}, {"1024KiB", "'1MiB'"}, {"1.5MiB", "'1536KiB'"},
      {"2gib", "'2GiB'"},   {"512", "'512'"},      {"512B", "'512'"},
      {"1MB", "'1000000'"}, {"4kB", "'4000'"},     {"1TiB", "'1TiB'"}};
  for (const auto& [given, printed] : sizes) {
    INFO("--max-body " << given);
    CHECK(print_config_value({"--max-body", given}, "max-body") == printed);
  }
  CHECK(print_config_value({}, "max-sitemap-size") == "'100MiB'");

  for (const char* bad : {"10", "1.5", "ms", "-1s", "1s-", "1x", "1e3s", "99999999999999999h"}) {
    INFO("--retry-max-wait " << bad);
    require_usage_error(run({"--retry-max-wait", bad, "x"}), "--retry-max-wait");
  }
  // Past 365 days a duration is refused, so that no deadline computed from it can overflow
  // (--max-time 3000000h used to end the run at once with "deadline exceeded").
  for (const char* option :
       {"--timeout", "--connect-timeout", "--retry-max-wait", "--max-time", "--slow"}) {
    INFO(option);
    AuditRun huge = run({option, "3000000h", "x"});
    require_usage_error(huge, option);
    CHECK(huge.err.find("'3000000h' is too long: the most is 8760h (365 days)") !=
          std::string::npos);
    require_usage_error(run({option, "8760h1ms", "x"}), option);
    CHECK(print_config_value({option, "8760h"}, option + 2) == "'8760h'");
  }
  for (const char* bad : {"MiB", "-1", "1.5.5MiB", "10 MiB", "99999999999999999999", "20000PiB"}) {
    INFO("--max-body " << bad);
    require_usage_error(run({"--max-body", bad, "x"}), "--max-body");
  }
}

TEST_CASE("siteaudit --print-config writes every option, and --config reads it back",
          "[integration][cli]") {
  TempDir dir;
  write_text(dir / "routes.txt", "/\n");
  write_text(dir / "in.toml", R"(# a config file
input = ["https://example.com/sitemap.xml", "-"]
workers = 8
rate = 2.5
timeout = "1.5s"
max-time = "1m30s"
include = ['\d+/x{2,3}', "b"]
status-rule = ["host=cdn.example.com 429=warn"]
header = ["Cookie: a=b; c=d"]
redirects = 'FAIL'
color = "never"
max-body = "1.5MiB"
expect = "routes.txt"
strict = true
quiet = true
no-progress = true
)");
  AuditRun first = run({"--config", "in.toml", "--print-config"}, dir.path());
  INFO(first.err);
  REQUIRE(first.code == 0);
  CHECK(config_value(first.out, "input") == "['https://example.com/sitemap.xml', '-']");
  CHECK(config_value(first.out, "workers") == "8");
  CHECK(config_value(first.out, "rate") == "2.5");
  CHECK(config_value(first.out, "timeout") == "'1s500ms'");
  CHECK(config_value(first.out, "max-time") == "'1m30s'");
  CHECK(config_value(first.out, "include") == R"(['\d+/x{2,3}', 'b'])");
  CHECK(config_value(first.out, "status-rule") == "['host=cdn.example.com 429=warn']");
  CHECK(config_value(first.out, "header") == "['Cookie: a=b; c=d']");
  CHECK(config_value(first.out, "redirects") == "'fail'");
  CHECK(config_value(first.out, "color") == "'never'");
  CHECK(config_value(first.out, "max-body") == "'1536KiB'");
  CHECK(config_value(first.out, "expect") == "'routes.txt'");
  CHECK(config_value(first.out, "strict") == "true");
  CHECK(config_value(first.out, "quiet") == "true");
  CHECK(config_value(first.out, "no-progress") == "true");
  CHECK(config_value(first.out, "per-host") == "64");  // defaults are printed too

  // Every option --help lists is a key of the printed file (set, or commented out when unset).
  for (const std::string& name : help_long_options()) {
    if (name == "help" || name == "version" || name == "config" || name == "print-config") continue;
    INFO("--" << name << " is missing from --print-config");
    CHECK((first.out.find("\n" + name + " = ") != std::string::npos ||
           first.out.find("\n# " + name + " = ") != std::string::npos));
  }

  write_text(dir / "printed.toml", first.out);
  AuditRun second = run({"--config", "printed.toml", "--print-config"}, dir.path());
  INFO(second.err);
  REQUIRE(second.code == 0);
  CHECK(second.out == first.out);

  // The command line takes precedence over the file, a repeatable option's list included.
  AuditRun overridden =
      run({"-c", "in.toml", "--workers", "3", "--include", "z", "--print-config"}, dir.path());
  REQUIRE(overridden.code == 0);
  CHECK(config_value(overridden.out, "workers") == "3");
  CHECK(config_value(overridden.out, "include") == "['z']");
  CHECK(config_value(overridden.out, "rate") == "2.5");
}

TEST_CASE("config file errors exit 2 naming --config or the option", "[integration][cli]") {
  TempDir dir;
  AuditRun missing = run({"--config", "nope.toml", "x"}, dir.path());
  require_usage_error(missing, "--config");
  CHECK(missing.err.find("cannot read 'nope.toml'") != std::string::npos);

  AuditRun directory = run({"--config", dir.path().string(), "x"});
  require_usage_error(directory, "--config");
  CHECK(directory.err.find("it is a directory") != std::string::npos);

  // Errors inside the file are "FILE:LINE:COLUMN: KEY: what is wrong".
  write_text(dir / "typo.toml", "wrkers = 3\n");
  AuditRun typo = run({"--config", "typo.toml", "x"}, dir.path());
  require_usage_error(typo, "typo.toml:1:1");
  CHECK(typo.err.find("typo.toml:1:1: unknown option 'wrkers'") != std::string::npos);

  write_text(dir / "zero.toml", "# workers\nworkers = 0\n");
  AuditRun zero = run({"--config", "zero.toml", "x"}, dir.path());
  require_usage_error(zero, "zero.toml:2:11");
  CHECK(zero.err.find("workers: 0 is out of range") != std::string::npos);
  write_text(dir / "maybe.toml", "strict = 'maybe'\n");
  require_usage_error(run({"--config", "maybe.toml", "x"}, dir.path()), "maybe.toml:1:10");
  write_text(dir / "duration.toml", "timeout = '5parsecs'\n");
  AuditRun duration = run({"--config", "duration.toml", "x"}, dir.path());
  require_usage_error(duration, "duration.toml:1:11");
  CHECK(duration.err.find("timeout: '5parsecs' is not a duration") != std::string::npos);
  // A value the command line replaces is not judged: the error is the command line's own.
  require_usage_error(run({"--config", "zero.toml", "--workers", "abc", "x"}, dir.path()),
                      "--workers");
}

TEST_CASE("a config file that is not valid TOML exits 2 at its line", "[integration][cli]") {
  // Each of these was accepted (exit 0) by CLI11's own lax reader.
  struct Case {
    std::string text;
    std::string where;
    std::string says;
  };
  const std::vector<Case> cases{
      {"workers = 8\nuser-agent = 'abc\n", "bad.toml:2:", "string"},
      {"workers = [1, 2]\n", "bad.toml:1:11", "workers: expected a whole number, found an array"},
      {"workers = 1\nworkers = 2\n", "bad.toml:2:", "workers"},
      {"strict = maybe\n", "bad.toml:1:", ""},
      {"[audit]\nworkers = 2\n", "bad.toml:1:2", "unknown option 'audit'"},
      {"timeout = ['1s', '2s']\n", "bad.toml:1:11", "timeout: expected a string"},
      {"include = '/blog/'\nquiet = 'yes'\n", "bad.toml:2:9", "quiet: expected true or false"},
      {"input = 5\n", "bad.toml:1:9", "input: expected a string"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    INFO(c.text);
    write_text(dir / "bad.toml", c.text);
    AuditRun result = run({"--config", "bad.toml", "https://example.invalid/"}, dir.path());
    CHECK(result.code == 2);
    CHECK(result.out.empty());
    CHECK(one_line(result.err));
    CHECK(result.err.find("siteaudit: " + c.where) == 0);
    CHECK(result.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("a config file with escapes and a value --print-config must quote reads back",
          "[integration][cli]") {
  TempDir dir;
  write_text(dir / "escapes.toml",
             "user-agent = \"bot \\\"9\\\" it's\"\ninclude = ['C:\\x', \"\\\\d+\"]\n");
  AuditRun first = run({"--config", "escapes.toml", "--print-config"}, dir.path());
  INFO(first.err);
  REQUIRE(first.code == 0);
  CHECK(config_value(first.out, "user-agent") == R"("bot \"9\" it's")");
  CHECK(config_value(first.out, "include") == R"(['C:\x', '\d+'])");
  write_text(dir / "printed.toml", first.out);
  AuditRun second = run({"--config", "printed.toml", "--print-config"}, dir.path());
  REQUIRE(second.code == 0);
  CHECK(second.out == first.out);
}

TEST_CASE("the man page's config file example is a valid config file", "[integration][cli]") {
  const std::string section = man_section("CONFIGURATION FILE");
  auto start = section.find("# siteaudit.toml");
  REQUIRE(start != std::string::npos);
  auto end = section.find("\n.fi", start);
  REQUIRE(end != std::string::npos);
  TempDir dir;
  write_text(dir / "routes.txt", "/\n");
  write_text(dir / "siteaudit.toml", roff_to_text(section.substr(start, end - start + 1)));
  AuditRun result = run({"--config", "siteaudit.toml", "--print-config"}, dir.path());
  INFO(result.err);
  REQUIRE(result.code == 0);
  CHECK(config_value(result.out, "workers") == "32");
  CHECK(config_value(result.out, "exclude") == R"(['/drafts/', '\.pdf$'])");
  CHECK(config_value(result.out, "max-time") == "'10m'");
}

TEST_CASE("values sent in requests refuse control characters", "[integration][cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string option;
  };
  const std::vector<Case> cases{
      {{"--user-agent", "bot\r\nX-Injected: 1", "x"}, "--user-agent"},
      {{"--user-agent", "bot\x01", "x"}, "--user-agent"},
      {{"--header", "X-A: 1\x7f", "x"}, "--header"},
      {{"--header", "X-A: a\tb", "x"}, "--header"},
      {{"--rewrite", "https://a.example=https://b.example/\r\nX: 1", "x"}, "--rewrite"},
  };
  for (const Case& c : cases) {
    INFO(c.args[0] << " " << c.args[1]);
    AuditRun result = run(c.args);
    require_usage_error(result, c.option);
    CHECK(result.err.find("contains a control character") != std::string::npos);
  }
  AuditRun url = run({"https://a.example/\r\nX-Injected: 1"});
  CHECK(url.code == 2);
  CHECK(url.err.rfind("siteaudit: INPUT: ", 0) == 0);
  CHECK(url.err.find("contains a control character") != std::string::npos);

  // The same from a config file, where TOML's escapes can write them.
  TempDir dir;
  write_text(dir / "agent.toml", "user-agent = \"bot\\r\\nX-Injected: 1\"\n");
  AuditRun file = run({"--config", "agent.toml", "x"}, dir.path());
  require_usage_error(file, "agent.toml:1:14");
  CHECK(file.err.find("user-agent: 'bot\\x0d\\x0aX-Injected: 1' contains a control character") !=
        std::string::npos);
  write_text(dir / "nul.toml", "header = [\"X-A: a\\u0000b\"]\n");
  require_usage_error(run({"--config", "nul.toml", "x"}, dir.path()), "nul.toml:1:10");
}

TEST_CASE("a report path that is an input, another report or a second stdout is refused",
          "[integration][cli]") {
  TempDir dir;
  const std::string sitemap = urlset({"https://example.invalid/a"});
  write_text(dir / "s.xml", sitemap);
  write_text(dir / "routes.txt", "/\n");
  write_text(dir / "c.toml", "workers = 2\n");
  struct Case {
    std::vector<std::string> args;
    std::string option;
    std::string says = {};
  };
  const std::vector<Case> cases{
      {{"s.xml", "--json", "s.xml"}, "--json"},
      // Two documents on one stream parse as neither.
      {{"s.xml", "--json", "-", "--markdown", "-"}, "--markdown", "--json already writes"},
      {{"s.xml", "--junit", "-", "--sarif", "-"}, "--sarif", "--junit already writes"},
      {{"s.xml", "--sarif", "out", "--html", "out"}, "--html", "is the --sarif report"},
      {{"s.xml", "--junit", "./sub/../s.xml"}, "--junit"},
      {{"https://example.invalid/", "--expect", "routes.txt", "--markdown", "routes.txt"},
       "--markdown"},
      {{"s.xml", "--json", "r.json", "--junit", "./r.json"}, "--junit"},
      {{"s.xml", "--config", "c.toml", "--json", "c.toml"}, "--json"},
  };
  fs::create_directory(dir.path() / "sub");
  for (const Case& c : cases) {
    std::string command;
    for (const std::string& arg : c.args) command += " " + arg;
    INFO("siteaudit" << command);
    AuditRun result = run(c.args, dir.path());
    CHECK(result.code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("siteaudit: " + c.option + ": ", 0) == 0);
    CHECK(result.err.find(c.says) != std::string::npos);
    CHECK(one_line(result.err));
  }
  CHECK(read_text(dir / "s.xml") == sitemap);
  CHECK(read_text(dir / "routes.txt") == "/\n");
  CHECK(read_text(dir / "c.toml") == "workers = 2\n");
  CHECK_FALSE(fs::exists(dir.path() / "r.json"));
}

TEST_CASE("a usage error found after the reports are opened leaves earlier reports intact",
          "[integration][cli]") {
  TempDir dir;
  write_text(dir / "report.json", "{\"earlier\": true}\n");
  AuditRun result = run({"https://example.invalid/", "--accept", "not-a-status", "--json",
                         "report.json", "--junit", "junit.xml"},
                        dir.path());
  CHECK(result.code == 2);
  CHECK(read_text(dir / "report.json") == "{\"earlier\": true}\n");
  // Neither a new report nor a temporary file is left behind.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("standard output that cannot be written exits 2, a closed pipe ends quietly",
          "[integration][cli]") {
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(full >= 0);
  for (const char* flag : {"--help", "--print-config"}) {
    INFO(flag);
    AuditRun result = run_siteaudit_writing_to({flag}, full);
    CHECK(result.code == 2);
    CHECK(result.err == "siteaudit: writing standard output failed: No space left on device\n");
  }
  ::close(full);

  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  ::close(fds[0]);  // the reader has gone before siteaudit writes
  AuditRun closed = run_siteaudit_writing_to({"--help"}, fds[1]);
  ::close(fds[1]);
  CHECK_FALSE(closed.signaled);
  CHECK(closed.code == 0);
  CHECK(closed.err.empty());
}
