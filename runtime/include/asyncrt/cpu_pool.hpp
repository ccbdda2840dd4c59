#pragma once
// CpuPool: the CPU pool's threads, which look for work a little while before they sleep.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt {

/// The cores the calling thread may run on: its affinity mask, which `taskset`, a container's
/// cpuset or mpirun's binding make smaller than the machine (std::thread::hardware_concurrency()
/// counts the machine's). At least 1. What "one per core" means throughout asyncrt.
std::size_t usable_cores() noexcept;

/// A pool of threads for CPU-bound jobs: an Asio execution context, so `asio::post`,
/// `asio::dispatch`, `offload` and strands (`asio::make_strand(pool.get_executor())`) all work
/// on it.
///
/// Threads: each job runs on one of the pool's threads. A thread that finds no job keeps
/// looking for `spin` (default 20 µs) before it sleeps on a condition variable. Waking a
/// sleeping thread costs tens of microseconds (the kernel has to schedule it); a thread still
/// looking picks a new job up in well under one. Looking takes a core, so a thread looks only
/// when no other thread of the pool is looking already (one is enough to start the next job at
/// once) and a core is left free besides the ones running jobs (for the thread that hands the
/// pool its work, the event loop, which must run before the next job can come). An idle pool
/// costs nothing once `spin` is over. On Linux the threads are SCHED_BATCH (CPU-bound): a
/// thread woken onto the event loop's core waits for the loop to sleep instead of preempting it.
/// A thread that a job starts inherits that policy, as Linux threads do their creator's.
///
/// Where a job's waiter resumes is the job's business (`offload` hands its result back to the
/// waiter's own executor). A job that throws is passed to `on_error` on the pool thread (default:
/// one line on stderr); the thread goes on with the next job.
///
/// stop() (also in the destructor) makes every thread finish its current job and exit; queued
/// jobs that have not started are destroyed without running, and so is a job posted after
/// stop(), at once (an offload then tells its waiter, see offload.hpp).
class CpuPool : public asio::execution_context {
 public:
  using Clock = std::chrono::steady_clock;
  using ErrorHandler = std::function<void(std::exception_ptr)>;
  class executor_type;

  explicit CpuPool(std::size_t threads,
                   std::chrono::nanoseconds spin = std::chrono::microseconds(20),
                   ErrorHandler on_error = {});
  ~CpuPool();
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  executor_type get_executor() noexcept;

  std::size_t threads() const noexcept { return threads_.size(); }
  /// Jobs posted and not yet finished (queued or running). Any thread may read it.
  std::size_t jobs_in_flight() const noexcept { return in_flight_.load(std::memory_order_acquire); }
  /// The cores this process may run on (fewer than the machine's under `taskset` or mpirun's
  /// binding).
  std::size_t cores() const noexcept { return cores_; }
  /// The cores the pool would take now if it could: threads running a job or looking for one,
  /// and jobs queued for a thread. Below cores(), another thread may spin without slowing a job.
  std::size_t cores_wanted() const noexcept {
    return running_.load(std::memory_order_relaxed) + (spinner_busy_.load() ? 1 : 0) +
           queued_.load(std::memory_order_relaxed);
  }
  /// Jobs finished since the pool started (a cheap way to notice that one just has).
  std::size_t jobs_finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  /// True on the pool's own threads.
  bool running_in_this_thread() const noexcept { return current_pool == this; }

  /// Lets every thread finish its current job and exit. Idempotent; does not wait (join does).
  void stop();
  /// True once stop() has been called. Any thread may ask.
  bool stopped() const noexcept { return stop_seen_.load(std::memory_order_acquire); }
  /// Waits for every thread to exit (after stop()); queued jobs are destroyed. Idempotent.
  void join();

 private:
  struct Job {
    virtual ~Job() = default;
    virtual void run() = 0;
  };
  template <typename Fn>
  struct JobFor final : Job {
    explicit JobFor(Fn f) : fn(std::move(f)) {}
    void run() override { std::move(fn)(); }
    Fn fn;
  };

  void enqueue(std::unique_ptr<Job> job);
  std::unique_ptr<Job> take();  // on a pool thread: the next job, or nullptr when stopping
  bool look_for_a_job(Clock::time_point give_up);  // false: no core or another thread looks
  void work();                                     // each pool thread
  void drop_queued_jobs();

  const std::chrono::nanoseconds spin_;
  const std::size_t cores_;
  ErrorHandler on_error_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;  // guarded by mutex_
  std::size_t sleepers_ = 0;                // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::atomic<std::size_t> queued_{0};      // queue_.size(), for threads looking without the lock
  std::atomic<bool> stop_seen_{false};      // stopping_, for the same
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> finished_{0};
  std::atomic<std::size_t> running_{0};
  std::atomic<bool> spinner_busy_{false};  // a thread is looking for work without sleeping
  std::vector<std::thread> threads_;

  static thread_local const CpuPool* current_pool;
};

/// The executor of a CpuPool (cheap to copy; compares equal for the same pool and blocking
/// property). `blocking.possibly` (the default) runs a job at once when it is dispatched from
/// one of the pool's own threads; `blocking.never` always queues it (what `asio::post` asks
/// for).
class CpuPool::executor_type {
 public:
  CpuPool& query(asio::execution::context_t) const noexcept { return *pool_; }
  asio::execution::blocking_t query(asio::execution::blocking_t) const noexcept {
    return may_run_inline_ ? asio::execution::blocking_t(asio::execution::blocking.possibly)
                           : asio::execution::blocking_t(asio::execution::blocking.never);
  }
  executor_type require(asio::execution::blocking_t::possibly_t) const noexcept {
    return executor_type(*pool_, true);
  }
  executor_type require(asio::execution::blocking_t::never_t) const noexcept {
    return executor_type(*pool_, false);
  }

  /// Runs `fn` on a pool thread (at once when allowed, see above).
  template <typename Fn>
  void execute(Fn&& fn) const {
    if (may_run_inline_ && pool_->running_in_this_thread()) {
      std::decay_t<Fn> local(std::forward<Fn>(fn));
      std::move(local)();
      return;
    }
    pool_->enqueue(std::make_unique<JobFor<std::decay_t<Fn>>>(std::forward<Fn>(fn)));
  }

  bool running_in_this_thread() const noexcept { return pool_->running_in_this_thread(); }
  friend bool operator==(const executor_type& a, const executor_type& b) noexcept {
    return a.pool_ == b.pool_ && a.may_run_inline_ == b.may_run_inline_;
  }

 private:
  friend class CpuPool;
  executor_type(CpuPool& pool, bool may_run_inline) noexcept
      : pool_(&pool), may_run_inline_(may_run_inline) {}

  CpuPool* pool_;
  bool may_run_inline_;
};

inline CpuPool::executor_type CpuPool::get_executor() noexcept {
  return executor_type(*this, true);
}

static_assert(asio::execution::executor<CpuPool::executor_type>);

}  // namespace asyncrt
