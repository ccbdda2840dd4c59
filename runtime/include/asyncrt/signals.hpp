#pragma once
// StopOnSignals: Ctrl-C (SIGINT) and SIGTERM become Runtime::request_stop().

#include <functional>
#include <memory>

#include <asyncrt/runtime.hpp>

namespace asyncrt {

/// While it lives, the first SIGINT (Ctrl-C) or SIGTERM the process receives asks `runtime` to
/// stop: every task is cancelled (its current `co_await` wakes with `operation_aborted`), and
/// block_on() returns with that exception. A second one ends the program the default way, as
/// if nothing caught it: the way out of a task that ignores cancellation.
///
///     asyncrt::Runtime runtime;
///     asyncrt::StopOnSignals stop_on_ctrl_c(runtime);
///     runtime.block_on(serve());   // Ctrl-C: throws operation_aborted, main() can tidy up
///
/// Threads: Asio's signal_set catches the signals (on whichever thread the kernel picks) and
/// hands them to a thread of its own, which calls `on_signal(signal)` if given (on that thread:
/// it may print, or set a flag) and then request_stop(), so on_signal has run when block_on()
/// returns because of the signal. Declare it after the Runtime (it
/// is destroyed first); destroying it gives SIGINT and SIGTERM back their default action.
class StopOnSignals {
 public:
  explicit StopOnSignals(Runtime& runtime, std::function<void(int signal)> on_signal = {});
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  /// The first signal received (SIGINT or SIGTERM), or 0.
  int signal() const noexcept;

 private:
  struct Watcher;
  std::unique_ptr<Watcher> watcher_;
};

}  // namespace asyncrt
