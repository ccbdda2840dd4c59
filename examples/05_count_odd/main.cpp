#include <asyncrt/asyncrt.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace asyncrt;
using namespace std::chrono_literals;

bool is_odd(int n) {
  return n % 2 != 0;
}  // stands in for real CPU work

Task<std::size_t> count_odd(std::vector<int> numbers) {
  co_await sleep_for(10ms);  // waiting: the loop runs other tasks meanwhile
  // A plain function is offloaded to the CPU pool, at most 4 calls at once; the results come
  // back in input order and this task resumes on the loop.
  std::vector<bool> odd = co_await map(is_odd, numbers, 4);
  co_return std::count(odd.begin(), odd.end(), true);
}

int main() {
  Runtime runtime;                // loop thread + CPU pool + blocking pool
  StopOnSignals ctrl_c(runtime);  // Ctrl-C cancels every task; a second one ends the program
  std::printf("%zu odd\n", runtime.block_on(count_odd({1, 2, 3, 5})));  // 3 odd
  runtime.spawn(sleep_for(1s), "napper");  // detached; a failure would be reported by name
  return runtime.exit_status();            // non-zero if a detached task failed
}
