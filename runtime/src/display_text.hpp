#pragma once
// Names as the timeline renderers show them: any bytes made printable UTF-8, measured in
// terminal columns, and cut to a width at a character boundary. Private to the runtime's
// sources (timeline_layout.cpp cleans every name once; the renderers measure and cut).

#include <cstddef>
#include <string>
#include <string_view>

namespace asyncrt::trace::detail {

/// `bytes` as valid, printable UTF-8: a byte that does not start a valid UTF-8 sequence (or a
/// character XML may not hold, U+FFFE, U+FFFF) becomes U+FFFD; a control character (C0, DEL,
/// C1: a tab, a newline, a BEL) becomes its escape, "\x07" or "\u0085". The result can go into
/// a terminal, an XML document and a JSON string as it is (after the format's own escaping).
std::string printable(std::string_view bytes);

/// The columns a printable string takes in a terminal: 2 for East Asian wide characters
/// (CJK, Hangul, full-width forms, emoji), 0 for combining marks and zero-width characters,
/// 1 for the rest.
std::size_t display_width(std::string_view printable);

/// `printable` cut to at most `columns` columns, never inside a character; a cut string ends
/// with "…" (counted in the columns).
std::string fit_width(std::string_view printable, std::size_t columns);

/// fit_width, then spaces up to exactly `columns` columns.
std::string pad_to_width(std::string_view printable, std::size_t columns);

}  // namespace asyncrt::trace::detail
