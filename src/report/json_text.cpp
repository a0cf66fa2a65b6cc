// json_text.cpp — JSON strings for the machine-readable writers.
#include "json_text.hpp"

#include "text.hpp"

namespace siteaudit::report::json_text {

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.front());
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out += static_cast<char>(c);
      s.remove_prefix(1);
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
          break;
        }
        auto [cp, len] = text::decode_utf8(s);
        if (cp == text::kInvalidCodePoint) {
          out += text::kReplacementUtf8;
        } else {
          out.append(s.data(), len);
        }
        s.remove_prefix(len);
        continue;
    }
    s.remove_prefix(1);
  }
  out += '"';
}

}  // namespace siteaudit::report::json_text
