// 10 periodic_timer: the worker's rhythm, 30 ms of work every 100 ms, two ways. On a
// PeriodicTimer each round starts on the grid; a loop over sleep_for(100ms) starts each round
// when the last one's work ended, and falls behind by the work every time.
// Virtual time: the work and the sleeps take no real time, and the times printed are exact.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>

using namespace asyncrt;
using namespace std::chrono;

long long ms(TimePoint start) {
  return duration_cast<milliseconds>(now() - start).count();
}

Task<void> rhythm() {
  TimePoint start = now();
  PeriodicTimer every_100ms(100ms);
  for (int round = 1; round <= 3; ++round) {
    busy_for(30ms);  // overwork (stands for 30 ms of computation)
    co_await every_100ms.tick();
    std::cout << "timer: round " << round << " ends at " << ms(start) << " ms\n";
  }
  start = now();
  for (int round = 1; round <= 3; ++round) {
    busy_for(30ms);
    co_await sleep_for(100ms);  // rest: 100 ms counted from the end of the work
    std::cout << "sleep loop: round " << round << " ends at " << ms(start) << " ms\n";
  }
}

int main() {
  Runtime runtime(RuntimeOptions{.virtual_time = true});
  runtime.block_on(rhythm());
  return runtime.exit_status();
}
