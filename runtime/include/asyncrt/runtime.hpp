#pragma once
// Runtime: the event loop (one thread), the CPU pool and the blocking pool.

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <asyncrt/cpu_pool.hpp>
#include <asyncrt/detail/keep_calling.hpp>
#include <asyncrt/detail/settle.hpp>
#include <asyncrt/stall_detector.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

namespace detail {
class AlarmClock;
class VirtualClock;
}  // namespace detail

/// The executor of the CPU pool, and a strand on it (work through one strand never overlaps).
using CpuExecutor = CpuPool::executor_type;
using CpuStrand = asio::strand<CpuExecutor>;
/// The executor of the blocking pool, for calls that wait (a synchronous read, a sleep).
using BlockingExecutor = asio::io_context::executor_type;

/// How a Runtime is built. The defaults suit a program that runs one Runtime.
struct RuntimeOptions {
  /// Threads in the CPU pool; 0 means one per core (usable_cores(): the affinity mask).
  std::size_t cpu_threads = 0;
  /// Threads in the blocking pool; 0 means max(4, 2 x cores). They start at the first
  /// blocking_executor() (offload_blocking calls it).
  std::size_t blocking_threads = 0;
  /// Report any handler that holds the event loop longer than this (see StallDetector).
  bool detect_stalls = true;
  std::chrono::nanoseconds stall_threshold = std::chrono::milliseconds(100);
  StallDetector::Reporter on_stall = &StallDetector::print_to_stderr;
  /// Called on the loop thread when a detached task fails (for a pool job that fails during
  /// shutdown, on the thread that shuts down, after the loop and the pools have stopped: never
  /// on two threads at once); default: one line on stderr. If it throws, that is printed on
  /// stderr too, and the task still counts as failed and ended.
  std::function<void(std::string_view task, std::exception_ptr error)> on_task_failure{};
  /// How long the CPU pool's threads, and the loop while jobs are out on that pool, keep
  /// looking for work before they sleep: an offload's round trip then takes a few microseconds
  /// instead of two thread wake-ups (tens of microseconds). 0: sleep at once, like asio's pools.
  std::chrono::nanoseconds spin = std::chrono::microseconds(20);
  /// How long shutdown() waits for cancelled tasks to finish before abandoning them.
  std::chrono::nanoseconds shutdown_grace = std::chrono::seconds(1);
  /// Virtual time, for deterministic tests and simulations: sleep_for() and with_timeout()
  /// follow a clock that stands still while the loop has work and jumps to the next deadline
  /// as soon as the loop has nothing to do and no offloaded job is in flight. An hour of sleeps
  /// then takes microseconds, and timers fire in an order that depends only on the program.
  /// Real I/O (sockets, pipes) does not hold the clock back: time may jump while it waits.
  bool virtual_time = false;
  /// When this token is stopped (from any thread), the Runtime behaves as if request_stop()
  /// had been called: a way to stop it with a std::jthread's token, or one stop source that
  /// several Runtimes and plain threads watch. An already-stopped token stops it at once.
  std::stop_token stop_token{};
};

/// The runtime: one thread runs the event loop (an `io_context`: the single cook), a CPU pool
/// runs offloaded computation (one thread per core), a blocking pool runs calls that wait.
///
/// Threads: tasks (coroutines) run on the loop thread and only there; `offload` sends work to
/// a pool and the task resumes on the loop. spawn(), block_on() and shutdown() may be called
/// from any thread except that block_on() and shutdown() throw std::logic_error on the loop
/// thread (from inside a task), and shutdown() on a pool thread too: each would wait for itself.
/// Destroying a Runtime on one of its own threads ends the program with a message saying so.
/// docs/misuse.md lists every mistake the API answers, and how.
/// While jobs are out on the CPU pool and a core is free for it, the loop keeps looking for
/// their results for up to `spin` before it sleeps (see RuntimeOptions::spin). A job posted
/// straight to the CPU pool or the blocking pool that throws is reported like a failed task, as
/// "a job on the CPU pool" or "a job on the blocking pool" (on the loop thread; one that fails
/// while shutdown() stops the loop, by shutdown() itself once every thread has been joined:
/// never two reports at once), and the pool goes on.
///
/// Failures: a detached task that throws is reported with its name (on_task_failure) and
/// counted. If nobody reads failed_tasks() or exit_status() before the Runtime is destroyed,
/// the destructor reports that and ends the program with exit status 1, so a failure is never
/// silently swallowed.
///
/// Shutdown (also in the destructor): every task is cancelled (its current `co_await` wakes with
/// `operation_aborted`; a detached task that ends that way counts as cancelled, not failed),
/// tasks get `shutdown_grace` to finish, then the loop stops and every thread is joined. Queued
/// pool work that has not started is dropped.
class Runtime {
 public:
  /// Starts the loop thread and the CPU pool's threads. A thread that cannot start (the
  /// process is out of threads or memory) is a std::system_error naming it; the threads that
  /// did start have ended by then.
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Starts `task` detached on the loop under `name` (used by failure and stall reports).
  /// Called on the loop thread, the task runs up to its first wait before spawn() returns;
  /// from any other thread it starts at the loop's next turn. spawn() and block_on() throw
  /// std::logic_error once the Runtime has been shut down.
  void spawn(Task<void> task, std::string name);
  /// The same for a callable that makes the task, such as a capturing coroutine lambda:
  /// `runtime.spawn([=]() -> Task<void> {...}, "name")`. The callable is kept alive until its
  /// task has ended, so the task may use what the lambda captured. (Calling the lambda in place,
  /// `spawn(lambda(), ...)`, would leave the task with captures that died at the end of the
  /// statement.)
  template <detail::MakesTask MakeTask>
  void spawn(MakeTask make_task, std::string name) {
    spawn(detail::keep_calling(std::move(make_task)), std::move(name));
  }

