// 09 coordination: the ramen shop's tasks waiting for each other, four ways.
//   Latch        the shop opens once all three cooks are ready (once)
//   Barrier      each course starts when every cook has finished the one before (each round)
//   Condition    the waiter goes out when two bowls are ready (a condition on shared data)
//   SharedMutex  customers read the menu together; the owner changes it alone
// Virtual time: the sleeps take no real time and the times printed are exact.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>

using namespace asyncrt;
using namespace std::chrono;

long long ms(TimePoint start) {
  return duration_cast<milliseconds>(now() - start).count();
}

Task<void> kitchen(TimePoint start) {
  Latch ready(3);
  Barrier course(3);
  co_await task_group([&](TaskGroup& cooks) -> Task<void> {
    for (int cook = 1; cook <= 3; ++cook) {
      cooks.spawn(
          [&, cook]() -> Task<void> {
            co_await sleep_for(cook * 10ms);  // putting on the apron
            co_await ready.arrive_and_wait();
            if (cook == 1) std::cout << "open at " << ms(start) << " ms\n";
            for (int n = 1; n <= 2; ++n) {
              co_await sleep_for(cook * 20ms);               // this cook's part of course n
              if (co_await course.arrive_and_wait() == 2) {  // the last to arrive
                std::cout << "course " << n << " done at " << ms(start) << " ms\n";
              }
            }
          },
          "cook " + std::to_string(cook));
    }
    co_return;
  });
}

Task<void> serving(TimePoint start) {
  Mutex counter;
  Condition bowl_ready(counter);
  int bowls = 0;
  co_await task_group([&](TaskGroup& shop) -> Task<void> {
    shop.spawn(
        [&]() -> Task<void> {
          auto lock = co_await counter.lock();
          co_await bowl_ready.wait(lock, [&] { return bowls >= 2; });
          std::cout << "waiter takes " << bowls << " bowls at " << ms(start) << " ms\n";
        },
        "waiter");
    for (int i = 0; i < 2; ++i) {
      co_await sleep_for(15ms);
      auto lock = co_await counter.lock();
      ++bowls;
      bowl_ready.notify_all();
    }
  });
}

Task<void> menu(TimePoint start) {
  SharedMutex board;
  std::string special = "shoyu";
  co_await task_group([&](TaskGroup& shop) -> Task<void> {
    for (int c = 1; c <= 2; ++c) {
      shop.spawn(
          [&, c]() -> Task<void> {
            auto reading = co_await board.lock_shared();  // both read at once
            co_await sleep_for(10ms);
            std::cout << "customer " << c << " reads " << special << " at " << ms(start) << " ms\n";
          },
          "customer");
    }
    shop.spawn(
        [&]() -> Task<void> {
          auto writing = co_await board.lock();  // waits for both readers
          special = "miso";
          std::cout << "owner writes miso at " << ms(start) << " ms\n";
        },
        "owner");
    co_return;
  });
}

int main() {
  Runtime runtime(RuntimeOptions{.virtual_time = true});
  runtime.block_on([]() -> Task<void> {
    co_await kitchen(now());
    co_await serving(now());
    co_await menu(now());
  }());
  return runtime.exit_status();
}
