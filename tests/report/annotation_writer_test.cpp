// annotation_writer_test.cpp — GitHub workflow commands: parsed back into level, file, line,
// title and message; local and remote sitemaps; escaping; the cap and its notice; when on.
#include "siteaudit/report/annotation_writer.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/sample_report.hpp"

namespace {

using namespace siteaudit;

// Command is one workflow command line, parsed and unescaped as GitHub's runner does.
struct Command {
  std::string level, file, line, title, message;
};

std::string unescape(std::string in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::vector<Command> parse(const std::string& text) {
  std::vector<Command> commands;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    REQUIRE(line.rfind("::", 0) == 0);
    const auto body = line.find("::", 2);
    REQUIRE(body != std::string::npos);
    Command c;
    const std::string head = line.substr(2, body - 2);
    const auto space = head.find(' ');
    c.level = head.substr(0, space);
    std::istringstream properties(space == std::string::npos ? "" : head.substr(space + 1));
    for (std::string p; std::getline(properties, p, ',');) {
      const auto eq = p.find('=');
      const std::string key = p.substr(0, eq), value = unescape(p.substr(eq + 1));
      if (key == "file") c.file = value;
      if (key == "line") c.line = value;
      if (key == "title") c.title = value;
    }
    c.message = unescape(line.substr(body + 2));
    commands.push_back(c);
  }
  return commands;
}

std::vector<Command> annotate(const model::Report& report, std::size_t per_level = 10) {
  std::ostringstream out;
  report::write_github_annotations(report, out, per_level);
  return parse(out.str());
}

}  // namespace

TEST_CASE("annotations parse back into level, title, message and place", "[report]") {
  const std::vector<Command> commands = annotate(test::sample_report());
  // The sample's remote sitemaps: no file, the place at the end of the message.
  bool found_404 = false;
  for (const Command& c : commands) {
    INFO(c.message);
    CHECK((c.level == "error" || c.level == "warning"));
    CHECK(c.title.rfind("siteaudit ", 0) == 0);
    // Missing routes are in the (local) routes file, the rest in remote sitemaps.
    const bool route = c.title == "siteaudit missing_route";
    CHECK(c.file == (route ? "routes.txt" : ""));
    if (c.message.find("404 Not Found") != std::string::npos) {
      found_404 = true;
      CHECK(c.level == "error");
      CHECK(c.title == "siteaudit status");
      CHECK(c.message.find("(https://example.com/pages.xml:9)") != std::string::npos);
    }
    // Nothing from the sitemap reaches the log as a control character.
    CHECK(c.message.find('\x1b') == std::string::npos);
    CHECK(c.message.find('\n') == std::string::npos);
  }
  CHECK(found_404);
}

TEST_CASE("annotations name a local sitemap by file and line, escaping its properties",
          "[report]") {
  model::Report report;
  model::Source source;
  source.url = "site/map,v1:a.xml";
  report.sources.push_back(source);
  model::Result r = test::make_result(report, "https://x/100%", model::Outcome::failed, 500, 0, 12);
  report.results.push_back(std::move(r));
  report.summary = model::summarize(report);
  const std::vector<Command> commands = annotate(report);
  REQUIRE(commands.size() == 1);
  CHECK(commands[0].level == "error");
  CHECK(commands[0].file == "site/map,v1:a.xml");
  CHECK(commands[0].line == "12");
  CHECK(commands[0].message.rfind("https://x/100%: 500", 0) == 0);
}

TEST_CASE("annotations stop at the cap of each level and count the rest", "[report]") {
  model::Report report;
  model::Source source;
  source.url = "sitemap.xml";
  report.sources.push_back(source);
  for (int i = 0; i < 15; ++i) {
    report.results.push_back(test::make_result(report, "https://x/" + std::to_string(i),
                                               model::Outcome::failed, 404, 0, i + 3));
  }
  report.summary = model::summarize(report);
  const std::vector<Command> commands = annotate(report);
  REQUIRE(commands.size() == report::kGithubAnnotationsPerLevel + 1);
  CHECK(commands.back().level == "notice");
  CHECK(commands.back().message.rfind("5 more errors and 0 more warnings", 0) == 0);
  CHECK(annotate(report, 3).size() == 4);
}

TEST_CASE("annotations are on for github, off for none, and auto follows GITHUB_ACTIONS",
          "[report]") {
  using model::AnnotationMode;
  CHECK(report::annotations_enabled(AnnotationMode::github, nullptr));
  CHECK_FALSE(report::annotations_enabled(AnnotationMode::none, "true"));
  CHECK(report::annotations_enabled(AnnotationMode::auto_detect, "true"));
  CHECK_FALSE(report::annotations_enabled(AnnotationMode::auto_detect, nullptr));
  CHECK_FALSE(report::annotations_enabled(AnnotationMode::auto_detect, "false"));
}

TEST_CASE("annotations with a baseline leave known failures out and count them",
          "[report][baseline]") {
  const std::vector<Command> commands = annotate(test::baseline_report());
  std::vector<std::string> errors;
  for (const Command& c : commands) {
    if (c.level == "error") errors.push_back(c.title + " " + c.message.substr(0, 30));
    // The known 404 and the known unreadable sitemap and missing route are not annotated.
    CHECK(c.message.find("https://example.com/a&b") == std::string::npos);
    CHECK(c.message.find("/about") == std::string::npos);
    CHECK(c.title != "siteaudit unreadable_sitemap");
  }
  CHECK(errors.size() == 3);  // the timeout, the 500 and the missing /blog/**
  REQUIRE_FALSE(commands.empty());
  CHECK(commands.back().level == "notice");
  CHECK(commands.back().title == "siteaudit baseline");
  CHECK(commands.back().message ==
        "3 known failures (in the baseline old.json) not annotated; 1 fixed since the baseline");
  // Without a baseline there is no such notice.
  for (const Command& c : annotate(test::sample_report())) CHECK(c.level != "notice");
}
