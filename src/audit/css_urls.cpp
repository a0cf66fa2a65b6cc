// css_urls.cpp — css_urls(): a CSS Syntax Level 3 §4 tokenizer that keeps only what loads.
//
// The tokenizer reads the bytes in place as UTF-8 rather than decoding them first: every byte
// at 0x80 or above belongs to a non-ASCII code point, and every non-ASCII code point (U+FFFD
// for an invalid sequence included) is an ident code point, so each decision the spec makes
// on code points can be made on one byte. Only a value that is kept (a URL) is decoded, one
// code point at a time, with the Encoding Standard's replacements. Newlines are not rewritten
// either: CR LF, CR, LF and FF are each one newline wherever the spec tests for one, and lines
// are counted from the byte offsets of the tokens kept.
//
// Tokens are consumed in one loop without recursion; every helper moves forward, so the work
// is linear in the input. The parser's nesting is reduced to what image-set() needs: a depth
// of parentheses and function tokens, and the depths at which an image-set( is open.
#include "audit/css_urls.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <utility>

#include "siteaudit/audit/utf8.hpp"
#include "siteaudit/net/ascii.hpp"

namespace siteaudit::audit {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

constexpr bool is_newline(char c) noexcept {
  return c == '\n' || c == '\r' || c == '\f';
}

constexpr bool is_whitespace(char c) noexcept {
  return is_newline(c) || c == ' ' || c == '\t';
}

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr bool is_hex_digit(char c) noexcept {
  return net::hex_value(c) >= 0;
}

// An ident-start code point: a letter, `_`, or non-ASCII. NUL counts, as the input
// preprocessing has made it U+FFFD.
constexpr bool is_ident_start(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || byte >= 0x80 || byte == 0;
}

constexpr bool is_ident_code_point(char c) noexcept {
  return is_ident_start(c) || is_digit(c) || c == '-';
}

// The spec's non-printable code points, which make a url token bad. NUL is not one of them:
// it has become U+FFFD before the tokenizer sees it.
constexpr bool is_non_printable(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 0x01 && byte <= 0x08) || byte == 0x0B || (byte >= 0x0E && byte <= 0x1F) ||
         byte == 0x7F;
}

struct Decoded {
  char32_t code_point;
  std::size_t length;  // bytes read, at least 1
};

// decode_at() reads one code point at `at` (< text.size()) as the Encoding Standard's UTF-8
// decoder does: the bounds of the second byte exclude overlong forms, surrogates and code
// points above U+10FFFF, and a sequence cut short is one U+FFFD, not counting the byte that
// cut it. NUL is U+FFFD, as the CSS input preprocessing says.
Decoded decode_at(std::string_view text, std::size_t at) noexcept {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead == 0 ? kReplacement : lead, 1};
  std::size_t needed = 0;
  char32_t cp = 0;
  unsigned char lower = 0x80, upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0) lower = 0xA0;
    if (lead == 0xED) upper = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    cp = lead & 0x07;
    if (lead == 0xF0) lower = 0x90;
    if (lead == 0xF4) upper = 0x8F;
  } else {
    return {kReplacement, 1};
  }
  std::size_t length = 1;
  for (; needed > 0; --needed, ++length) {
    if (at + length >= text.size()) return {kReplacement, length};
    const auto byte = static_cast<unsigned char>(text[at + length]);
    if (byte < lower || byte > upper) return {kReplacement, length};
    cp = (cp << 6) | (byte & 0x3F);
    lower = 0x80;
    upper = 0xBF;
  }
  return {cp, length};
}

// The longest function or at-rule name looked for is "-webkit-image-set" (17); a name is kept
// up to one more character, so that a longer one matches none.
constexpr std::size_t kNameLimit = 18;

class Tokenizer {
 public:
  Tokenizer(std::string_view css, std::uint32_t first_line) : css_(css), first_line_(first_line) {
    name_.reserve(kNameLimit);
  }

  std::vector<CssUrl> run() && {
    while (pos_ < css_.size()) {
      const char c = css_[pos_];
      // Whitespace and comments separate tokens without being the token after an @import.
      if (is_whitespace(c)) {
        ++pos_;
      } else if (c == '/' && at('*', pos_ + 1)) {
        skip_comment();
      } else {
        consume_token(std::exchange(import_pending_, false));
      }
    }
    return std::move(urls_);
  }

