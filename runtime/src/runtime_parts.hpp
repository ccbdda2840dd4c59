#pragma once
// Runtime::Parts: what a Runtime runs on, and the machinery behind its public calls
// (explained in runtime.cpp). Private to the runtime's sources.

#include <asyncrt/runtime.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>

#include <asyncrt/detail/alarm_clock.hpp>
#include <asyncrt/detail/lazy_thread_pool.hpp>
#include <asyncrt/detail/task_label.hpp>
#include <asyncrt/detail/task_registry.hpp>
#include <asyncrt/detail/virtual_clock.hpp>

namespace asyncrt {

namespace detail {
/// True when `error` is Asio's operation_aborted: how a cancelled task ends.
bool is_operation_aborted(const std::exception_ptr& error);
}  // namespace detail

struct Runtime::Parts {
  Parts(Runtime& runtime, RuntimeOptions options);

  // Tasks (the loop thread, but for the counts shutdown() waits on).
  // Starts a task on the loop thread; returns why it could not start (its record and live
  // count undone), or null.
  std::exception_ptr launch(Task<void> task, std::string_view name, bool detached) noexcept;
  static void detached_task_ended(detail::TaskRegistry::Record* record, std::exception_ptr error);
  static void awaited_task_ended(detail::TaskRegistry::Record* record, std::exception_ptr error);
  void finish_task(detail::TaskRegistry::Record* record);
  void task_gone();  // live_tasks counts down
  void cancel_all_tasks();
  // Where a task runs: its executor, and the label that executor carries (null when nothing
  // watches tasks).
  struct TaskPlace {
    asio::any_io_executor executor;
    const detail::TaskLabel* label;
  };
  TaskPlace place_task(std::string_view name);
  TaskPlace place_task(detail::TaskLabelRef label);

  // Failures.
  // Counted, then told. Neither throws nor allocates (but for on_task_failure's own work).
  void report_failure(std::string_view name, std::exception_ptr error) noexcept;
  void tell_failure(std::string_view name, std::exception_ptr error) noexcept;
  void pool_job_failed(std::string_view job, std::exception_ptr error);  // a pool's thread
  void report_pool_job_failures();

  // The loop thread's life.
  void run_loop();
  void run_in_real_time();
  bool worth_looking_for_results() const noexcept;
  bool look_for_offloaded_results();
  void run_in_virtual_time();
  void shutdown();
  // Which of this Runtime's own threads is the calling thread ("its event loop thread", ...),
  // or nullptr: shutdown() joins them all, so it must not run on one of them.
  const char* own_thread() const noexcept;

  Runtime& runtime;
  RuntimeOptions options;
  std::size_t cpu_threads;
  std::optional<StallDetector> stall_detector;
  detail::TaskLabels task_labels;  // read by the loop's handlers: declared before the loop
  std::unique_ptr<detail::VirtualClock> virtual_clock;  // outlives the loop and the pools
  // The loop is declared before the pools: pool work holds handlers that keep the loop alive,
  // so the pools must be destroyed first.
  asio::io_context loop{1};
  asio::executor_work_guard<asio::io_context::executor_type> loop_work;
  detail::AlarmClock& alarm_clock;  // a service of loop
  CpuPool cpu_pool;
  detail::LazyThreadPool blocking_pool;
  std::thread loop_thread;
  std::thread::id loop_thread_id;  // set once, before any handler can ask for it

  // Live tasks, touched on the loop thread only; their count is for shutdown() on another
  // thread, which waits (under live_mutex) for it to reach zero.
  detail::TaskRegistry tasks;
  bool cancelling = false;
  std::atomic<std::size_t> live_tasks{0};
  std::mutex live_mutex;
  std::condition_variable live_changed;

  std::atomic<std::size_t> completed_tasks{0};
  std::atomic<std::size_t> cancelled_tasks{0};
  std::atomic<std::size_t> failed_tasks{0};
  std::atomic<bool> failures_observed{false};
  std::mutex pool_job_failures_mutex;  // failed pool jobs, queued for the loop to report
  std::vector<std::pair<std::string_view, std::exception_ptr>> pool_job_failures;
  std::atomic<bool> shut_down{false};
  std::atomic<bool> loop_stopped{false};
  std::atomic<bool> stop_requested{false};
  void request_stop();  // any thread

  // Forwards options.stop_token to request_stop(). ~Runtime resets it before shutting down
  // (its destructor waits for a callback running on another thread), so no stop request
  // arrives once the Runtime is going away.
  struct StopForwarder {
    Parts* parts;
    void operator()() const { parts->request_stop(); }
  };
  std::optional<std::stop_callback<StopForwarder>> stop_forwarder;
};

}  // namespace asyncrt
