#include <asyncrt/timeline.hpp>

#include <algorithm>
#include <map>

#include "display_text.hpp"

namespace asyncrt::trace {
namespace {

// Upper case: computing. A thread that waits for a task (sleeps holding the thread) shows the
// task's symbol in lower case.
constexpr std::string_view symbols = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

}  // namespace

Timeline Timeline::layout(std::vector<Span> spans, Clock::time_point origin) {
  Timeline t;
  t.origin = origin;
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });
  t.spans = std::move(spans);

  std::map<std::string, std::size_t, std::less<>> thread_lane, task_lane, task_index;
  std::vector<Lane> task_lanes;
  for (std::size_t i = 0; i < t.spans.size(); ++i) {
    Span& span = t.spans[i];
    // Names are anything a program gave (any bytes): from here on, printable UTF-8.
    span.task = detail::printable(span.task);
    span.thread = detail::printable(span.thread);
    span.via = detail::printable(span.via);
    span.start = std::max(span.start, origin);
    span.end = std::max(span.end, span.start);
    t.length = std::max(t.length, span.end - origin);

    auto [task, new_task] = task_index.try_emplace(span.task, t.tasks.size());
    if (new_task) {
      const std::size_t n = t.tasks.size();
      t.tasks.push_back({span.task, n < symbols.size() ? symbols[n] : '*'});
    }
    t.task_of.push_back(task->second);

    const bool on_thread = !span.thread.empty();
    auto& index = on_thread ? thread_lane : task_lane;
    auto& lanes = on_thread ? t.lanes : task_lanes;
    const auto& name = on_thread ? span.thread : span.task;
    auto [lane, new_lane] = index.try_emplace(name, lanes.size());
    if (new_lane) lanes.push_back({name, on_thread, {}});
    lanes[lane->second].spans.push_back(i);
  }
  for (auto& lane : task_lanes) t.lanes.push_back(std::move(lane));
  return t;
}

}  // namespace asyncrt::trace
