#pragma once
// Timelines: what a demo's --timeline, --svg and --trace turn into.

#include <optional>
#include <string>
#include <string_view>

#include <asyncrt/trace.hpp>

#include "common/demo_cli.hpp"

namespace asyncrt::demo {

/// Records the run when any of --timeline, --svg, --trace was given (construct it before the
/// demo's Runtime, on the main thread, which it names "main" in logs and timelines). A demo made of
/// sections calls section() before each and show() after it: --timeline draws that section in the
/// terminal. finish() writes the whole run to the --svg and --trace files (each written to a
/// temporary name first and renamed, so a failed run never leaves a partial file).
class Timelines {
 public:
  explicit Timelines(const Cli& cli);

  bool on() const noexcept { return recording_.has_value(); }
  /// A new section starts now.
  void section() noexcept { section_start_ = trace::Clock::now(); }
  /// Draws the spans since section() (or the start) under `title`, if --timeline was given.
  void show(std::string_view title) const;
  /// Writes the --svg and --trace files (titled `title`).
  void finish(std::string_view title);

 private:
  const Cli& cli_;
  std::optional<trace::Recording> recording_;
  trace::Clock::time_point section_start_;
};

}  // namespace asyncrt::demo
