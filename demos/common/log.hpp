#pragma once
// Log: timestamped lines that say which thread wrote them.

#include <chrono>
#include <string_view>

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

 private:
  std::chrono::steady_clock::time_point start_;
};

/// Milliseconds from `start` until now.
double ms_since(std::chrono::steady_clock::time_point start) noexcept;

/// The kernel's id of the calling thread (what `ps -L` shows).
long thread_id() noexcept;

}  // namespace asyncrt::demo
