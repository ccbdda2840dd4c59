#pragma once
// Timelines: what a demo's --timeline, --svg and --trace turn into.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asyncrt/timeline.hpp>
#include <asyncrt/trace.hpp>

#include "common/demo_cli.hpp"

namespace asyncrt::demo {

/// Records the run when any of --timeline, --svg, --trace was given (construct it before the
/// demo's Runtime, on the main thread, which it names "main" in logs and timelines). A demo made of
/// sections calls section() before each and show() after it: --timeline draws that section in the
/// terminal. finish() writes the --svg file (one titled panel per section shown, or the whole
/// run) and the --trace file (the whole run), each to a temporary name first and renamed, so a
/// failed run never leaves a partial file.
class Timelines {
 public:
  explicit Timelines(const Cli& cli);

  bool on() const noexcept { return recording_.has_value(); }
  /// A new section starts now.
  void section() noexcept { section_start_ = trace::Clock::now(); }
  /// Ends the section that section() began: draws its spans under `title` if --timeline was
  /// given, and keeps it as a panel of the --svg picture.
  void show(std::string_view title);
  /// Writes the --svg and --trace files (titled `title`).
  void finish(std::string_view title);

 private:
  const Cli& cli_;
  struct Section {
    std::string title;
    trace::Clock::time_point start, end;
  };
  // The spans of [start, end], laid out from start.
  trace::Timeline layout(std::vector<trace::Span> spans, const Section& section) const;

  std::optional<trace::Recording> recording_;
  trace::Clock::time_point section_start_;
  std::vector<Section> sections_;
};

}  // namespace asyncrt::demo
