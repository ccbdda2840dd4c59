#include "display_text.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include <fmt/core.h>

namespace asyncrt::trace::detail {
namespace {

constexpr char32_t replacement = 0xFFFD;

// The code point that starts at `text[at]` and its length in bytes; U+FFFD and 1 byte where
// the bytes there are not a valid UTF-8 sequence (overlong forms, surrogates and values past
// U+10FFFF are not).
struct Decoded {
  char32_t code_point;
  std::size_t length;
};

Decoded decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0, least = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, least = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, least = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, least = 0x10000;
  } else {
    return {replacement, 1};
  }
  if (at + length > text.size()) return {replacement, 1};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return {replacement, 1};
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  if (value < least || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return {replacement, 1};
  }
  return {value, length};
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

struct Range {
  char32_t first, last;
};

constexpr Range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489},  {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},  {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x202A, 0x202E}, {0x2060, 0x2064},  {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}};

constexpr Range wide[] = {{0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
                          {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
                          {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},
                          {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
                          {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};

bool in(const Range* first, const Range* last, char32_t c) {
  return std::any_of(first, last, [c](const Range& r) { return c >= r.first && c <= r.last; });
}

std::size_t width_of(char32_t c) {
  if (in(std::begin(zero_width), std::end(zero_width), c)) return 0;
  if (in(std::begin(wide), std::end(wide), c)) return 2;
  return 1;
}

}  // namespace

std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t at = 0; at < bytes.size();) {
    auto [c, length] = decode(bytes, at);
    at += length;
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else if (c >= 0x80 && c <= 0x9F) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      append_utf8(out, c == 0xFFFE || c == 0xFFFF ? replacement : c);
    }
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    auto [c, length] = decode(text, at);
    at += length;
    columns += width_of(c);
  }
  return columns;
}

std::string fit_width(std::string_view text, std::size_t columns) {
  if (display_width(text) <= columns) return std::string(text);
  if (columns == 0) return {};
  // Keep what fits in columns - 1, then the ellipsis.
  std::size_t used = 0, at = 0;
  while (at < text.size()) {
    auto [c, length] = decode(text, at);
    if (used + width_of(c) > columns - 1) break;
    used += width_of(c);
    at += length;
  }
  return std::string(text.substr(0, at)) + "…";
}

std::string pad_to_width(std::string_view text, std::size_t columns) {
  std::string out = fit_width(text, columns);
  out.append(columns - std::min(columns, display_width(out)), ' ');
  return out;
}

}  // namespace asyncrt::trace::detail
