// Out of memory: std::bad_alloc injected at the Nth allocation, for every N a scenario makes,
// across spawn (on the loop and from another thread), offload (to the CPU pool, a strand, the
// blocking pool), a channel, a timer and a trace recording. This binary defines operator new:
// while a scenario runs, it counts allocations and fails the one due (every form of it, so
// that all of the program's memory comes from one allocator: ASan checks that). Whatever fails, the
// operation that hit it reports it (block_on rethrows std::bad_alloc, a spawn() throws it, a
// detached task fails with it), the books balance (completed + failed + cancelled = the tasks
// whose spawn() returned), nothing hangs, and under ASan nothing leaks.
#include <asyncrt/asyncrt.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace {

std::atomic<bool> counting{false};
// The allocations still to succeed before one fails (while counting); negative: none fails.
std::atomic<long> successes_before_failure{-1};
std::atomic<long> failures_injected{0};

void* allocate(std::size_t size, std::size_t alignment) {
  if (counting.load(std::memory_order_relaxed) && successes_before_failure.fetch_sub(1) == 0) {
    failures_injected.fetch_add(1);
    throw std::bad_alloc();
  }
  if (size == 0) size = 1;
  void* memory =
      alignment <= alignof(std::max_align_t)
          ? std::malloc(size)
          : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (!memory) throw std::bad_alloc();
  return memory;
}

}  // namespace

