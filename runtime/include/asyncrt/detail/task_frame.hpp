#pragma once
// run_in_task: runs one handler of a task and charges its time to that task (stall detector,
// tracer).

#include <chrono>

#include <asyncrt/detail/task_label.hpp>
#include <asyncrt/stall_detector.hpp>

namespace asyncrt::detail {

/// One handler of a task running on this thread. Frames nest when a handler of one task runs
/// another task's handler inline (a dispatch on the same thread): each task is charged only its
/// own time, so a stall is pinned on the task that computed, and the timeline shows the inner
/// task in the middle of the outer one.
struct TaskFrame {
  using Clock = std::chrono::steady_clock;

  const TaskLabel* label;
  TaskFrame* outer;
  bool coarse;  // timed on the coarse clock (see times_coarsely)
  Clock::time_point start;
  Clock::time_point segment_start;  // where the current uninterrupted piece began (tracer)
  std::chrono::nanoseconds nested{0};

  /// An inner frame starts at `now`: the piece so far ends. (Neither this nor finish() throws:
  /// they run in destructors; a trace span memory cannot hold is dropped.)
  void pause(Clock::time_point now) noexcept;
  /// The inner frame, which ran for `inner`, ended at `now`.
  void resume(Clock::time_point now, std::chrono::nanoseconds inner) noexcept;
  /// This frame ends at `now`: report its time.
  void finish(Clock::time_point now) noexcept;

  /// The time on the steady clock, or on the kernel's coarse monotonic clock (the same time
  /// base, advanced once per tick, read for about a third of the cost).
  static Clock::time_point now(bool coarse) noexcept;

  static thread_local TaskFrame* innermost;
};

/// The task whose handler runs on this thread now (innermost), or nullptr.
inline const TaskLabel* current_task_label() noexcept {
  return TaskFrame::innermost ? TaskFrame::innermost->label : nullptr;
}

/// Whether a task's handlers may be timed on the coarse clock: only the stall detector reads
/// the times of a task that is not traced, and its threshold says whether a tick is fine enough.
inline bool times_coarsely(const TaskLabel& label) noexcept {
  return label.detector && !label.traced && label.detector->coarse_clock_will_do();
}

/// Runs `handler` as a handler of the task `label`.
template <typename Handler>
void run_in_task(const TaskLabel& label, Handler& handler) {
  TaskFrame* const outer = TaskFrame::innermost;
  if (outer && outer->label == &label) {
    handler();  // the same task, nested: part of the outer handler's time
    return;
  }
  // A frame inside a finely timed one is timed finely too, so the outer one's times stay fine.
  const bool coarse = times_coarsely(label) && (!outer || outer->coarse);
  const auto now = TaskFrame::now(coarse);
  if (outer) outer->pause(now);
  TaskFrame frame{&label, outer, coarse, now, now};
  TaskFrame::innermost = &frame;
  struct Finish {
    TaskFrame& frame;
    ~Finish() {
      const auto end = TaskFrame::now(frame.coarse);
      TaskFrame::innermost = frame.outer;
      frame.finish(end);
      if (frame.outer) frame.outer->resume(end, end - frame.start);
    }
  } finish{frame};
  handler();
}

}  // namespace asyncrt::detail
