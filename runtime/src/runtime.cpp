#include <asyncrt/runtime.hpp>

#include "runtime_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
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

// What an exception says. Allocates nothing (memory may be what ran out): the text lives as
// long as `error` does.
const char* what_of(const std::exception_ptr& error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

bool detail::is_operation_aborted(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

Runtime::Runtime(RuntimeOptions options)
    : parts_(std::make_unique<Parts>(*this, std::move(options))) {}

Runtime::Parts::Parts(Runtime& r, RuntimeOptions o)
    : runtime(r),
      options(std::move(o)),
      cpu_threads(options.cpu_threads ? options.cpu_threads : usable_cores()),
      stall_detector(options.detect_stalls
                         ? std::optional<StallDetector>(std::in_place, options.stall_threshold,
                                                        options.on_stall)
                         : std::nullopt),
      task_labels(stall_detector ? &*stall_detector : nullptr),
      virtual_clock(options.virtual_time
                        ? std::make_unique<detail::VirtualClock>(std::chrono::steady_clock::now())
                        : nullptr),
      loop_work(asio::make_work_guard(loop)),
      alarm_clock(detail::AlarmClock::of(loop)),
      cpu_pool(cpu_threads, options.spin,
               [this](std::exception_ptr error) {
                 pool_job_failed("a job on the CPU pool", std::move(error));
               }),
      blocking_pool(options.blocking_threads ? options.blocking_threads
                                             : std::max<std::size_t>(4, 2 * usable_cores()),
                    [this](std::exception_ptr error) {
                      pool_job_failed("a job on the blocking pool", std::move(error));
                    }) {
  alarm_clock.use_virtual_clock(virtual_clock.get());
  try {
    loop_thread = std::thread([this] { run_loop(); });
  } catch (const std::system_error& e) {  // the pools end with the members
    throw std::system_error(e.code(), "asyncrt: cannot start the event loop's thread");
  }
  loop_thread_id = loop_thread.get_id();
  if (options.stop_token.stop_possible())
    stop_forwarder.emplace(options.stop_token, StopForwarder{this});
}

Runtime::~Runtime() {
  if (const char* thread = parts_->own_thread()) {
    // A destructor cannot throw, and going on would join the calling thread from itself.
    fmt::print(stderr,
               "asyncrt: a Runtime destroyed on {}: it would wait for itself to finish; destroy "
               "it on the thread that made it (a task can call request_stop() to end the "
               "program's block_on)\n",
               thread);
    std::abort();
  }
  parts_->stop_forwarder.reset();
  shutdown();
  const std::size_t failed = parts_->failed_tasks.load();
  if (failed > 0 && !parts_->failures_observed.load() && std::uncaught_exceptions() == 0) {
    fmt::print(stderr,
               "asyncrt: {} detached task(s) failed and nobody checked Runtime::failed_tasks(); "
               "exiting with status 1\n",
               failed);
    std::exit(1);
  }
}

void Runtime::Parts::run_loop() {
  current_runtime = &runtime;
  trace::name_this_thread("loop");
  // A handler that throws must not take the loop down with it: report it and keep serving.
  for (;;) {
    try {
      if (virtual_clock) {
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

// ----- Tasks ---------------------------------------------------------------------------------
// A task starts on the loop thread (start() posts it there from any other thread) with a record
// in tasks: its name and the signal that cancels it. It runs on the loop's executor, or, when
// stalls are watched or a trace is recorded, on a WatchedExecutor that charges each of its
// handlers to its name. When it ends, its record goes and live_tasks counts down.

void Runtime::spawn(Task<void> task, std::string name) {
  start(std::move(task), std::move(name), nullptr);
}

void Runtime::start(Task<void> task, std::string name,
                    std::shared_ptr<detail::AwaitedOutcome> awaited) {
  Parts& parts = *parts_;
  if (awaited && in_loop_thread()) {
    throw std::logic_error(
        "asyncrt: Runtime::block_on called on the event loop thread; it would wait for itself "
        "(co_await the task instead)");
  }
  if (parts.loop_stopped) {
    throw std::logic_error("asyncrt: cannot start task '" + name +
                           "': the Runtime has been shut down");
  }
  parts.live_tasks.fetch_add(1, std::memory_order_relaxed);
  if (in_loop_thread()) {  // a detached task spawned by a task: a failed start is the caller's
    if (auto failure = parts.launch(std::move(task), name, true)) std::rethrow_exception(failure);
    return;
  }
  try {
    // (The handler holds block_on's outcome too: a task that ends inside launch() wakes
    // block_on, whose own hold may be gone by the time launch() returns.)
    asio::post(parts.loop, [&parts, task = std::move(task), name = std::move(name),
                            awaited = std::move(awaited)]() mutable {
      if (awaited) awaited->starting();
      auto failure = parts.launch(std::move(task), name, !awaited);
      if (awaited) {
        awaited->started(failure);  // block_on rethrows it
      } else if (failure) {
        parts.report_failure(name, failure);  // the task failed: counted as failed
      }
    });
  } catch (...) {  // out of memory: nothing was posted
    parts.task_gone();
    throw;
  }
}

// Starts the task on the loop thread: its record, its executor, its first frames, then its
// first piece. Memory may run out on the way (the frames are made here): then nothing of the
// task is left (its record gone, the live count back), and the error is returned for the
// caller to hand on. After its first piece, the task reports its own end.
std::exception_ptr Runtime::Parts::launch(Task<void> task, std::string_view name,
                                          bool detached) noexcept {
  detail::TaskRegistry::Record* record = nullptr;
  try {
    record = tasks.add(task_labels.label(name, trace::enabled()));
    const TaskPlace place = place_task(record->label);
    auto start = [&] {
      if (detached) {
        detail::start_task<&detached_task_ended>(std::move(task), place.executor, record,
                                                 cancelling);
      } else {
        detail::start_task<&awaited_task_ended>(std::move(task), place.executor, record,
                                                cancelling);
      }
    };
    if (place.label) {
      detail::run_in_task(*place.label, start);  // its first piece runs inside spawn(): its time
    } else {
      start();
    }
    return {};
  } catch (...) {
    if (record) tasks.remove(record);
    task_gone();
    return std::current_exception();
  }
}

void Runtime::Parts::detached_task_ended(detail::TaskRegistry::Record* record,
                                         std::exception_ptr error) {
  Parts& self = *try_current()->parts_;  // a task ends on its Runtime's loop thread
  if (!error) {
    self.completed_tasks.fetch_add(1);
  } else if (self.cancelling && detail::is_operation_aborted(error)) {
    self.cancelled_tasks.fetch_add(1);  // stopped by shutdown(): cancelled, not failed
  } else {
    self.report_failure((*record->label).name, std::move(error));
  }
  self.finish_task(record);
}

void Runtime::Parts::awaited_task_ended(detail::TaskRegistry::Record* record, std::exception_ptr) {
  try_current()->parts_->finish_task(record);  // block_on's task hands its outcome over itself
}

asio::any_io_executor Runtime::task_executor(std::string_view name) {
  return parts_->place_task(name).executor;
}

Runtime::Parts::TaskPlace Runtime::Parts::place_task(std::string_view name) {
  const bool traced = trace::enabled();
  if (!stall_detector && !traced) return {loop.get_executor(), nullptr};
  return place_task(task_labels.label(name, traced));
}

Runtime::Parts::TaskPlace Runtime::Parts::place_task(detail::TaskLabelRef label) {
  const detail::TaskLabel* watched = &*label;  // alive as long as the executor that holds it
  if (!watched->detector && !watched->traced) return {loop.get_executor(), nullptr};
  return {detail::WatchedExecutor(loop.get_executor(), std::move(label)), watched};
}

std::string_view Runtime::pool_name(const asio::execution_context& context) const noexcept {
  if (&context == &parts_->cpu_pool) return "cpu";
  if (parts_->blocking_pool.is(context)) return "blocking";
  return "pool";
}

void Runtime::Parts::finish_task(detail::TaskRegistry::Record* record) {
  tasks.remove(record);
  task_gone();
}

void Runtime::Parts::task_gone() {
  if (live_tasks.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard lock(live_mutex);  // only shutdown() waits, for zero
    live_changed.notify_all();
  }
}

void Runtime::Parts::cancel_all_tasks() {
  cancelling = true;
  tasks.cancel_all();
}

void Runtime::Parts::report_failure(std::string_view name, std::exception_ptr error) noexcept {
  failed_tasks.fetch_add(1);
  tell_failure(name, std::move(error));
}

void Runtime::Parts::tell_failure(std::string_view name, std::exception_ptr error) noexcept {
  // Printed with stdio, which allocates nothing here: the failure may be that memory ran out.
  const int name_size = static_cast<int>(name.size());
  if (!options.on_task_failure) {
    std::fprintf(stderr, "asyncrt: task '%.*s' failed: %s\n", name_size, name.data(),
                 what_of(error));
    return;
  }
  // The reporter is the last place a failure goes: if it throws, say so here. Thrown on, its
  // exception would leave the task's end half done, or (from the loop's own catch) end the
  // program.
  try {
    options.on_task_failure(name, error);
  } catch (...) {
    std::fprintf(stderr,
                 "asyncrt: on_task_failure threw (%s) while reporting that task '%.*s' failed: "
                 "%s\n",
                 what_of(std::current_exception()), name_size, name.data(), what_of(error));
  }
}

void Runtime::Parts::pool_job_failed(std::string_view job, std::exception_ptr error) {
  // Reported on the loop like a failed task. Queued rather than carried by the posted handler:
  // a loop that stops first never runs it, and shutdown() reports what is left in the queue.
  {
    std::lock_guard lock(pool_job_failures_mutex);
    pool_job_failures.emplace_back(job, std::move(error));
  }
  asio::post(loop, [this] { report_pool_job_failures(); });
}

void Runtime::Parts::report_pool_job_failures() {
  std::vector<std::pair<std::string_view, std::exception_ptr>> failures;
  {
    std::lock_guard lock(pool_job_failures_mutex);
    failures.swap(pool_job_failures);
  }
  for (auto& [job, error] : failures) report_failure(job, std::move(error));
}

std::size_t Runtime::failed_tasks() noexcept {
  parts_->failures_observed = true;
  return parts_->failed_tasks.load();
}

void Runtime::shutdown() {
  parts_->shutdown();
}

const char* Runtime::Parts::own_thread() const noexcept {
  if (std::this_thread::get_id() == loop_thread_id) return "its event loop thread";
  if (cpu_pool.running_in_this_thread()) return "a thread of its CPU pool";
  if (blocking_pool.running_in_this_thread()) return "a thread of its blocking pool";
  return nullptr;
}

void Runtime::Parts::shutdown() {
  if (const char* thread = own_thread()) {
    throw std::logic_error(fmt::format(
        "asyncrt: Runtime::shutdown called on {}: it would wait for itself to finish (call it "
        "from another thread; a task can call request_stop())",
        thread));
  }
  if (shut_down.exchange(true)) return;
  asio::post(loop, [this] { cancel_all_tasks(); });
  std::size_t stuck = 0;
  {
    std::unique_lock lock(live_mutex);
    if (!live_changed.wait_for(lock, options.shutdown_grace, [&] { return live_tasks == 0; })) {
      stuck = live_tasks.load();
    }
  }
  if (stuck > 0) {
    fmt::print(
        stderr,
        "asyncrt: shutdown: {} task(s) did not finish within {} ms of being cancelled; "
        "abandoning them\n",
        stuck,
        std::chrono::duration_cast<std::chrono::milliseconds>(options.shutdown_grace).count());
  }
  loop_stopped = true;
  loop_work.reset();
  loop.stop();
  cpu_pool.stop();  // every thread told before any is joined: they wind down together
  blocking_pool.stop();
  loop_thread.join();
  cpu_pool.join();
  blocking_pool.join();
  report_pool_job_failures();  // those that failed after the loop's last turn
}

void Runtime::request_stop() {
  parts_->request_stop();
}

void Runtime::Parts::request_stop() {
  if (stop_requested.exchange(true)) return;
  asio::post(loop, [this] { cancel_all_tasks(); });
}

// The loop in real time: run whatever is ready; when nothing is but jobs are out on the CPU
// pool, look for their results for up to `spin` (a result posted by a pool thread then runs
// within a microsecond or so); otherwise sleep until work arrives (waking from the kernel's
// wait costs tens of microseconds). It looks only while a core is free for it: on a machine
// whose every core runs a pool thread, the loop spinning would slow the jobs down.
void Runtime::Parts::run_in_real_time() {
  while (!loop.stopped()) {
    if (loop.poll() > 0) continue;
    if (worth_looking_for_results() && look_for_offloaded_results()) continue;
    loop.run_one();
  }
}

bool Runtime::Parts::worth_looking_for_results() const noexcept {
  return options.spin.count() > 0 && cpu_pool.jobs_in_flight() > 0 &&
         cpu_pool.cores_wanted() < cpu_pool.cores();
}

bool Runtime::Parts::look_for_offloaded_results() {
  // Polling asks the kernel (epoll_wait with no timeout) each time: do it when a job has just
  // finished (its result is then queued on the loop), and every so often for anything else.
  const auto give_up = std::chrono::steady_clock::now() + options.spin;
  std::size_t finished = cpu_pool.jobs_finished();
  for (unsigned looks = 1; cpu_pool.jobs_in_flight() > 0; ++looks) {
    const std::size_t now_finished = cpu_pool.jobs_finished();
    if (now_finished != finished || looks % 64 == 0) {
      finished = now_finished;
      if (loop.poll() > 0) return true;
      if (std::chrono::steady_clock::now() >= give_up || !worth_looking_for_results()) break;
    }
  }
  return loop.poll() > 0;
}

// The loop in virtual time: run whatever is ready; when nothing is, and no offloaded job is on
// its way back, jump the clock to the next deadline; when nothing waits on the clock either,
// sleep until work arrives (a spawn, an offload's result, I/O).
void Runtime::Parts::run_in_virtual_time() {
  auto& clock = *virtual_clock;
  while (!loop.stopped()) {
    alarm_clock.ring_due();
    if (loop.poll() > 0) continue;
    if (!clock.offloads_in_flight()) {
      if (const auto next = alarm_clock.next_deadline()) {
        clock.advance_to(*next);
        continue;
      }
    }
    loop.run_one();
  }
}

// ----- The rest of the public calls -----------------------------------------------------------

bool Runtime::stop_requested() const noexcept {
  return parts_->stop_requested.load();
}
asio::io_context& Runtime::loop() noexcept {
  return parts_->loop;
}
CpuExecutor Runtime::cpu_executor() noexcept {
  return parts_->cpu_pool.get_executor();
}
BlockingExecutor Runtime::blocking_executor() {
  if (parts_->loop_stopped) {
    throw std::logic_error(
        "asyncrt: no blocking pool to offload to: the Runtime has been shut down");
  }
  return parts_->blocking_pool.get_executor();
}
std::size_t Runtime::cpu_threads() const noexcept {
  return parts_->cpu_threads;
}
std::chrono::steady_clock::time_point Runtime::now() const noexcept {
  return parts_->virtual_clock ? parts_->virtual_clock->now() : std::chrono::steady_clock::now();
}
detail::VirtualClock* Runtime::virtual_clock() noexcept {
  return parts_->virtual_clock.get();
}
detail::AlarmClock& Runtime::alarm_clock() noexcept {
  return parts_->alarm_clock;
}
std::thread::id Runtime::loop_thread_id() const noexcept {
  return parts_->loop_thread_id;
}
std::size_t Runtime::completed_tasks() const noexcept {
  return parts_->completed_tasks.load();
}
std::size_t Runtime::cancelled_tasks() const noexcept {
  return parts_->cancelled_tasks.load();
}
std::size_t Runtime::stalls() const noexcept {
  return parts_->stall_detector ? parts_->stall_detector->stalls() : 0;
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
