// Built against an installed asyncrt (find_package), not against the source tree.

#include <asyncrt/asyncrt.hpp>
#include <asyncrt/version.hpp>

#include <iostream>

asyncrt::Task<int> answer() {
  co_return co_await asyncrt::offload([] { return 6 * 7; });
}

int main() {
  asyncrt::Runtime runtime;
  const int value = runtime.block_on(answer());
  std::cout << "asyncrt " << asyncrt::version << " says " << value << "\n";
  return value == 42 ? runtime.exit_status() : 1;
}
