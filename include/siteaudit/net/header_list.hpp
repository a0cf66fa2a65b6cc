// header_list.hpp — a response's headers in one buffer: names lower-case, values trimmed.
//
// A response carries a dozen headers. Kept as a vector of string pairs they cost an allocation
// for every value longer than the small-string buffer (Date, Last-Modified, ETag) and several
// for the vector, on every request; here they cost two buffers, which a pooled transfer keeps.
//
// Example:
//   HeaderList headers;
//   headers.add("Content-Type", "text/html");
//   for (const auto& [name, value] : headers) log(name, value);  // "content-type" "text/html"
//   std::optional<std::string_view> type = headers.find("content-type");
//
// Thread safety: a value; no sharing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siteaudit::net {

class HeaderList {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  HeaderList() = default;
  HeaderList(std::initializer_list<value_type> headers) {
    for (const auto& [name, value] : headers) add(name, value);
  }
  // HeaderList(pairs) adds each (name, value) of a range in order (tests, conversions).
  template <typename Pairs>
  explicit HeaderList(const Pairs& pairs) {
    for (const auto& [name, value] : pairs) add(name, value);
  }

  // add() appends a header; the name is stored in lower case (header names are
  // case-insensitive), the value as given.
  void add(std::string_view name, std::string_view value);
  // extend_last() appends " more" to the last header's value (obsolete line folding, RFC 9112
  // section 5.2). Without a header it does nothing.
  void extend_last(std::string_view more);
  // clear() forgets the headers and keeps the buffers.
  void clear() noexcept {
    text_.clear();
    spans_.clear();
  }

  bool empty() const noexcept { return spans_.empty(); }
  std::size_t size() const noexcept { return spans_.size(); }
  // find() is the value of the first header named `lower_name` (lower case).
  std::optional<std::string_view> find(std::string_view lower_name) const noexcept;

  class const_iterator {
   public:
    using value_type = HeaderList::value_type;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    value_type operator*() const noexcept { return list_->at(index_); }
    const_iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) noexcept {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const const_iterator& other) const noexcept = default;

   private:
    friend class HeaderList;
    const_iterator(const HeaderList* list, std::size_t index) : list_(list), index_(index) {}
    const HeaderList* list_ = nullptr;
    std::size_t index_ = 0;
  };
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, spans_.size()}; }
  // at() is header `index` (< size()).
  value_type at(std::size_t index) const noexcept;

  bool operator==(const HeaderList& other) const noexcept {
    return text_ == other.text_ && spans_ == other.spans_;
  }

 private:
  // Span is where one header's name and value lie in text_ (the value right after the name).
  struct Span {
    std::uint32_t at = 0, name_size = 0, value_size = 0;
    bool operator==(const Span&) const noexcept = default;
  };
  std::string text_;
  std::vector<Span> spans_;
};

}  // namespace siteaudit::net
