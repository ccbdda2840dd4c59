#pragma once
// Terminal conventions for a program's output: whether to write colour (no-color.org's
// NO_COLOR, TERM=dumb, --color=auto|always|never, a terminal or not) and how wide to draw.

#include <cstddef>
#include <string_view>

#include <asyncrt/timeline.hpp>

namespace asyncrt::terminal {

/// What a user asked for with --color=WHEN.
enum class ColourChoice { automatic, always, never };

/// "auto", "always" or "never" (as for --color); throws std::invalid_argument naming the three
/// for anything else.
ColourChoice parse_colour_choice(std::string_view when);

/// Whether to write ANSI colour codes to the file descriptor `fd`. `always` and `never` are
/// obeyed as they are (a command-line choice overrides the environment); `automatic` means
/// colour only if `fd` is a terminal, NO_COLOR is unset or empty, and TERM is set and not
/// "dumb". So a pipe, a file, or the pipe mpirun gives its ranks gets no colour.
bool use_colour(int fd, ColourChoice choice = ColourChoice::automatic);

/// The width to draw at on `fd`, in columns: the terminal's own width if `fd` is a terminal
/// that reports one, else $COLUMNS if it holds a number, else `fallback`; kept between 40 and
/// 500.
std::size_t width(int fd, std::size_t fallback = 80);

/// A timeline's text style for `fd`: its width and whether to colour (see above).
trace::TextStyle text_style(int fd, ColourChoice choice = ColourChoice::automatic);

}  // namespace asyncrt::terminal
