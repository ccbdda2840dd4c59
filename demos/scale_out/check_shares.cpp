#include "scale_out/check_shares.hpp"

#include <chrono>
#include <utility>

#include <asyncrt/channel.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/when_all.hpp>

#include "primes/primality.hpp"

namespace asyncrt::scale_out {
namespace {

using Clock = std::chrono::steady_clock;

struct Checked {
  bool prime = false;
  double seconds = 0;
};

}  // namespace

Task<SharesChecked> check_shares(const std::vector<std::uint64_t>& numbers, std::size_t workers,
                                 std::size_t share_size, AskForShare ask, RankStats stats) {
  const auto start = Clock::now();
  // Two shares long: the next share is asked for while a whole one is still queued, so the
  // exchange with rank 0 is over before the pool runs dry.
  Channel<std::uint64_t> queue(2 * share_size);
  std::vector<Answer> answers;  // found since the last ask
  stats.workers = workers;

  // The feeder and the checkers live in this frame, which outlives them (when_all below).
  auto feed = [&]() -> Task<void> {
    for (;;) {
      const Share share = co_await ask(std::exchange(answers, {}));
      if (share.empty()) break;
      ++stats.shares;
      for (std::uint64_t i = share.begin; i < share.end; ++i) co_await queue.send(i);
    }
    queue.close();
  };
  auto check = [&]() -> Task<void> {
    while (const auto index = co_await queue.receive()) {
      const std::uint64_t n = numbers.at(*index);
      const Checked checked = co_await offload([n](std::stop_token stop) {
        const auto began = Clock::now();
        const bool prime = primes::is_prime_trial(n, stop);
        return Checked{prime, std::chrono::duration<double>(Clock::now() - began).count()};
      });
      answers.push_back({*index, checked.prime});
      ++stats.checked;
      stats.primes += checked.prime ? 1 : 0;
      stats.busy_seconds += checked.seconds;
    }
  };
  std::vector<Task<void>> tasks;
  tasks.push_back(feed());
  // Two checkers per pool thread: while one check's answer travels back to the loop and the
  // next number is sent, the thread already works on the other's (an offload round trip is
  // tens of µs; with one checker per thread the pool idled that long after every number).
  for (std::size_t c = 0; c < 2 * workers; ++c) tasks.push_back(check());
  co_await when_all(std::move(tasks));
  stats.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  co_return SharesChecked{std::move(answers), std::move(stats)};
}

}  // namespace asyncrt::scale_out
