#pragma once
// Timelines: recorded spans drawn as lanes over time, in a terminal, as SVG, or as Chrome
// trace-event JSON (Perfetto, chrome://tracing).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <asyncrt/trace.hpp>

namespace asyncrt::trace {

/// The spans arranged for drawing: first one lane per thread (what each thread did, in order of
/// first appearance), then one lane per task that waited while holding no thread. Every task
/// gets a symbol ('A' to 'Z' in order of first appearance, then '*') and a colour index.
struct Timeline {
  struct Lane {
    std::string name;
    bool is_thread = true;           // a thread's lane; otherwise a suspended task's waits
    std::vector<std::size_t> spans;  // indexes into `spans`
  };
  struct Task {
    std::string name;
    char symbol;
  };

  std::vector<Span> spans;
  Clock::time_point origin;
  Clock::duration length{};  // from origin to the last span's end
  std::vector<Lane> lanes;
  std::vector<Task> tasks;           // in order of first appearance
  std::vector<std::size_t> task_of;  // per span: its index in `tasks`

  /// Lays out `spans` recorded since `origin` (spans before it are clipped to it).
  static Timeline layout(std::vector<Span> spans, Clock::time_point origin);
};

/// Terminal drawing options: total width in columns, and ANSI colour (for a terminal only).
struct TextStyle {
  std::size_t width = 80;
  bool colour = false;
  std::size_t max_task_lanes = 12;  // more suspended-task lanes are summarised in one line
};

/// The timeline as text lanes: a thread's lane shows the symbol of the task computing there
/// (upper case), or waiting while holding the thread (lower case), '#' blocked, '.' idle; a
/// suspended task's lane shows its waits ('~') and blocks ('#'). Tasks after the 26th share '*'.
std::string render_text(const Timeline& timeline, const TextStyle& style = {});

/// The same picture as a standalone SVG document (hover a bar for its task, kind and length).
/// Each task has a colour of its own; a thread that sleeps for a task (holds its thread) is a
/// pale bar with a solid edge, a task that waits holding no thread a dashed one.
std::string render_svg(const Timeline& timeline, std::string_view title);

/// One titled picture of several: a demo's sections (the ramen shop's modes) side by side.
struct TimelinePanel {
  std::string title;
  Timeline timeline;
};

/// Several timelines as one SVG document, one labelled panel under the other, each on its own
/// time axis with its own lanes and legend.
std::string render_svg(const std::vector<TimelinePanel>& panels, std::string_view title);

/// Chrome trace-event JSON: one track per thread, one per suspended task; times in µs.
std::string render_chrome_trace(const Timeline& timeline);

}  // namespace asyncrt::trace
