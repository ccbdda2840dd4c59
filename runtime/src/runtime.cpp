#include <asyncrt/runtime.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/core.h>

#include <asyncrt/detail/watched_executor.hpp>
#include <asyncrt/trace.hpp>

#include "task_thread.hpp"

namespace asyncrt {
namespace {

thread_local Runtime* current_runtime = nullptr;

std::size_t cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

bool is_operation_aborted(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

}  // namespace

Runtime::Runtime(RuntimeOptions options)
    : options_(std::move(options)),
      cpu_threads_(options_.cpu_threads ? options_.cpu_threads : cores()),
      stall_detector_(options_.detect_stalls
                          ? std::optional<StallDetector>(std::in_place, options_.stall_threshold,
                                                         options_.on_stall)
                          : std::nullopt),
      task_labels_(stall_detector_ ? &*stall_detector_ : nullptr),
      virtual_clock_(options_.virtual_time
                         ? std::make_unique<detail::VirtualClock>(std::chrono::steady_clock::now())
                         : nullptr),
      loop_work_(asio::make_work_guard(loop_)),
      alarm_clock_(detail::AlarmClock::of(loop_)),
      cpu_pool_(cpu_threads_, options_.spin,
                [this](std::exception_ptr error) {
                  pool_job_failed("a job on the CPU pool", std::move(error));
                }),
      blocking_pool_(options_.blocking_threads ? options_.blocking_threads
                                               : std::max<std::size_t>(4, 2 * cores()),
                     [this](std::exception_ptr error) {
                       pool_job_failed("a job on the blocking pool", std::move(error));
                     }) {
  alarm_clock_.use_virtual_clock(virtual_clock_.get());
  loop_thread_ = std::thread([this] { run_loop(); });
  loop_thread_id_ = loop_thread_.get_id();
}

Runtime::~Runtime() {
  shutdown();
  const std::size_t failed = failed_tasks_.load();
  if (failed > 0 && !failures_observed_.load() && std::uncaught_exceptions() == 0) {
    fmt::print(stderr,
               "asyncrt: {} detached task(s) failed and nobody checked Runtime::failed_tasks(); "
               "exiting with status 1\n",
               failed);
    std::exit(1);
  }
}

void Runtime::run_loop() {
  current_runtime = this;
  trace::name_this_thread("loop");
  // A handler that throws must not take the loop down with it: report it and keep serving.
  for (;;) {
    try {
      if (virtual_clock_) {
        run_in_virtual_time();
      } else {
        run_in_real_time();
      }
      break;
    } catch (...) {
      report_failure("a handler on the event loop", std::current_exception());
    }
  }
  current_runtime = nullptr;
}

// Where a task runs: its executor, and the label that executor carries (null when nothing
// watches tasks).
struct Runtime::TaskPlace {
  asio::any_io_executor executor;
  const detail::TaskLabel* label;
};

// ----- Tasks ---------------------------------------------------------------------------------
// A task starts on the loop thread (start() posts it there from any other thread) with a record
// in tasks_: its name and the signal that cancels it. It runs on the loop's executor, or, when
// stalls are watched or a trace is recorded, on a WatchedExecutor that charges each of its
// handlers to its name. When it ends, its record goes and live_tasks_ counts down.

void Runtime::spawn(Task<void> task, std::string name) {
  start(std::move(task), std::move(name), true);
}

void Runtime::start(Task<void> task, std::string name, bool detached) {
  if (loop_stopped_) {
    throw std::logic_error("asyncrt: cannot start task '" + name +
                           "': the Runtime has been shut down");
  }
  live_tasks_.fetch_add(1, std::memory_order_relaxed);
  if (in_loop_thread()) {
    launch(std::move(task), std::move(name), detached);
    return;
  }
  asio::post(loop_, [this, task = std::move(task), name = std::move(name), detached]() mutable {
    launch(std::move(task), std::move(name), detached);
  });
}

void Runtime::launch(Task<void> task, std::string name, bool detached) {
  auto* record = tasks_.add(task_labels_.label(name, trace::enabled()));
  const TaskPlace place = place_task(record->label);
  auto start = [&] {
    if (detached) {
      detail::start_task<&detached_task_ended>(std::move(task), place.executor, record,
                                               cancelling_);
    } else {
      detail::start_task<&awaited_task_ended>(std::move(task), place.executor, record, cancelling_);
    }
  };
  if (place.label) {
    detail::run_in_task(*place.label, start);  // its first piece runs inside spawn(): its time
  } else {
    start();
  }
}

void Runtime::detached_task_ended(detail::TaskRegistry::Record* record, std::exception_ptr error) {
  Runtime& self = *try_current();  // a task ends on its Runtime's loop thread
  if (!error) {
    self.completed_tasks_.fetch_add(1);
  } else if (self.cancelling_ && is_operation_aborted(error)) {
    self.cancelled_tasks_.fetch_add(1);  // stopped by shutdown(): cancelled, not failed
  } else {
    self.report_failure((*record->label).name, std::move(error));
  }
  self.finish_task(record);
}

void Runtime::awaited_task_ended(detail::TaskRegistry::Record* record, std::exception_ptr) {
  try_current()->finish_task(record);  // block_on's task hands its outcome over itself
}

asio::any_io_executor Runtime::task_executor(std::string_view name) {
  return place_task(name).executor;
}

Runtime::TaskPlace Runtime::place_task(std::string_view name) {
  const bool traced = trace::enabled();
  if (!stall_detector_ && !traced) return {loop_.get_executor(), nullptr};
  return place_task(task_labels_.label(name, traced));
}

Runtime::TaskPlace Runtime::place_task(detail::TaskLabelRef label) {
  const detail::TaskLabel* watched = &*label;  // alive as long as the executor that holds it
  if (!watched->detector && !watched->traced) return {loop_.get_executor(), nullptr};
  return {detail::WatchedExecutor(loop_.get_executor(), std::move(label)), watched};
}

std::string_view Runtime::pool_name(const asio::execution_context& context) const noexcept {
  if (&context == &cpu_pool_) return "cpu";
  if (blocking_pool_.is(context)) return "blocking";
  return "pool";
}

void Runtime::finish_task(detail::TaskRegistry::Record* record) {
  tasks_.remove(record);
  if (live_tasks_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard lock(live_mutex_);  // only shutdown() waits, for zero
    live_changed_.notify_all();
  }
}

void Runtime::cancel_all_tasks() {
  cancelling_ = true;
  tasks_.cancel_all();
}

void Runtime::report_failure(std::string_view name, std::exception_ptr error) {
  failed_tasks_.fetch_add(1);
  if (!options_.on_task_failure) {
    fmt::print(stderr, "asyncrt: task '{}' failed: {}\n", name, describe(error));
    return;
  }
  // The reporter is the last place a failure goes: if it throws, say so here. Thrown on, its
  // exception would leave the task's end half done, or (from the loop's own catch) end the
  // program.
  try {
    options_.on_task_failure(name, error);
  } catch (...) {
    fmt::print(stderr,
               "asyncrt: on_task_failure threw ({}) while reporting that task '{}' failed: {}\n",
               describe(std::current_exception()), name, describe(error));
  }
}

void Runtime::pool_job_failed(std::string_view job, std::exception_ptr error) {
  // Reported on the loop like a failed task. Queued rather than carried by the posted handler:
  // a loop that stops first never runs it, and shutdown() reports what is left in the queue.
  {
    std::lock_guard lock(pool_job_failures_mutex_);
    pool_job_failures_.emplace_back(job, std::move(error));
  }
  asio::post(loop_, [this] { report_pool_job_failures(); });
}

void Runtime::report_pool_job_failures() {
  std::vector<std::pair<std::string_view, std::exception_ptr>> failures;
  {
    std::lock_guard lock(pool_job_failures_mutex_);
    failures.swap(pool_job_failures_);
  }
  for (auto& [job, error] : failures) report_failure(job, std::move(error));
}

std::size_t Runtime::failed_tasks() noexcept {
  failures_observed_ = true;
  return failed_tasks_.load();
}

void Runtime::shutdown() {
  if (shut_down_.exchange(true)) return;
  if (in_loop_thread()) {
    // Joining the loop from the loop would wait forever.
    std::fputs("asyncrt: Runtime::shutdown called on the event loop thread\n", stderr);
    std::abort();
  }
  asio::post(loop_, [this] { cancel_all_tasks(); });
  std::size_t stuck = 0;
  {
    std::unique_lock lock(live_mutex_);
    if (!live_changed_.wait_for(lock, options_.shutdown_grace, [&] { return live_tasks_ == 0; })) {
      stuck = live_tasks_.load();
    }
  }
  if (stuck > 0) {
    fmt::print(
        stderr,
        "asyncrt: shutdown: {} task(s) did not finish within {} ms of being cancelled; "
        "abandoning them\n",
        stuck,
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.shutdown_grace).count());
  }
  loop_stopped_ = true;
  loop_work_.reset();
  loop_.stop();
  cpu_pool_.stop();  // every thread told before any is joined: they wind down together
  blocking_pool_.stop();
  loop_thread_.join();
  cpu_pool_.join();
  blocking_pool_.join();
  report_pool_job_failures();  // those that failed after the loop's last turn
}

void Runtime::request_stop() {
  if (stop_requested_.exchange(true)) return;
  asio::post(loop_, [this] { cancel_all_tasks(); });
}

// The loop in real time: run whatever is ready; when nothing is but jobs are out on the CPU
// pool, look for their results for up to `spin` (a result posted by a pool thread then runs
// within a microsecond or so); otherwise sleep until work arrives (waking from the kernel's
// wait costs tens of microseconds). It looks only while a core is free for it: on a machine
// whose every core runs a pool thread, the loop spinning would slow the jobs down.
void Runtime::run_in_real_time() {
  while (!loop_.stopped()) {
    if (loop_.poll() > 0) continue;
    if (worth_looking_for_results() && look_for_offloaded_results()) continue;
    loop_.run_one();
  }
}

bool Runtime::worth_looking_for_results() const noexcept {
  return options_.spin.count() > 0 && cpu_pool_.jobs_in_flight() > 0 &&
         cpu_pool_.cores_wanted() < cpu_pool_.cores();
}

bool Runtime::look_for_offloaded_results() {
  // Polling asks the kernel (epoll_wait with no timeout) each time: do it when a job has just
  // finished (its result is then queued on the loop), and every so often for anything else.
  const auto give_up = std::chrono::steady_clock::now() + options_.spin;
  std::size_t finished = cpu_pool_.jobs_finished();
  for (unsigned looks = 1; cpu_pool_.jobs_in_flight() > 0; ++looks) {
    const std::size_t now_finished = cpu_pool_.jobs_finished();
    if (now_finished != finished || looks % 64 == 0) {
      finished = now_finished;
      if (loop_.poll() > 0) return true;
      if (std::chrono::steady_clock::now() >= give_up || !worth_looking_for_results()) break;
    }
  }
  return loop_.poll() > 0;
}

// The loop in virtual time: run whatever is ready; when nothing is, and no offloaded job is on
// its way back, jump the clock to the next deadline; when nothing waits on the clock either,
// sleep until work arrives (a spawn, an offload's result, I/O).
void Runtime::run_in_virtual_time() {
  auto& clock = *virtual_clock_;
  while (!loop_.stopped()) {
    alarm_clock_.ring_due();
    if (loop_.poll() > 0) continue;
    if (!clock.offloads_in_flight()) {
      if (const auto next = alarm_clock_.next_deadline()) {
        clock.advance_to(*next);
        continue;
      }
    }
    loop_.run_one();
  }
}

Runtime* Runtime::try_current() noexcept {
  return current_runtime;
}

Runtime& Runtime::current() {
  if (!current_runtime) {
    throw std::logic_error(
        "asyncrt: no Runtime runs on this thread; call this from a task on a Runtime's loop, or "
        "pass an executor explicitly");
  }
  return *current_runtime;
}

}  // namespace asyncrt
