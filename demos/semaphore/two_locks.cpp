#include "semaphore/two_locks.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <asyncrt/asyncrt.hpp>

namespace asyncrt::semaphore_demo {
namespace {

using std::chrono::milliseconds;

// Who holds each lock and which lock each task waits for, kept up to date by the tasks as they
// go (on the loop thread only: the watchdog always sees a state that really was).
class WaitsFor {
 public:
  void waits(const std::string& task, const std::string& lock) { waiting_[task] = lock; }
  void took(const std::string& task, const std::string& lock) {
    waiting_.erase(task);
    holder_[lock] = task;
    taken_[task].push_back(lock);
  }
  void gave_back(const std::string& lock) { holder_.erase(lock); }

  // Tasks each waiting for a lock that the next one holds, round to the first; empty if none.
  std::vector<std::string> circle() const {
    for (const auto& [first, lock] : waiting_) {
      std::vector<std::string> path{first};
      for (std::string task = first;;) {
        const auto wanted = waiting_.find(task);
        if (wanted == waiting_.end()) break;
        const auto holder = holder_.find(wanted->second);
        if (holder == holder_.end()) break;
        task = holder->second;
        if (task == first) return path;
        if (std::find(path.begin(), path.end(), task) != path.end()) break;
        path.push_back(task);
      }
    }
    return {};
  }

  // "task-A holds the printer and waits for the scanner, which task-B holds".
  std::string state_of(const std::string& task) const {
    std::vector<std::string> held;
    for (const auto& [lock, holder] : holder_) {
      if (holder == task) held.push_back("the " + lock);
    }
    std::string state =
        fmt::format("{} holds {}", task,
                    held.empty() ? "nothing" : fmt::format("{}", fmt::join(held, " and ")));
    if (const auto wanted = waiting_.find(task); wanted != waiting_.end()) {
      state += fmt::format(" and waits for the {}", wanted->second);
      if (const auto holder = holder_.find(wanted->second); holder != holder_.end()) {
        state += fmt::format(", which {} holds", holder->second);
      }
    }
    return state;
  }

  // "took the printer, then the scanner".
  std::string order_of(const std::string& task) const {
    const auto taken = taken_.find(task);
    if (taken == taken_.end()) return "took nothing";
    std::vector<std::string> locks;
    for (const auto& lock : taken->second) locks.push_back("the " + lock);
    return fmt::format("took {}", fmt::join(locks, ", then "));
  }

  // A task that waits for a lock, if any does.
  std::optional<std::string> a_waiting_task() const {
    if (waiting_.empty()) return std::nullopt;
    return waiting_.begin()->first;
  }

 private:
  std::map<std::string, std::string> holder_;              // lock -> task
  std::map<std::string, std::string> waiting_;             // task -> lock
  std::map<std::string, std::vector<std::string>> taken_;  // task -> locks, in order
};

struct Lock {
  Mutex& mutex;
  std::string name;
};

// One task's job: its first lock, a moment's work, its second lock, the job that needs both.
Task<void> take_both(WaitsFor& graph, std::string task, Lock first, Lock second) {
  graph.waits(task, first.name);
  auto one = co_await first.mutex.lock();
  graph.took(task, first.name);
  co_await sleep_for(milliseconds(10));  // long enough for the other task to take its first
  graph.waits(task, second.name);
  auto two = co_await second.mutex.lock();
  graph.took(task, second.name);
  co_await sleep_for(milliseconds(10));
  graph.gave_back(second.name);
  two.unlock();
  graph.gave_back(first.name);
}  // `one` unlocks here

double ms_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

Task<TwoLocksRun> two_locks(bool same_order, milliseconds check) {
  Mutex printer, scanner;
  WaitsFor graph;
  const TimePoint start = now();
  std::string long_wait;  // the first check that found a task waiting, but no circle

  auto both = [&]() -> Task<void> {
    std::vector<Task<void>> jobs;
    jobs.push_back(
        named("task-A", take_both(graph, "task-A", {printer, "printer"}, {scanner, "scanner"})));
    jobs.push_back(named(
        "task-B", same_order
                      ? take_both(graph, "task-B", {printer, "printer"}, {scanner, "scanner"})
                      : take_both(graph, "task-B", {scanner, "scanner"}, {printer, "printer"})));
    co_await when_all(std::move(jobs));
  };
  // Returns the story of the deadlock, told while it still stands.
  auto watchdog = [&]() -> Task<std::string> {
    for (;;) {
      co_await sleep_for(check);
      if (const auto circle = graph.circle(); !circle.empty()) {
        std::vector<std::string> states;
        for (const auto& task : circle) states.push_back(graph.state_of(task));
        co_return fmt::format("\n  {}:\n  neither can go on", fmt::join(states, ";\n  "));
      }
      if (const auto waiting = graph.a_waiting_task(); long_wait.empty() && waiting) {
        long_wait = fmt::format("the {:.0f} ms check saw a wait, not a circle: {}",
                                ms_between(start, now()), graph.state_of(*waiting));
      }
    }
  };

  auto first = co_await when_any(both(), watchdog());
  TwoLocksRun run;
  run.ms = ms_between(start, now());
  if (first.index() == 1) {
    run.deadlock = true;
    run.story =
        fmt::format("DEADLOCK detected at the {:.0f} ms check:{}", run.ms, std::get<1>(first));
    co_return run;
  }
  run.story = fmt::format("both tasks finished in {:.0f} ms:\n  task-A {}; task-B {}", run.ms,
                          graph.order_of("task-A"), graph.order_of("task-B"));
  if (!long_wait.empty()) run.story += fmt::format("\n  ({})", long_wait);
  co_return run;
}

}  // namespace asyncrt::semaphore_demo
