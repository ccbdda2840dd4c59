// 06 virtual time: timer-driven code, tested exactly. On a virtual clock an hour of sleep_for
// takes microseconds, and what happens when depends only on the program.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <cstdio>

using namespace asyncrt;
using namespace std::chrono_literals;

// Waits up to a minute for something that takes ten; says how long it waited.
Task<Duration> impatient() {
  const auto start = now();  // the runtime's clock: virtual here
  try {
    co_await with_timeout(sleep_for(10min), 1min);
  } catch (const TimeoutError&) {  // exactly one minute after start
  }
  co_return now() - start;
}

int main() {
  Runtime runtime({.virtual_time = true});
  const Duration waited = runtime.block_on(impatient());  // returns at once
  std::printf("waited %.0f s of virtual time\n", std::chrono::duration<double>(waited).count());
  return waited == 1min ? 0 : 1;
}
