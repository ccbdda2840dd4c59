#include <asyncrt/terminal.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <sys/ioctl.h>
#include <unistd.h>

namespace asyncrt::terminal {

ColourChoice parse_colour_choice(std::string_view when) {
  if (when == "auto") return ColourChoice::automatic;
  if (when == "always") return ColourChoice::always;
  if (when == "never") return ColourChoice::never;
  throw std::invalid_argument("'" + std::string(when) +
                              "' is not a colour choice: auto, always or never");
}

bool use_colour(int fd, ColourChoice choice) {
  if (choice != ColourChoice::automatic) return choice == ColourChoice::always;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term == nullptr || std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

std::size_t width(int fd, std::size_t fallback) {
  std::size_t columns = fallback;
  winsize size{};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    columns = size.ws_col;
  } else if (const char* text = std::getenv("COLUMNS"); text != nullptr) {
    const std::string_view value(text);
    std::size_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error == std::errc() && end == value.data() + value.size()) columns = parsed;
  }
  return std::clamp<std::size_t>(columns, 40, 500);
}

trace::TextStyle text_style(int fd, ColourChoice choice) {
  trace::TextStyle style;
  style.width = width(fd);
  style.colour = use_colour(fd, choice);
  return style;
}

}  // namespace asyncrt::terminal
