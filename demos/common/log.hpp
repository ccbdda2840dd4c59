#pragma once
// Log: timestamped lines that say which thread wrote them.

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "common/json.hpp"

namespace asyncrt::demo {

/// Prints "[  12.3 ms] main      (tid 4242) text" to stdout, one whole line at a time, from any
/// thread. Times count from the Log's construction. The thread's name is the tracer's
/// (trace::name_this_thread), so logs and timelines use the same names.
class Log {
 public:
  Log() noexcept : start_(std::chrono::steady_clock::now()) {}
  void operator()(std::string_view text) const;
  /// Milliseconds since construction.
  double elapsed_ms() const noexcept;
  void restart() noexcept { start_ = std::chrono::steady_clock::now(); }

  /// From now on every line is also kept (for --json), in every copy of this Log.
  void keep_lines();
  /// The lines kept since the last call, oldest first: {"ms","thread","tid","text"} each.
  std::vector<JsonObject> take_lines() const;

 private:
  struct Kept;
  std::chrono::steady_clock::time_point start_;
  std::shared_ptr<Kept> kept_;
};

/// Milliseconds from `start` until now.
double ms_since(std::chrono::steady_clock::time_point start) noexcept;

/// The kernel's id of the calling thread (what `ps -L` shows).
long thread_id() noexcept;

}  // namespace asyncrt::demo
