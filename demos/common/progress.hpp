#pragma once
// Progress: how far a long run has come, as one line on stderr redrawn in place.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include <asyncrt/trace.hpp>

namespace asyncrt::demo {

/// "asyncrt-primes: the serial mode: 1234 of 5000 numbers (24%), 3.1 s", on `fd` (stderr),
/// redrawn every quarter of a second once a stage has run half a second (short runs print
/// nothing), erased when the stage ends. Built disabled when nobody is watching (see
/// Cli::progress_wanted(): stderr not a terminal, or --quiet), and then it writes nothing.
///
/// Threads: advance() may be called from any thread (it adds to an atomic count); one thread
/// of its own draws the line; start() and finish() belong to the thread that runs the stages.
class Progress {
 public:
  Progress(std::string program, bool enabled, int fd = 2);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// A stage of `total` units ("numbers", "chunks") called `stage` ("the serial mode").
  void start(std::string stage, std::size_t total, std::string unit);
  /// `n` more units done.
  void advance(std::size_t n = 1) noexcept { done_.fetch_add(n, std::memory_order_relaxed); }
  /// Ends the stage and erases its line, if one was drawn.
  void finish();

 private:
  void draw_until_stopped(std::stop_token stop);
  void draw(bool erase);  // under mutex_

  std::string program_;
  bool enabled_;
  int fd_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;                  // the stage, and the line on the terminal
  std::condition_variable_any tick_;  // the drawer's wait, cut short by its stop token
  std::string stage_, unit_;
  std::size_t total_ = 0;
  trace::Clock::time_point started_{};
  bool running_ = false;
  std::size_t drawn_width_ = 0;  // columns of the line on the terminal now (0: none)
  std::jthread drawer_;
};

}  // namespace asyncrt::demo
