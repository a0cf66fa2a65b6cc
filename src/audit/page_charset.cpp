// page_charset.cpp — encoding sniffing (a subset of the HTML standard's) and iconv.
#include "page_charset.hpp"

#include <fmt/format.h>
#include <iconv.h>

#include <cerrno>
#include <utility>

#include "siteaudit/audit/utf8.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {

namespace {

// charset_parameter() is the value of a `charset=` in `text` (a Content-Type or a meta's
// content), unquoted; "" when there is none.
std::string charset_parameter(std::string_view text) {
  const std::string lower = net::ascii_lower(text);
  const std::size_t at = lower.find("charset");
  if (at == std::string::npos) return {};
  std::size_t i = at + 7;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
  if (i >= lower.size() || lower[i] != '=') return {};
  ++i;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
  char quote = 0;
  if (i < lower.size() && (lower[i] == '"' || lower[i] == '\'')) quote = lower[i++];
  std::size_t end = i;
  while (end < lower.size() && lower[end] != quote && lower[end] != ';' &&
         (quote != 0 || (lower[end] != ' ' && lower[end] != '>' && lower[end] != '/' &&
                         lower[end] != '"' && lower[end] != '\''))) {
    ++end;
  }
  return std::string(net::trim(std::string_view(lower).substr(i, end - i)));
}

// prescan_meta() looks for a charset in the <meta> tags of the first 1,024 bytes.
std::string prescan_meta(std::string_view body) {
  const std::string head = net::ascii_lower(body.substr(0, 1024));
  std::size_t at = 0;
  while ((at = head.find("<meta", at)) != std::string::npos) {
    const std::size_t end = head.find('>', at);
    const std::string_view tag =
        std::string_view(head).substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (std::string charset = charset_parameter(tag); !charset.empty()) return charset;
    at += 5;
  }
  return {};
}

// canonical_label() maps the labels the Encoding Standard folds together to iconv's name.
std::string_view canonical_label(std::string_view label) {
  if (label == "utf8" || label == "unicode-1-1-utf-8") return "utf-8";
  // Browsers read every Latin-1 label as windows-1252 (its superset).
  if (label == "iso-8859-1" || label == "latin1" || label == "l1" || label == "ascii" ||
      label == "us-ascii" || label == "iso8859-1" || label == "cp1252" || label == "x-cp1252") {
    return "windows-1252";
  }
  return label;
}

bool convert(std::string_view in, const std::string& from, std::string& out, std::string& error) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    error = fmt::format("the page's charset '{}' is not one siteaudit can read", from);
    return false;
  }
  out.clear();
  out.reserve(in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());  // iconv's signature; it does not write there
  std::size_t src_left = in.size();
  char chunk[4096];
  while (src_left > 0) {
    char* dst = chunk;
    std::size_t dst_left = sizeof chunk;
    const std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    const int why = errno;
    out.append(chunk, sizeof chunk - dst_left);
    if (rc != static_cast<std::size_t>(-1) || why == E2BIG) continue;
    // An invalid or cut sequence: a browser shows U+FFFD and reads on; so do we.
    out.append("\xEF\xBF\xBD");
    ++src;
    --src_left;
  }
  iconv_close(cd);
  return true;
}

}  // namespace

std::string declared_charset(std::string_view body, std::string_view content_type) {
  if (body.starts_with("\xEF\xBB\xBF")) return "utf-8";
  if (body.starts_with("\xFE\xFF")) return "utf-16be";
  if (body.starts_with("\xFF\xFE")) return "utf-16le";
  if (std::string charset = charset_parameter(content_type); !charset.empty()) return charset;
  return prescan_meta(body);
}

PageText utf8_page_text(std::string& body, std::string_view content_type) {
  PageText text;
  const std::string declared = declared_charset(body, content_type);
  std::string label(canonical_label(declared));
  if (label.empty())
    label = invalid_utf8_at(body) == std::string_view::npos ? "utf-8" : "windows-1252";
  text.charset = label;
  if (label == "utf-8") {
    text.utf8 = std::move(body);
    return text;
  }
  if (!convert(body, label, text.utf8, text.error)) text.utf8.clear();
  return text;
}

}  // namespace siteaudit::audit
