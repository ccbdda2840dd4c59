// 08 task_group: children bound to a scope. The scope waits for all of them, and the first
// failure cancels the others at once and is rethrown: no child outlives the code that started
// it, so children may use that code's locals by reference.
//
// Three cooks in the ramen shop; the gyoza burns at 100 ms. The ramen and the rice are
// stopped then, not finished for nobody, and dinner() learns why.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace asyncrt;
using namespace std::chrono;

long long ms_since(steady_clock::time_point start) {
  return duration_cast<milliseconds>(Runtime::current().now() - start).count();
}

Task<void> cook(std::string dish, milliseconds how_long, bool burns,
                std::vector<std::string>& served, steady_clock::time_point start) {
  try {
    co_await sleep_for(how_long);
  } catch (const boost::system::system_error&) {  // operation_aborted: the group cancelled it
    std::cout << dish << ": cancelled at " << ms_since(start) << " ms (it needed "
              << how_long.count() << " ms)\n";
    throw;
  }
  if (burns) throw std::runtime_error("the " + dish + " burned");
  served.push_back(dish);
}

Task<void> dinner() {
  const auto start = Runtime::current().now();
  std::vector<std::string> served;  // the cooks use it by reference: they end before it does
  try {
    co_await task_group([&](TaskGroup& kitchen) -> Task<void> {
      kitchen.spawn(cook("ramen", 300ms, false, served, start), "ramen");
      kitchen.spawn(cook("gyoza", 100ms, true, served, start), "gyoza");
      kitchen.spawn(cook("rice", 200ms, false, served, start), "rice");
      co_return;  // the group now waits for its three cooks
    });
    std::cout << "dinner served\n";
  } catch (const std::exception& e) {
    std::cout << "dinner failed at " << ms_since(start) << " ms: " << e.what() << "; "
              << served.size() << " dishes served\n";
  }
}

int main() {
  // Virtual time: the sleeps take no real time and the times printed are exact.
  Runtime runtime(RuntimeOptions{.virtual_time = true});
  runtime.block_on(dinner());
  return runtime.exit_status();
}