 private:
  bool at(char c, std::size_t i) const noexcept { return i < css_.size() && css_[i] == c; }

  // §4.3.8: a backslash not followed by a newline (EOF included: it escapes to U+FFFD).
  bool valid_escape_at(std::size_t i) const noexcept {
    return at('\\', i) && (i + 1 >= css_.size() || !is_newline(css_[i + 1]));
  }

  // §4.3.9.
  bool starts_ident_sequence(std::size_t i) const noexcept {
    if (i >= css_.size()) return false;
    const char c = css_[i];
    if (c == '-') {
      return (i + 1 < css_.size() && (is_ident_start(css_[i + 1]) || css_[i + 1] == '-')) ||
             valid_escape_at(i + 1);
    }
    return is_ident_start(c) || valid_escape_at(i);
  }

  // §4.3.10.
  bool starts_number(std::size_t i) const noexcept {
    if (i >= css_.size()) return false;
    const char c = css_[i];
    if (c == '+' || c == '-') ++i;
    if (i < css_.size() && is_digit(css_[i])) return true;
    return at('.', i) && i + 1 < css_.size() && is_digit(css_[i + 1]);
  }

  void skip_whitespace() noexcept {
    while (pos_ < css_.size() && is_whitespace(css_[pos_])) ++pos_;
  }

  // A CR LF pair is one newline (the input preprocessing).
  void skip_newline() noexcept { pos_ += css_.substr(pos_).starts_with("\r\n") ? 2 : 1; }

  void skip_comment() noexcept {
    const std::size_t end = css_.find("*/", pos_ + 2);
    pos_ = end == std::string_view::npos ? css_.size() : end + 2;
  }

  // §4.3.1, for every token but whitespace and comments.
  void consume_token(bool after_import) {
    const char c = css_[pos_];
    switch (c) {
      case '"':
      case '\'':
        consume_string_token(after_import);
        return;
      case '#':
        ++pos_;
        // A hash token's name is consumed like any ident, so that `#\"` opens no string.
        if ((pos_ < css_.size() && is_ident_code_point(css_[pos_])) || valid_escape_at(pos_))
          consume_ident_sequence();
        return;
      case '(':
        ++pos_;
        open(false);
        return;
      case ')':
        ++pos_;
        close();
        return;
      case '+':
      case '.':
        if (starts_number(pos_)) {
          consume_numeric_token();
        } else {
          ++pos_;
        }
        return;
      case '-':
        if (starts_number(pos_)) {
          consume_numeric_token();
        } else if (css_.substr(pos_ + 1).starts_with("->")) {
          pos_ += 3;  // CDC
        } else if (starts_ident_sequence(pos_)) {
          consume_ident_like_token(after_import);
        } else {
          ++pos_;
        }
        return;
      case '<':
        // CDO. Read as delims, its `--` would start an ident and hide a url( right after it.
        pos_ += css_.substr(pos_).starts_with("<!--") ? 4 : 1;
        return;
      case '@':
        ++pos_;
        if (starts_ident_sequence(pos_)) {
          consume_ident_sequence();
          import_pending_ = name_ == "import";
        }
        return;
      case '\\':
        if (valid_escape_at(pos_)) {
          consume_ident_like_token(after_import);
        } else {
          ++pos_;
        }
        return;
      default:
        if (is_digit(c)) {
          consume_numeric_token();
        } else if (is_ident_start(c)) {
          consume_ident_like_token(after_import);
        } else {
          ++pos_;  // a delim, or one of , : ; [ ] { }
        }
        return;
    }
  }

  // §4.3.7, after the backslash: the escaped code point, with pos_ past it.
  char32_t consume_escaped_code_point() noexcept {
    if (pos_ >= css_.size()) return kReplacement;
    if (!is_hex_digit(css_[pos_])) {
      const Decoded d = decode_at(css_, pos_);
      pos_ += d.length;
      return d.code_point;
    }
    std::uint32_t value = 0;
    for (int digits = 0; digits < 6 && pos_ < css_.size() && is_hex_digit(css_[pos_]); ++digits)
      value = value * 16 + static_cast<std::uint32_t>(net::hex_value(css_[pos_++]));
    if (pos_ < css_.size() && is_whitespace(css_[pos_])) skip_newline_or_space();
    const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
    return value == 0 || surrogate || value > 0x10FFFF ? kReplacement : value;
  }

