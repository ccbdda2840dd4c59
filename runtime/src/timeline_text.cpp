#include <asyncrt/timeline.hpp>

#include <algorithm>
#include <chrono>

#include <fmt/core.h>

#include "display_text.hpp"

namespace asyncrt::trace {
namespace {

// Lane labels take the room their longest name needs, between these widths (in columns): a
// name longer than the widest label is cut, with an ellipsis.
constexpr std::size_t narrowest_label = 14, widest_label = 24;

// A thread lane's label is its name; a task lane's is indented and starts with its letter.
constexpr std::size_t thread_label_extra = 1, task_label_extra = 4;

std::size_t label_width_of(const Timeline& t) {
  std::size_t width = narrowest_label;
  for (const auto& lane : t.lanes) {
    width = std::max(width, detail::display_width(lane.name) +
                                (lane.is_thread ? thread_label_extra : task_label_extra));
  }
  return std::min(width, widest_label);
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// What one cell of a lane shows, and how much of the cell it covers.
struct Cell {
  char symbol = 0;
  std::size_t task = 0;
  Clock::duration covered{};
};

char symbol_for(const Timeline& t, std::size_t span) {
  const char task = t.tasks[t.task_of[span]].symbol;
  switch (t.spans[span].kind) {
    case Kind::computing:
      return task;
    case Kind::waiting:
      // A thread that waits still holds the thread: its task's letter in lower case.
      if (!t.spans[span].thread.empty() && task != '*') return static_cast<char>(task - 'A' + 'a');
      return '~';
    case Kind::blocked:
      return '#';
  }
  return '?';
}

std::vector<Cell> cells_of(const Timeline& t, const Timeline::Lane& lane, std::size_t columns) {
  std::vector<Cell> cells(columns);
  const auto length = std::max(t.length, Clock::duration(1));
  const auto n = static_cast<Clock::rep>(columns);
  auto column_start = [&](std::size_t c) {
    return t.origin + length * static_cast<Clock::rep>(c) / n;
  };
  for (std::size_t i : lane.spans) {
    const Span& span = t.spans[i];
    const std::size_t first =
        std::min<std::size_t>((span.start - t.origin) * n / length, columns - 1);
    const std::size_t past_end = std::min<std::size_t>(
        ((span.end - t.origin) * n + length - Clock::duration(1)) / length, columns);
    const std::size_t last = std::max(first, past_end == 0 ? 0 : past_end - 1);
    for (std::size_t c = first; c <= last; ++c) {
      // The span covering most of the cell wins; on a tie the later one (spans come in start
      // order), so a span nested in another (a sleep inside an offloaded job) shows.
      const auto covered =
          std::max(std::min(span.end, column_start(c + 1)) - std::max(span.start, column_start(c)),
                   Clock::duration(1));
      if (cells[c].symbol == 0 || covered >= cells[c].covered) {
        cells[c] = {symbol_for(t, i), t.task_of[i], covered};
      }
    }
  }
  return cells;
}

constexpr std::string_view palette[] = {"31", "32", "33", "34", "35", "36"};

std::string paint(const Cell& cell, bool colour, char empty, Clock::duration column) {
  if (cell.symbol == 0) return std::string(1, empty);
  const bool computing = cell.symbol >= 'A' && cell.symbol <= 'Z';
  if (computing && cell.covered * 4 < column) return "'";  // brief: under a quarter of a column
  if (!colour) return std::string(1, cell.symbol);
  if (cell.symbol == '~') return "\x1b[2m~\x1b[0m";
  if (cell.symbol == '#') return "\x1b[1;31m#\x1b[0m";
  return fmt::format("\x1b[{}m{}\x1b[0m", palette[cell.task % std::size(palette)], cell.symbol);
}

}  // namespace

std::string render_text(const Timeline& t, const TextStyle& style) {
  const std::size_t label_width = label_width_of(t);
  const std::size_t columns =
      std::max<std::size_t>(style.width, label_width + 12) - label_width - 2;
  std::string out;
  const std::string end = fmt::format("{:.0f} ms", ms(t.length));
  out += fmt::format("{:<{}}|0{:>{}}|\n", "", label_width, end, columns - 1);

  std::size_t task_lanes = 0, hidden = 0;
  for (const auto& lane : t.lanes) {
    std::string label;
    if (lane.is_thread) {
      label = detail::pad_to_width(lane.name, label_width - thread_label_extra) + " ";
    } else {
      if (++task_lanes > style.max_task_lanes) {
        ++hidden;
        continue;
      }
      const char symbol = t.tasks[t.task_of[lane.spans.front()]].symbol;
      label = fmt::format(" {} {} ", symbol,
                          detail::pad_to_width(lane.name, label_width - task_label_extra));
    }
    out += label + "|";
    const auto column = std::max(t.length, Clock::duration(1)) / static_cast<Clock::rep>(columns);
    for (const auto& cell : cells_of(t, lane, columns)) {
      out += paint(cell, style.colour, lane.is_thread ? '.' : ' ', column);
    }
    out += "|\n";
  }
  if (hidden > 0) out += fmt::format("{:<{}}(+{} more task lanes)\n", "", label_width, hidden);

  // Legend: symbols to task names, wrapped to the width (a name too long for a line is cut).
  const std::string indent = "      ";
  std::string line = "tasks:";
  std::size_t line_width = line.size();
  for (const auto& task : t.tasks) {
    const std::string entry = fmt::format(
        " {}={}", task.symbol,
        detail::fit_width(task.name, std::max<std::size_t>(style.width, 20) - indent.size() - 3));
    const std::size_t entry_width = detail::display_width(entry);
    if (line_width + entry_width > style.width) {
      out += line + "\n";
      line = indent;
      line_width = indent.size();
    }
    line += entry;
    line_width += entry_width;
  }
  out += line + "\n";
  out +=
      "key: A = task A computing on the thread, a = the thread sleeps for task A,\n"
      "     ' brief work, . idle, ~ task waits (holds no thread), # blocked (lock...)\n";
  return out;
}

}  // namespace asyncrt::trace
