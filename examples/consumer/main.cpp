// A program of its own that uses asyncrt the way a new user's would: tasks spawned and awaited,
// a CPU job offloaded, a channel, when_all, a timeout, and a timeline of it all. Built by
// ./dev check against an installed package, as a subproject (add_subdirectory, FetchContent),
// against the shared library, through pkg-config, and from the .deb.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>

using namespace asyncrt;
using namespace std::chrono_literals;

Task<int> sum_below(int n) {
  co_return co_await offload([n] {
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += i;
    return sum;
  });
}

Task<void> produce(Channel<int>& channel) {
  for (int i = 1; i <= 3; ++i) co_await channel.send(i);
  channel.close();
}

Task<int> consume(Channel<int>& channel) {
  int total = 0;
  while (auto message = co_await channel.receive()) total += *message;
  co_return total;
}

Task<bool> times_out() {
  try {
    co_await with_timeout(sleep_for(1h), 10ms, "an hour's sleep");
    co_return false;
  } catch (const TimeoutError&) {
    co_return true;
  }
}

Task<int> check() {
  Channel<int> channel(1);
  auto [sum, ignored, received, timed_out] =
      co_await when_all(sum_below(10), produce(channel), consume(channel), times_out());
  (void)ignored;
  co_return sum == 45 && received == 6 && timed_out ? 42 : 0;
}

int main() {
  trace::Recording recording;
  int answer = 0;
  std::size_t completed = 0;
  {
    Runtime runtime;
    runtime.spawn(sleep_for(1ms), "a detached sleeper");
    answer = runtime.block_on(check(), "check");
    runtime.shutdown();
    completed = runtime.completed_tasks();
  }
  const auto origin = recording.origin();
  std::cout << trace::render_text(trace::Timeline::layout(recording.finish(), origin));
  std::cout << "asyncrt " << asyncrt::version << " says " << answer << "\n";
  return answer == 42 && completed == 1 ? 0 : 1;
}
