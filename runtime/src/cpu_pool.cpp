#include <asyncrt/cpu_pool.hpp>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/core.h>

namespace asyncrt {
namespace {

// Tells the core this thread is waiting in a loop (cheaper for its hyper-threaded sibling).
inline void pause_briefly() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A CPU-bound thread: the kernel lets it preempt nobody when it wakes. Woken onto the core where
// the loop runs (which has just handed it a job), it waits for the loop to sleep rather than
// stop the loop for a time slice (0.7 ms seen in traces on the development machine, with the
// other core idle). Best effort: where the policy does not exist, nothing changes.
void mark_as_batch_thread() noexcept {
#ifdef SCHED_BATCH
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
#endif
}

void print_job_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    fmt::print(stderr, "asyncrt: a job on the CPU pool failed: {}\n", e.what());
  } catch (...) {
    fmt::print(stderr,
               "asyncrt: a job on the CPU pool failed: an exception that is not a "
               "std::exception\n");
  }
}

}  // namespace

std::size_t usable_cores() noexcept {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    return static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
  }
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

thread_local const CpuPool* CpuPool::current_pool = nullptr;

CpuPool::CpuPool(std::size_t threads, std::chrono::nanoseconds spin, ErrorHandler on_error)
    : spin_(spin),
      cores_(usable_cores()),
      on_error_(on_error ? std::move(on_error) : ErrorHandler(&print_job_error)) {
  if (threads == 0) throw std::invalid_argument("asyncrt: a CpuPool needs at least one thread");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    try {
      threads_.emplace_back([this] { work(); });
    } catch (const std::system_error& e) {
      // The threads that did start end before the error leaves: a std::thread destroyed while
      // joinable would end the program.
      stop();
      join();
      throw std::system_error(e.code(), "asyncrt: cannot start the CPU pool's thread " +
                                            std::to_string(i + 1) + " of " +
                                            std::to_string(threads));
    }
  }
}

CpuPool::~CpuPool() {
  stop();
  join();
  // The services (strands on this pool) go before the context's members do.
  shutdown();
  destroy();
}

void CpuPool::enqueue(std::unique_ptr<Job> job) {
  bool wake_one = false;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      job.reset();  // no thread would ever run it; destroyed outside the lock (it may post)
      return;
    }
    in_flight_.fetch_add(1, std::memory_order_relaxed);
    queue_.push_back(std::move(job));
    queued_.fetch_add(1, std::memory_order_release);
    // The thread looking for work (if one is) takes the first job: wake a sleeper for the rest.
    wake_one = sleepers_ > 0 && queue_.size() > (spinner_busy_.load() ? 1u : 0u);
  }
  if (wake_one) wake_.notify_one();
}

bool CpuPool::look_for_a_job(Clock::time_point give_up) {
  if (running_.load(std::memory_order_relaxed) + 1 >= cores_) return false;
  bool expected = false;
  if (!spinner_busy_.compare_exchange_strong(expected, true)) return false;
  while (queued_.load(std::memory_order_acquire) == 0 &&
         !stop_seen_.load(std::memory_order_relaxed) && Clock::now() < give_up) {
    pause_briefly();
  }
  spinner_busy_.store(false);
  return true;
}

std::unique_ptr<CpuPool::Job> CpuPool::take() {
  const auto give_up = Clock::now() + spin_;
  for (;;) {
    const bool looked = spin_.count() > 0 && look_for_a_job(give_up);
    std::unique_lock lock(mutex_);
    if (queue_.empty() && !stopping_) {
      if (looked && Clock::now() < give_up) continue;  // another thread took it: look on
      ++sleepers_;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      --sleepers_;
    }
    if (stopping_) return nullptr;
    auto job = std::move(queue_.front());
    queue_.pop_front();
    queued_.fetch_sub(1, std::memory_order_relaxed);
    return job;
  }
}

void CpuPool::work() {
  current_pool = this;
  mark_as_batch_thread();
  while (auto job = take()) {
    running_.fetch_add(1, std::memory_order_relaxed);
    try {
      job->run();
    } catch (...) {
      on_error_(std::current_exception());
    }
    job.reset();  // the job's handler goes before it counts as finished
    running_.fetch_sub(1, std::memory_order_relaxed);
    finished_.fetch_add(1, std::memory_order_release);
    in_flight_.fetch_sub(1, std::memory_order_release);
  }
  current_pool = nullptr;
}

void CpuPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_seen_.store(true, std::memory_order_release);
  wake_.notify_all();
}

void CpuPool::join() {
  for (auto& thread : threads_) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
  drop_queued_jobs();
}

void CpuPool::drop_queued_jobs() {
  // A job's destructor may post again (a handler that owns a coroutine frame, say): take the
  // queue out under the lock and destroy it outside, until nothing is left.
  for (;;) {
    std::deque<std::unique_ptr<Job>> dropped;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return;
      dropped.swap(queue_);
      queued_.store(0, std::memory_order_relaxed);
    }
    in_flight_.fetch_sub(dropped.size(), std::memory_order_relaxed);
    dropped.clear();
  }
}

}  // namespace asyncrt