  void skip_newline_or_space() noexcept {
    if (is_newline(css_[pos_])) {
      skip_newline();
    } else {
      ++pos_;
    }
  }

  // Appends the code point at pos_ (not a backslash) to `out` and moves past it.
  void append_code_point(std::string& out) {
    const char c = css_[pos_];
    const auto byte = static_cast<unsigned char>(c);
    if (byte != 0 && byte < 0x80) {
      out.push_back(c);
      ++pos_;
      return;
    }
    const Decoded d = decode_at(css_, pos_);
    if (d.code_point == kReplacement) {
      append_utf8(out, kReplacement);
    } else {
      out.append(css_.substr(pos_, d.length));
    }
    pos_ += d.length;
  }

  // §4.3.11. The name is kept in name_, ASCII lower-cased and cut at kNameLimit: it is only
  // compared with the few ASCII names that matter. A non-ASCII code point stays non-ASCII.
  void consume_ident_sequence() {
    name_.clear();
    auto keep = [this](char32_t cp) {
      if (name_.size() < kNameLimit)
        name_.push_back(cp < 0x80 ? net::to_lower(static_cast<char>(cp)) : '\x80');
    };
    while (pos_ < css_.size()) {
      const char c = css_[pos_];
      if (is_ident_code_point(c)) {
        keep(static_cast<unsigned char>(c) == 0 ? kReplacement : static_cast<unsigned char>(c));
        ++pos_;
      } else if (valid_escape_at(pos_)) {
        ++pos_;
        keep(consume_escaped_code_point());
      } else {
        return;
      }
    }
  }

  // §4.3.12 and §4.3.3. A number followed by an ident start is a dimension, whose unit is
  // consumed here, so that `10url(x)` holds no url token.
  void consume_numeric_token() {
    if (css_[pos_] == '+' || css_[pos_] == '-') ++pos_;
    skip_digits();
    if (at('.', pos_) && pos_ + 1 < css_.size() && is_digit(css_[pos_ + 1])) {
      ++pos_;
      skip_digits();
    }
    if (at('e', pos_) || at('E', pos_)) {
      std::size_t digits = pos_ + 1;
      if (at('+', digits) || at('-', digits)) ++digits;
      if (digits < css_.size() && is_digit(css_[digits])) {
        pos_ = digits;
        skip_digits();
      }
    }
    if (starts_ident_sequence(pos_)) {
      consume_ident_sequence();
    } else if (at('%', pos_)) {
      ++pos_;
    }
  }

  void skip_digits() noexcept {
    while (pos_ < css_.size() && is_digit(css_[pos_])) ++pos_;
  }

  // §4.3.4: an ident, a function, a url token, or the url( function with a string.
  void consume_ident_like_token(bool after_import) {
    const std::size_t start = pos_;
    consume_ident_sequence();
    if (!at('(', pos_)) return;
    ++pos_;
    if (name_ != "url") {
      open(name_ == "image-set" || name_ == "-webkit-image-set");
      return;
    }
    skip_whitespace();
    if (at('"', pos_) || at('\'', pos_)) {
      // The function token url( and, after the whitespace, its string: the URL.
      open(false);
      const std::size_t string_start = pos_;
      if (consume_string(&value_)) keep(string_start, after_import);
      return;
    }
    consume_url_token(start, after_import);
  }

  // §4.3.5 from the quote: true for a string token (its value in *value when given), false for
  // a bad string, which leaves pos_ on the newline that ended it.
  bool consume_string(std::string* value) {
    const char quote = css_[pos_++];
    if (value != nullptr) value->clear();
    while (pos_ < css_.size()) {
      const char c = css_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (is_newline(c)) return false;
      if (c == '\\') {
        ++pos_;
        if (pos_ >= css_.size()) break;  // the backslash escapes nothing
        if (is_newline(css_[pos_])) {
          skip_newline();  // a continuation line
        } else {
          const char32_t cp = consume_escaped_code_point();
          if (value != nullptr) append_utf8(*value, cp);
        }
      } else if (value != nullptr) {
        append_code_point(*value);
      } else {
        ++pos_;
      }
    }
    return true;  // EOF ends a string token, not a bad one
  }