  /// Runs `task` on the loop and waits for it on the calling thread: the bridge from a
  /// synchronous main(). Returns its value or rethrows its exception.
  template <typename T>
  T block_on(Task<T> task, std::string name = "main");

  /// Cancels every task, waits up to shutdown_grace for them, stops the loop and joins every
  /// thread. Idempotent. std::logic_error on one of the Runtime's own threads.
  void shutdown();

  /// Asks every task to stop, from any thread (a Ctrl-C watcher, say), and returns at once:
  /// every task running now and every task started later is cancelled on the loop (its current
  /// `co_await` wakes with `operation_aborted`; offloaded work sees its stop_token). The loop
  /// keeps running, so block_on() returns, with the task's exception. shutdown() still joins.
  void request_stop();
  bool stop_requested() const noexcept;

  /// The loop's executor for a task called `name`: code run through it is watched by the
  /// stall detector under that name. named() (named.hpp) runs a child task on it.
  asio::any_io_executor task_executor(std::string_view name);
  /// The event loop itself (for I/O objects that want an io_context&, e.g. Boost.Process pipes).
  asio::io_context& loop() noexcept;
  CpuExecutor cpu_executor() noexcept;
  /// A strand on the CPU pool: `offload(strand, fn)` runs the functions given to it in order,
  /// one at a time, on the pool's threads (see offload).
  CpuStrand make_strand() { return asio::make_strand(cpu_executor()); }
  /// The pool for blocking calls; its threads start the first time this is called (if one
  /// cannot start: std::system_error naming it, and the next call tries again).
  /// std::logic_error once the Runtime has been shut down.
  BlockingExecutor blocking_executor();

  /// "cpu" or "blocking" for this Runtime's pools, "pool" for any other context (names the
  /// pool threads in traces).
  std::string_view pool_name(const asio::execution_context& context) const noexcept;

  std::size_t cpu_threads() const noexcept;
  /// The time on this Runtime's clock: the steady clock, or the virtual clock (virtual_time).
  std::chrono::steady_clock::time_point now() const noexcept;
  /// The virtual clock, or nullptr when the Runtime uses real time.
  detail::VirtualClock* virtual_clock() noexcept;
  /// Where sleep_for and with_timeout set their alarms (on this Runtime's clock).
  detail::AlarmClock& alarm_clock() noexcept;
  std::thread::id loop_thread_id() const noexcept;
  bool in_loop_thread() const noexcept { return std::this_thread::get_id() == loop_thread_id(); }

  /// Detached tasks that finished normally so far.
  std::size_t completed_tasks() const noexcept;
  /// Detached tasks that ended because shutdown() or request_stop() cancelled them (not counted
  /// as failures).
  std::size_t cancelled_tasks() const noexcept;
  /// Detached tasks that failed so far. Reading it marks the failures as handled.
  std::size_t failed_tasks() noexcept;
  /// 0 when no detached task failed, 1 otherwise. Reading it marks the failures as handled.
  int exit_status() noexcept { return failed_tasks() == 0 ? 0 : 1; }
  /// Stalls the stall detector reported (0 when it is off).
  std::size_t stalls() const noexcept;

  /// The Runtime whose loop runs the calling thread; throws std::logic_error elsewhere.
  static Runtime& current();
  /// Same, or nullptr when the calling thread is not a Runtime's loop thread.
  static Runtime* try_current() noexcept;

 private:
  // What a Runtime runs on (the loop and its thread, the pools, the live tasks, the counters)
  // and the machinery behind the calls above: src/runtime_parts.hpp, explained in
  // src/runtime.cpp. How a task is started (with or without Asio's internals):
  // src/task_thread.cpp.
  struct Parts;
  friend class TaskGroup;  // starts its children as the Runtime starts tasks (task_group.cpp)
  // Any thread; `awaited` is block_on's outcome (null for a detached task), told if the task
  // cannot start.
  void start(Task<void> task, std::string name, std::shared_ptr<detail::AwaitedOutcome> awaited);
  std::unique_ptr<Parts> parts_;
};

template <typename T>
T Runtime::block_on(Task<T> task, std::string name) {
  auto handoff = std::make_shared<detail::Handoff<T>>();
  start(detail::settle(std::move(task), detail::Settler<T>(handoff)), std::move(name), handoff);
  return handoff->take();
}

}  // namespace asyncrt
