#pragma once
// Ctrl-C (SIGINT) and SIGTERM as a stop request: StopOnSignals for one Runtime, SignalWatch for
// a whole program (several Runtimes, plain threads, worker processes).

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>
#include <thread>

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

/// A program-wide watch: the first SIGINT or SIGTERM requests a stop on token(), which any
/// number of Runtimes (RuntimeOptions::stop_token) and plain threads can watch. A second one
/// is taken the same way (the stop is already requested); to end a program that ignores the
/// token, SIGKILL.
///
///     int main() {
///       asyncrt::SignalWatch signals;   // first, before any thread starts
///       asyncrt::Runtime runtime({.stop_token = signals.token()});
///       ...
///     }
///
/// Threads: construct it before any other thread starts. It blocks SIGINT and SIGTERM in the
/// calling thread, so every thread started afterwards inherits the blocked mask, and one thread
/// of its own takes them with sigwait() (no signal handler runs anywhere). Child processes
/// inherit the mask too: a terminal's Ctrl-C, which goes to the whole process group, leaves
/// them running and stops the parent, which can then end them in order. (Unblock the signals
/// in a child that must die by them.) Destroying it, on the thread that built it, ends the
/// watching thread and gives that thread its previous mask back.
class SignalWatch {
 public:
  SignalWatch();
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  /// Stopped when the first signal arrives.
  std::stop_token token() const noexcept { return stop_.get_token(); }
  /// The first signal received (SIGINT or SIGTERM), or 0.
  int signal() const noexcept { return signal_.load(); }

 private:
  std::stop_source stop_;
  std::atomic<int> signal_{0};
  std::atomic<bool> closing_{false};
  std::thread watcher_;
  struct Mask;
  std::unique_ptr<Mask> previous_mask_;
};

}  // namespace asyncrt
