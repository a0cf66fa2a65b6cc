// header_list.cpp — see header_list.hpp.
#include "siteaudit/net/header_list.hpp"

#include "siteaudit/net/ascii.hpp"
#include "siteaudit/runtime/fatal.hpp"

namespace siteaudit::net {

void HeaderList::add(std::string_view name, std::string_view value) {
  // libcurl caps a response's headers at 300 KB (CURL_MAX_HTTP_HEADER): 32-bit offsets hold.
  if (text_.size() + name.size() + value.size() > 0xFFFFFFFFu) {
    rt::fatal("HeaderList: headers beyond 4 GiB");
  }
  Span span{.at = static_cast<std::uint32_t>(text_.size()),
            .name_size = static_cast<std::uint32_t>(name.size()),
            .value_size = static_cast<std::uint32_t>(value.size())};
  text_.append(name).append(value);
  for (std::size_t i = span.at; i < span.at + span.name_size; ++i) text_[i] = to_lower(text_[i]);
  spans_.push_back(span);
}

void HeaderList::extend_last(std::string_view more) {
  if (spans_.empty()) return;
  // The last value ends the buffer, so it grows where it is.
  text_ += ' ';
  text_.append(more);
  spans_.back().value_size += static_cast<std::uint32_t>(1 + more.size());
}

HeaderList::value_type HeaderList::at(std::size_t index) const noexcept {
  const Span& span = spans_[index];
  const std::string_view text(text_);
  return {text.substr(span.at, span.name_size),
          text.substr(span.at + span.name_size, span.value_size)};
}

std::optional<std::string_view> HeaderList::find(std::string_view lower_name) const noexcept {
  for (const auto& [name, value] : *this) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

}  // namespace siteaudit::net
