#pragma once
// trace: spans of work (whose work, what kind, on which thread, from when to when), recorded
// while a trace::Recording is on, for timelines (asyncrt/timeline.hpp).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asyncrt::trace {

using Clock = std::chrono::steady_clock;

/// What a span of work was doing.
enum class Kind {
  computing,  ///< running on a thread: a handler on the loop, offloaded work, a thread's job
  waiting,    ///< a task suspended on a timer, I/O, a channel or an event: it holds no thread
  blocked,    ///< waiting for a lock, a semaphore or room in a full channel
};

/// "computing", "waiting" or "blocked".
std::string_view kind_name(Kind kind) noexcept;

/// One span of work.
struct Span {
  std::string task;  ///< whose work: a task's name, or a thread's job
  Kind kind = Kind::computing;
  std::string thread;  ///< the thread it ran on; empty for a suspended task (it holds none)
  std::string via;     ///< what serialised it ("strand"), or empty
  Clock::time_point start;
  Clock::time_point end;
};

namespace detail {
extern std::atomic<bool> recording;
/// Counts a span that could not even be made (memory ran out) as dropped.
void drop_span() noexcept;

/// A span being timed: open() stamps its start, the destructor stamps its end and records it.
/// Never opened (no Span built at all) while no Recording is on; one pointer wide, so a waiting
/// task's frame does not carry a whole Span while nothing is traced.
class OpenSpan {
 public:
  OpenSpan() = default;
  ~OpenSpan();
  OpenSpan(const OpenSpan&) = delete;
  OpenSpan& operator=(const OpenSpan&) = delete;
  void open(std::string task, Kind kind, std::string thread, std::string via);

 private:
  std::unique_ptr<Span> span_;
};
}  // namespace detail

/// True while a Recording is on. One relaxed load: this is the whole cost of tracing when off.
inline bool enabled() noexcept {
  return detail::recording.load(std::memory_order_relaxed);
}

/// Records every span of work in the process from construction until finish() (or
/// destruction). One Recording at a time; constructing a second throws std::logic_error.
/// Start it before the Runtime, so the Runtime's tasks are traced too.
///
/// Threads: spans are recorded from any thread (under a mutex; spans are coarse: a handler
/// run, a wait, an offloaded job). At most `max_spans` are kept; dropped() counts the rest.
class Recording {
 public:
  explicit Recording(std::size_t max_spans = 1'000'000);
  ~Recording();
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  /// Stops recording and returns the spans, ordered by start time.
  std::vector<Span> finish();
  /// The spans so far, ordered by start time; recording goes on.
  std::vector<Span> snapshot() const;
  /// When the recording started: time 0 of a timeline.
  Clock::time_point origin() const noexcept { return origin_; }
  /// Spans that did not fit under max_spans, or that memory could not hold.
  std::size_t dropped() const noexcept;

 private:
  Clock::time_point origin_;
  bool finished_ = false;
};

/// Adds a span (from any thread). Does nothing while no Recording is on. A span that memory
/// cannot hold is counted as dropped: recording never fails the work it watches.
void record(Span span) noexcept;

/// Names the calling thread in spans ("loop", "cpu-1", "cook-2", "main").
void name_this_thread(std::string name);
/// Names the calling thread "<prefix>-<n>" (n counts per prefix from 1) unless it has a name.
void name_this_thread_once(std::string_view prefix);
/// The calling thread's name; an unnamed thread becomes "thread-<n>".
const std::string& this_thread_name();

/// The name of the asyncrt task whose handler runs on this thread now, or "" (the Runtime
/// tracks this while a Recording is on, or while its stall detector is on).
std::string_view current_task() noexcept;

/// A span on the calling thread from construction to destruction: for work a plain thread does
/// (a synchronous cook, a thread holding a lock). Does nothing while no Recording is on.
class Scope {
 public:
  explicit Scope(std::string task, Kind kind = Kind::computing, std::string via = {});

 private:
  detail::OpenSpan span_;
};

/// A task's wait, from construction (just before a `co_await`) to destruction (after it
/// resumes, or when the coroutine is destroyed). The span holds no thread. `task` defaults to
/// current_task().
class Suspension {
 public:
  explicit Suspension(Kind kind = Kind::waiting);
  Suspension(std::string task, Kind kind);

 private:
  detail::OpenSpan span_;
};

}  // namespace asyncrt::trace