void* operator new(std::size_t size) {
  return allocate(size, alignof(std::max_align_t));
}
void* operator new[](std::size_t size) {
  return allocate(size, alignof(std::max_align_t));
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size, alignof(std::max_align_t));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& nothrow) noexcept {
  return operator new(size, nothrow);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try {
    return allocate(size, static_cast<std::size_t>(alignment));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t& nothrow) noexcept {
  return operator new(size, alignment, nothrow);
}
void operator delete(void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(memory);
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete[](void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}
void operator delete[](void* memory, std::size_t, std::align_val_t) noexcept {
  std::free(memory);
}

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

// A run that hangs ends the program saying which allocation failed (a test timeout would not).
std::atomic<long> failing_allocation{0};
extern "C" void on_hang(int) {
  char line[96];
  const int size = std::snprintf(line, sizeof line,
                                 "memory_exhaustion_test: a run hung (allocation %ld failed)\n",
                                 failing_allocation.load());
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line, size);
  ::_exit(1);
}

// What a scenario is given: the Runtime, and a count of the detached tasks it started (those
// whose spawn() returned), which the Runtime's books must add up to.
struct Books {
  Runtime& runtime;
  std::atomic<std::size_t> spawned{0};
  // Made before the allocations are counted: Boost 1.81's Asio crashes making a strand when
  // memory runs out (strand_executor_service::create_implementation destroys a half-made
  // strand; later Asio versions make it with allocate_shared).
  CpuStrand strand = runtime.make_strand();

  // Whether the task started: if not, it counts for nothing.
  template <typename MakeTask>
  bool spawn(MakeTask make_task, const char* name) {
    try {
      runtime.spawn(make_task(), name);
    } catch (const std::bad_alloc&) {
      return false;
    }
    spawned.fetch_add(1);
    return true;
  }
};

// Runs `scenario` (on this thread, with a fresh Runtime; it returns a value or throws) with the
// first allocation failing, then the second, and so on until a run makes no allocation that
// fails. Each run must give `expected` or std::bad_alloc, balance the Runtime's books, and shut
// down without waiting out its grace (a task the Runtime lost count of would hold it).
template <typename Scenario>
void fail_each_allocation(Scenario scenario, int expected, RuntimeOptions options = {}) {
  options.cpu_threads = 2;
  options.shutdown_grace = 20s;
  options.on_task_failure = [](std::string_view, std::exception_ptr) {};
  ::signal(SIGALRM, on_hang);
  for (long n = 0;; ++n) {
    ASSERT_LT(n, 100'000) << "the scenario never ran without a failure";
    failing_allocation = n;
    std::string outcome;
    Runtime runtime(options);
    Books books{runtime};
    ::alarm(60);
    failures_injected = 0;
    successes_before_failure = n;
    counting = true;
    try {
      const int value = scenario(books);
      counting = false;
      outcome = value == expected ? "the value" : "a wrong value: " + std::to_string(value);
    } catch (const std::bad_alloc&) {
      counting = false;
      outcome = "out of memory";
    } catch (const boost::system::system_error& e) {
      counting = false;  // (an asynchronous operation's own way to say it: error::no_memory)
      outcome = e.code() == asio::error::no_memory ? "out of memory"
                                                   : std::string("another error: ") + e.what();
    } catch (const std::exception& e) {
      counting = false;
      outcome = std::string("another exception: ") + e.what();
    }
    const auto shutdown_began = std::chrono::steady_clock::now();
    runtime.shutdown();
    const auto shutdown_took = std::chrono::steady_clock::now() - shutdown_began;
    ::alarm(0);
    const long injected = failures_injected.exchange(0);
    SCOPED_TRACE("allocation " + std::to_string(n) + " failing");
    if (injected == 0) {  // every allocation of the scenario has had its turn to fail
      EXPECT_EQ(outcome, "the value");
      EXPECT_GT(n, 0);
      std::printf("each of the scenario's %ld allocations failed in turn\n", n);
      return;
    }
    EXPECT_TRUE(outcome == "the value" || outcome == "out of memory") << outcome;
    EXPECT_LT(shutdown_took, 10s) << "shutdown waited for a task that was lost";
    EXPECT_EQ(runtime.completed_tasks() + runtime.failed_tasks() + runtime.cancelled_tasks(),
              books.spawned.load());
    if (testing::Test::HasFailure()) return;  // one failing allocation says enough
  }
}

Task<void> nap() {
  co_await sleep_for(1ms);
}

TEST(MemoryExhaustion, TheInjectionReallyFailsAnAllocation) {
  successes_before_failure = 1;
  counting = true;
  auto* first = new int(1);
  EXPECT_THROW((void)new int(2), std::bad_alloc);
  counting = false;
  delete first;
  EXPECT_EQ(failures_injected.exchange(0), 1);
}

TEST(MemoryExhaustion, Spawn) {
  fail_each_allocation(
      [](Books& books) {
        books.spawn(nap, "from outside");  // started on the loop at its next turn
        return books.runtime.block_on([&]() -> Task<int> {
          for (int i = 0; i < 3; ++i) books.spawn(nap, "from a task");  // started at once
          co_await sleep_for(5ms);
          co_return 7;
        }());
      },
      7);
}

TEST(MemoryExhaustion, Offload) {
  fail_each_allocation(
      [](Books& books) {
        return books.runtime.block_on([&]() -> Task<int> {
          int sum = co_await offload([] { return 1; });
          sum += co_await offload(books.strand, [] { return 2; });
          sum += co_await offload_blocking([] { return 3; });
          co_return sum;
        }());
      },
      6);
}

TEST(MemoryExhaustion, Channel) {
  fail_each_allocation(
      [](Books& books) {
        return books.runtime.block_on([&]() -> Task<int> {
          // In a task group, so that a producer that fails ends the consumer's wait too.
          Channel<int> channel(1);
          int sum = 0;
          co_await task_group([&](TaskGroup& group) -> Task<void> {
            group.spawn(
                [&]() -> Task<void> {
                  for (int i = 1; i <= 3; ++i) co_await channel.send(i);  // waits for room
                  channel.close();
                },
                "producer");
            while (auto value = co_await channel.receive()) sum += *value;  // waits for a value
          });
          co_return sum;
        }());
      },
      6);
}

TEST(MemoryExhaustion, TimerAndTimeout) {
  fail_each_allocation(
      [](Books& books) {
        return books.runtime.block_on([&]() -> Task<int> {
          co_await sleep_for(1ms);
          try {
            co_await with_timeout(sleep_for(1h), 1ms);
          } catch (const TimeoutError&) {
            co_return 1;
          }
          co_return 0;
        }());
      },
      1);
}

TEST(MemoryExhaustion, TraceRecording) {
  trace::Recording recording;
  fail_each_allocation(
      [](Books& books) {
        for (int i = 0; i < 2; ++i) books.spawn(nap, "traced");
        return books.runtime.block_on([&]() -> Task<int> {
          trace::Scope scope("traced work", trace::Kind::computing);
          co_await sleep_for(1ms);
          co_return co_await offload([] { return 5; });
        }());
      },
      5);
  EXPECT_FALSE(recording.finish().empty());
}

}  // namespace
}  // namespace asyncrt
