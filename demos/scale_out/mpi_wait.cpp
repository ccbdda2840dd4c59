#include "scale_out/mpi_wait.hpp"

#include <algorithm>

#include <asyncrt/time.hpp>

namespace asyncrt::scale_out {

Task<bool> wait_for(boost::mpi::request& request, std::chrono::steady_clock::duration patience) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::chrono::microseconds pause = 50us;
  while (!request.test()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      request.cancel();
      co_return false;
    }
    co_await sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(2 * pause, 1ms);
  }
  co_return true;
}

}  // namespace asyncrt::scale_out
