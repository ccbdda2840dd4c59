// A thread that cannot be created: at a Runtime's start (the CPU pool's threads, the loop's),
// and at the blocking pool's lazy start. The failure is injected where every std::thread gets
// its thread: this binary defines pthread_create, which the C++ library's std::thread then
// calls instead of the C library's (it forwards to that one unless a failure is due).
#include <asyncrt/asyncrt.hpp>

#include <dlfcn.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <gtest/gtest.h>

namespace {

// The pthread_create calls still to succeed before one fails with EAGAIN (what Linux answers
// when a process is out of threads); negative: none fails.
std::atomic<int> successes_before_failure{-1};
std::atomic<int> failures_injected{0};

}  // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attributes,
                              void* (*start)(void*), void* argument) noexcept {
  using Create = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const auto next = reinterpret_cast<Create>(::dlsym(RTLD_NEXT, "pthread_create"));
  if (successes_before_failure.fetch_sub(1) == 0) {
    failures_injected.fetch_add(1);
    return EAGAIN;
  }
  return next(thread, attributes, start, argument);
}

namespace asyncrt {
namespace {

// Makes the thread creation after `successes` more fail, once.
void fail_thread_after(int successes) {
  successes_before_failure = successes;
}

// The message of the std::system_error that `call` throws (and a test failure if none).
template <typename Call>
std::string system_error_of(Call&& call) {
  try {
    call();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::resource_unavailable_try_again);
    return e.what();
  }
  ADD_FAILURE() << "no std::system_error";
  return {};
}

Task<int> forty_two() {
  co_return 42;
}

TEST(ThreadExhaustion, TheInjectionReallyFailsAThread) {
  fail_thread_after(0);
  EXPECT_THROW(std::thread([] {}).join(), std::system_error);
  EXPECT_EQ(failures_injected.exchange(0), 1);
}

TEST(ThreadExhaustion, ACpuPoolThreadThatCannotStartFailsTheRuntimeSayingWhich) {
  fail_thread_after(2);  // the CPU pool's third thread of four
  const auto said = system_error_of([] { Runtime runtime({.cpu_threads = 4}); });
  EXPECT_NE(said.find("asyncrt: cannot start the CPU pool's thread 3 of 4"), std::string::npos)
      << said;
  EXPECT_EQ(failures_injected.exchange(0), 1);
  // The two that started have ended (ASan's leak check and TSan would see one left running),
  // and the next Runtime starts as if nothing had happened.
  Runtime runtime({.cpu_threads = 4});
  EXPECT_EQ(runtime.block_on(forty_two()), 42);
}

TEST(ThreadExhaustion, TheLoopThreadThatCannotStartFailsTheRuntimeSayingSo) {
  fail_thread_after(2);  // after the CPU pool's two threads
  const auto said = system_error_of([] { Runtime runtime({.cpu_threads = 2}); });
  EXPECT_NE(said.find("asyncrt: cannot start the event loop's thread"), std::string::npos) << said;
  EXPECT_EQ(failures_injected.exchange(0), 1);
}

TEST(ThreadExhaustion, TheBlockingPoolsLazyStartFailsTheOffloadAndTheNextOneStartsIt) {
  Runtime runtime({.cpu_threads = 1, .blocking_threads = 3});
  auto blocking_call = [&]() -> Task<int> {
    co_return co_await offload_blocking([] { return 7; });
  };
  fail_thread_after(1);  // the blocking pool's second thread of three
  // (Read on the loop, where the task that met it catches it: see misuse_test's message_in_task.)
  auto caught = [&]() -> Task<std::string> {
    try {
      co_await blocking_call();
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::resource_unavailable_try_again);
      co_return e.what();
    }
    co_return "no std::system_error";
  };
  const auto said = runtime.block_on(caught());
  EXPECT_NE(said.find("asyncrt: cannot start the blocking pool's thread 2 of 3"), std::string::npos)
      << said;
  EXPECT_EQ(failures_injected.exchange(0), 1);
  EXPECT_EQ(runtime.block_on(blocking_call()), 7);  // the pool starts now, whole
  // The Runtime's books still balance: the task that met the failure was block_on's, not a
  // detached one; detached tasks started after it all complete.
  for (int i = 0; i < 5; ++i) {
    runtime.spawn([&]() -> Task<void> { co_await offload_blocking([] {}); }, "after");
  }
  for (int wait = 0; wait < 1000 && runtime.completed_tasks() < 5; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runtime.shutdown();
  EXPECT_EQ(runtime.completed_tasks(), 5u);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
  EXPECT_EQ(runtime.cancelled_tasks(), 0u);
}

}  // namespace
}  // namespace asyncrt
