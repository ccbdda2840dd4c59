// The four ways to run the kitchen. Synchronous cooks are threads that stand at the pot;
// concurrent cooking is bowls as tasks on the event loop, whose waits are timers.

#include "ramen_shop/recipe.hpp"

#include <algorithm>
#include <atomic>
#include <semaphore>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "common/work.hpp"

namespace asyncrt::ramen {
namespace {

using Clock = std::chrono::steady_clock;
using trace::Kind;

// Counts burners in use, to report the most at once.
class BurnerCount {
 public:
  void take() {
    const std::size_t now = ++in_use_;
    std::size_t most = most_.load();
    while (now > most && !most_.compare_exchange_weak(most, now)) {
    }
  }
  void give_back() { --in_use_; }
  std::size_t most() const { return most_.load(); }

 private:
  std::atomic<std::size_t> in_use_{0}, most_{0};
};

void check(bool finished, const Shop& shop) {
  if (!finished || shop.stop.stop_requested()) throw std::runtime_error("the kitchen was stopped");
}

// --- synchronous cooks: threads ------------------------------------------------------------

// A burner taken from a thread-blocking semaphore (a synchronous cook waits for it).
class TakenBurner {
 public:
  TakenBurner(std::counting_semaphore<>& stove, BurnerCount& burners, const std::string& bowl)
      : stove_(stove), burners_(burners) {
    trace::Scope waiting_for_a_burner(bowl, Kind::blocked);
    stove_.acquire();
    burners_.take();
  }
  ~TakenBurner() {
    burners_.give_back();
    stove_.release();
  }
  TakenBurner(const TakenBurner&) = delete;
  TakenBurner& operator=(const TakenBurner&) = delete;

 private:
  std::counting_semaphore<>& stove_;
  BurnerCount& burners_;
};

// One bowl, start to finish, by a cook who waits at the pot.
void cook_bowl_synchronously(std::size_t bowl, const Shop& shop, std::counting_semaphore<>& stove,
                             BurnerCount& burners) {
  const std::string name = fmt::format("bowl-{}", bowl);
  const Recipe& r = shop.recipe;
  auto at_the_pot = [&](double minutes) {
    trace::Scope waiting(name, Kind::waiting);  // the cook stands there, the thread sleeps
    check(demo::sleep_unless_stopped(shop.real(minutes), shop.stop), shop);
  };
  auto by_hand = [&](double minutes) {
    trace::Scope hands(name, Kind::computing);
    check(demo::burn_cpu(shop.real(minutes), shop.stop), shop);
  };
  {
    // The pot stays on its burner from boiling the water to the end of cooking.
    TakenBurner burner(stove, burners, name);
    at_the_pot(r.boil);
    by_hand(r.prepare);
    at_the_pot(r.cook);
  }
  by_hand(r.serve);
}

void serve_with_threads(std::size_t cooks, const Shop& shop, BurnerCount& burners) {
  std::counting_semaphore<> stove(static_cast<std::ptrdiff_t>(shop.burners));
  std::atomic<std::size_t> next_order{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  {
    std::vector<std::jthread> kitchen;
    for (std::size_t c = 1; c <= cooks; ++c) {
      kitchen.emplace_back([&, c] {
        trace::name_this_thread(fmt::format("cook-{}", c));
        try {
          for (std::size_t bowl; (bowl = next_order++) < shop.orders;) {
            cook_bowl_synchronously(bowl + 1, shop, stove, burners);
          }
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      });
    }
  }  // every cook is joined here
  if (failure) std::rethrow_exception(failure);
}

// --- concurrent cooking: tasks on the event loop ---------------------------------------------

// One bowl as a task. Waits at a burner are timers: the loop is free meanwhile.
//
// One cook (async): the cook is the loop, and hands-on work runs on it. A step of it cannot be
// interrupted, so the cook prepares after the water has boiled: preparing right after lighting
// the stove would hold the loop while other bowls' water boils over, and their noodles would
// wait. Several cooks (both): the hands-on work is offloaded to the CPU pool's threads, and one
// cook prepares while the water boils (the lesson's two concurrent cooks: a bowl in 8 minutes).
Task<void> cook_bowl_concurrently(const Shop& shop, Semaphore& stove, BurnerCount& burners,
                                  bool offload_hands) {
  const Recipe& r = shop.recipe;
  auto by_hand = [&](double minutes) -> Task<void> {
    if (offload_hands) {
      co_await offload([&shop, minutes](std::stop_token stop) {
        check(demo::burn_cpu(shop.real(minutes), stop), shop);
      });
    } else if (shop.virtual_time) {
      busy_for(shop.real(minutes));  // the clock moves on; the loop is held all the same
    } else {
      check(demo::burn_cpu(shop.real(minutes), shop.stop), shop);  // the one cook's hands
    }
  };
  {
    // The pot stays on its burner from boiling the water to the end of cooking.
    auto burner = co_await stove.hold();
    burners.take();
    if (offload_hands) {  // several cooks: one prepares while the water boils
      co_await when_all(sleep_for(shop.real(r.boil)), by_hand(r.prepare));
    } else {
      co_await sleep_for(shop.real(r.boil));
      co_await by_hand(r.prepare);
    }
    co_await sleep_for(shop.real(r.cook));
    burners.give_back();
  }
  co_await by_hand(r.serve);
}

// Returns how long the service took on the runtime's clock (virtual with shop.virtual_time).
Clock::duration serve_on_the_loop(std::size_t cooks, bool offload_hands, const Shop& shop,
                                  BurnerCount& burners) {
  RuntimeOptions options;
  options.cpu_threads = cooks;
  options.detect_stalls = false;  // the one cook's hands-on work is on the loop on purpose
  options.virtual_time = shop.virtual_time;
  options.stop_token = shop.stop;
  Runtime runtime(options);
  const auto opened = runtime.now();
  Semaphore stove(shop.burners);
  auto all_orders = [&]() -> Task<void> {
    std::vector<Task<void>> bowls;
    for (std::size_t b = 1; b <= shop.orders; ++b) {
      bowls.push_back(named(fmt::format("bowl-{}", b),
                            cook_bowl_concurrently(shop, stove, burners, offload_hands)));
    }
    co_await when_all(std::move(bowls));
  };
  runtime.block_on(all_orders(), "shop");
  return runtime.now() - opened;
}

}  // namespace

Service serve(Mode mode, const Shop& shop) {
  if (shop.virtual_time && mode != Mode::async) {
    throw std::logic_error("ramen: virtual time is for the async mode only");
  }
  BurnerCount burners;
  const auto start = Clock::now();
  std::size_t cooks = 1;
  Clock::duration took{};
  switch (mode) {
    case Mode::sync:
      serve_with_threads(cooks, shop, burners);
      took = Clock::now() - start;
      break;
    case Mode::parallel:
      cooks = shop.cooks;
      serve_with_threads(cooks, shop, burners);
      took = Clock::now() - start;
      break;
    case Mode::async:
      took = serve_on_the_loop(cooks, false, shop, burners);
      break;
    case Mode::both:
      cooks = shop.cooks;
      took = serve_on_the_loop(cooks, true, shop, burners);
      break;
  }
  const double minutes = std::chrono::duration<double, std::milli>(took) / shop.minute;
  return {mode, cooks, shop.orders, minutes, burners.most()};
}

}  // namespace asyncrt::ramen