  void consume_string_token(bool after_import) {
    const std::size_t start = pos_;
    const bool wanted = after_import || in_image_set();
    if (consume_string(wanted ? &value_ : nullptr) && wanted) keep(start, after_import);
  }

  // §4.3.6, from after `url(` and its whitespace; `start` is where `url` began.
  void consume_url_token(std::size_t start, bool after_import) {
    value_.clear();
    while (pos_ < css_.size()) {
      const char c = css_[pos_];
      if (c == ')') {
        ++pos_;
        break;
      }
      if (is_whitespace(c)) {
        skip_whitespace();
        if (pos_ < css_.size() && css_[pos_] != ')') return skip_bad_url_remnants();
        continue;  // to the `)` or EOF
      }
      if (c == '"' || c == '\'' || c == '(' || is_non_printable(c)) return skip_bad_url_remnants();
      if (c == '\\') {
        if (!valid_escape_at(pos_)) return skip_bad_url_remnants();
        ++pos_;
        append_utf8(value_, consume_escaped_code_point());
        continue;
      }
      append_code_point(value_);
    }
    keep(start, after_import);  // at `)` or EOF: a url token
  }

  // §4.3.14: up to and including the `)` that is not escaped, or EOF.
  void skip_bad_url_remnants() noexcept {
    while (pos_ < css_.size()) {
      if (css_[pos_] == ')') {
        ++pos_;
        return;
      }
      // Skipping the backslash and the code point after it is enough: no escaped code point
      // goes on with a `)` that could end the remnants.
      pos_ = valid_escape_at(pos_) ? std::min(pos_ + 2, css_.size()) : pos_ + 1;
    }
  }

  void open(bool image_set) {
    ++depth_;
    if (image_set) image_set_depths_.push_back(depth_);
  }

  void close() noexcept {
    if (depth_ == 0) return;  // a `)` with no `(`: the parser keeps it as a token
    if (!image_set_depths_.empty() && image_set_depths_.back() == depth_)
      image_set_depths_.pop_back();
    --depth_;
  }

  // True when a string here is an argument of image-set( itself, not of a function or a
  // parenthesis inside it.
  bool in_image_set() const noexcept {
    return !image_set_depths_.empty() && image_set_depths_.back() == depth_;
  }

  // keep() adds value_ as a URL whose token starts at byte `start`, unless it is empty.
  void keep(std::size_t start, bool import) {
    if (value_.empty()) return;
    urls_.push_back(CssUrl{value_, line_at(start), import});
  }

  // line_at() is the line of byte `offset`; offsets only grow, so the text is read once.
  std::uint32_t line_at(std::size_t offset) noexcept {
    for (; counted_to_ < offset; ++counted_to_) {
      const char c = css_[counted_to_];
      if (c == '\r' || c == '\f' ||
          (c == '\n' && (counted_to_ == 0 || css_[counted_to_ - 1] != '\r')))
        ++line_breaks_;
    }
    constexpr std::uint64_t kLast = std::numeric_limits<std::uint32_t>::max();
    return static_cast<std::uint32_t>(std::min(first_line_ + line_breaks_, kLast));
  }

  std::string_view css_;
  std::size_t pos_ = 0;
  std::uint64_t first_line_;
  std::size_t counted_to_ = 0;     // line_at() has counted the newlines before this offset:
  std::uint64_t line_breaks_ = 0;  // this many
  std::string name_;               // the last ident sequence (consume_ident_sequence())
  std::string value_;              // the string or url token being read, when it is kept
  bool import_pending_ = false;    // the last token was @import
  std::size_t depth_ = 0;          // open parentheses and function tokens
  std::vector<std::size_t> image_set_depths_;  // the depth_ of each open image-set(, innermost last
  std::vector<CssUrl> urls_;
};

}  // namespace

std::vector<CssUrl> css_urls(std::string_view css, std::uint32_t first_line) {
  return Tokenizer(css, first_line).run();
}

}  // namespace siteaudit::audit
