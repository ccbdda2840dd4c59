#include <asyncrt/detail/task_frame.hpp>

#include <ctime>
#include <new>

#include <asyncrt/stall_detector.hpp>
#include <asyncrt/trace.hpp>

namespace asyncrt::detail {

thread_local TaskFrame* TaskFrame::innermost = nullptr;

TaskFrame::Clock::time_point TaskFrame::now(bool coarse) noexcept {
  if (!coarse) return Clock::now();
  timespec time{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &time);  // libstdc++'s steady_clock: CLOCK_MONOTONIC
  return Clock::time_point(std::chrono::seconds(time.tv_sec) +
                           std::chrono::nanoseconds(time.tv_nsec));
}

namespace {
void trace_piece(const TaskLabel& label, TaskFrame::Clock::time_point start,
                 TaskFrame::Clock::time_point end) noexcept {
  if (!label.traced || !trace::enabled() || end <= start) return;
  try {
    trace::record({label.name, trace::Kind::computing, trace::this_thread_name(), {}, start, end});
  } catch (const std::bad_alloc&) {  // (copying the names): the span is lost, and counted
    trace::detail::drop_span();
  }
}
}  // namespace

void TaskFrame::pause(Clock::time_point now) noexcept {
  trace_piece(*label, segment_start, now);
}

void TaskFrame::resume(Clock::time_point now, std::chrono::nanoseconds inner) noexcept {
  nested += inner;
  segment_start = now;
}

void TaskFrame::finish(Clock::time_point now) noexcept {
  trace_piece(*label, segment_start, now);
  if (label->detector) label->detector->record(label->name, now - start - nested);
}

}  // namespace asyncrt::detail
