// json_text.hpp — the JSON emitter the machine-readable writers share (JSON report, SARIF).
//
// Both documents have a fixed shape, so they are emitted directly into a string rather than
// built as a tree (json_writer.cpp says why): Object appends one object's members in call
// order, append_array() one array, append_string() one string with invalid UTF-8 replaced.
// The tests parse every byte these emit with nlohmann and validate it against the schemas.
//
//   std::string out;
//   json_text::Object(out).string("name", "siteaudit").number("urls", 3);
//   // {"name":"siteaudit","urls":3}
//
// Not part of the public API: only src/report/*.cpp include this file.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "siteaudit/model/report.hpp"

namespace siteaudit::report::json_text {

// append_string() appends `s` as a JSON string. Invalid UTF-8 becomes U+FFFD: JSON text must
// be Unicode, and a sitemap may list any bytes; one bad URL must not cost the whole report.
void append_string(std::string& out, std::string_view s);

// append_key() appends `key` as a JSON string and the colon after it. Keys are the schema's
// names, plain ASCII that needs no escaping: they are copied whole, and escaped only if not.
void append_key(std::string& out, std::string_view key);

template <typename Int>
void append_int(std::string& out, Int n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// Object appends one JSON object's members in call order; the order of the calls is the
// documented key order. Values the model marks absent by emptiness or zero go through the
// *_or_null members, the one place the null-versus-empty rule of the schema is applied.
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_ += '{'; }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object() { out_ += '}'; }

  Object& string(std::string_view key, std::string_view value) {
    name(key);
    append_string(out_, value);
    return *this;
  }
  Object& string_or_null(std::string_view key, std::string_view value) {
    return value.empty() ? null(key) : string(key, value);
  }
  template <typename Int>
  Object& number(std::string_view key, Int value) {
    name(key);
    append_int(out_, value);
    return *this;
  }
  template <typename Int>
  Object& number_or_null(std::string_view key, Int value) {
    return value == 0 ? null(key) : number(key, value);
  }
  // real() writes a number that may have a fraction, in the shortest text that reads back
  // to the same double.
  Object& real(std::string_view key, double value) {
    name(key);
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, end);
    return *this;
  }
  Object& boolean(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  Object& null(std::string_view key) {
    name(key);
    out_ += "null";
    return *this;
  }
  // nested() writes the key, then lets `write` append the value.
  template <typename Write>
  Object& nested(std::string_view key, Write write) {
    name(key);
    write(out_);
    return *this;
  }

 private:
  void name(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    append_key(out_, key);
  }

  std::string& out_;
  bool first_ = true;
};

// Array appends one JSON array's elements in call order: the rows of the HTML report's data,
// whose fields are known by position.
class Array {
 public:
  explicit Array(std::string& out) : out_(out) { out_ += '['; }
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;
  ~Array() { out_ += ']'; }

  Array& string(std::string_view value) {
    next();
    append_string(out_, value);
    return *this;
  }
  template <typename Int>
  Array& number(Int value) {
    next();
    append_int(out_, value);
    return *this;
  }
  // nested() lets `write` append the next element.
  template <typename Write>
  Array& nested(Write write) {
    next();
    write(out_);
    return *this;
  }

 private:
  void next() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
};

// append_array() appends `items` as a JSON array, each rendered by `write(out, item)`.
template <typename Items, typename Write>
void append_array(std::string& out, const Items& items, Write write) {
  out += '[';
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    write(out, item);
  }
  out += ']';
}

// append_strings() appends a JSON array of strings.
void append_strings(std::string& out, const std::vector<std::string>& items);

// append_crawl() appends the report's crawl block, or null when the run did not crawl.
void append_crawl(std::string& out, const model::CrawlReport& crawl);

// append_summary() appends the report's summary object (counts, status classes, latency), as
// the JSON report's "summary" key documents it.
void append_summary(std::string& out, const model::Summary& s);

}  // namespace siteaudit::report::json_text
