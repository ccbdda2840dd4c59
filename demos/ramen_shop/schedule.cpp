// The exact schedule of one batch. Where the steady-state bound (predict.cpp) ignores the first
// boil and the last cook, this is the time the batch itself takes. The async mode's is what the
// kitchen's own code takes on virtual time; the other modes' cooks are threads, which have no
// virtual clock, so their kitchen's rules are played out here step by step on a clock of model
// minutes, with nothing measured.

#include "ramen_shop/recipe.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

namespace asyncrt::ramen {
namespace {

// Events in time order; two at the same minute in the order they were scheduled.
class Clock {
 public:
  void at(double minute, std::function<void()> then) {
    events_.push({minute, next_++, std::move(then)});
  }
  double now() const noexcept { return now_; }
  // Runs every event, and what each schedules, until none is left.
  void run() {
    while (!events_.empty()) {
      Event event = events_.top();
      events_.pop();
      now_ = event.minute;
      event.then();
    }
  }

 private:
  struct Event {
    double minute;
    std::size_t order;
    std::function<void()> then;
    bool operator>(const Event& other) const {
      return minute != other.minute ? minute > other.minute : order > other.order;
    }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::size_t next_ = 0;
  double now_ = 0;
};

// Something a fixed number may use at once (burners, hands, cores): the others queue, first
// come first served.
class Resource {
 public:
  explicit Resource(std::size_t count) : free_(count) {}
  void take(std::function<void()> then) {
    if (free_ > 0) {
      --free_;
      then();
    } else {
      waiting_.push_back(std::move(then));
    }
  }
  void give_back() {
    if (waiting_.empty()) {
      ++free_;
      return;
    }
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    next();
  }

 private:
  std::size_t free_;
  std::deque<std::function<void()>> waiting_;
};

struct Kitchen {
  const Recipe& recipe;
  Clock clock;
  Resource burners, hands;
  double last_served = 0;

  // Hands-on work: waits for a free pair of hands, works `minutes`, then `then`.
  void by_hand(double minutes, std::function<void()> then) {
    hands.take([this, minutes, then = std::move(then)] {
      clock.at(clock.now() + minutes, [this, then] {
        hands.give_back();
        then();
      });
    });
  }
  void served() { last_served = std::max(last_served, clock.now()); }

  // A bowl of several concurrent cooks (both): on a burner, the water boils while a cook
  // prepares the ingredients; the noodles cook once both are done; the burner is free before
  // serving. The loop that starts the steps is free (the hands are pool threads): a step
  // starts the moment it can.
  void cook_concurrently() {
    burners.take([this] {
      auto both_done = std::make_shared<int>(2);
      auto then_cook = [this, both_done] {
        if (--*both_done > 0) return;
        clock.at(clock.now() + recipe.cook, [this] {
          burners.give_back();
          by_hand(recipe.serve, [this] { served(); });
        });
      };
      clock.at(clock.now() + recipe.boil, then_cook);
      by_hand(recipe.prepare, then_cook);
    });
  }

  // A synchronous cook's bowls, one after the other: boil, prepare, cook on a burner, serve.
  void cook_synchronously(std::size_t bowls_left) {
    if (bowls_left == 0) return;
    burners.take([this, bowls_left] {
      clock.at(clock.now() + recipe.boil, [this, bowls_left] {
        by_hand(recipe.prepare, [this, bowls_left] {
          clock.at(clock.now() + recipe.cook, [this, bowls_left] {
            burners.give_back();
            by_hand(recipe.serve, [this, bowls_left] {
              served();
              cook_synchronously(bowls_left - 1);
            });
          });
        });
      });
    });
  }
};

}  // namespace

double exact_minutes(Mode mode, std::size_t cooks, const Shop& shop) {
  if (mode == Mode::async) {
    Shop on_virtual_time = shop;
    on_virtual_time.virtual_time = true;
    return serve(Mode::async, on_virtual_time).wall_minutes;
  }
  const bool concurrent = mode == Mode::both;
  // Hands-on work is computing: no more of it at once than there are cores. A synchronous
  // cook's hands are its own thread, so only the cores limit them.
  const std::size_t cores = std::max<std::size_t>(1, shop.cores);
  const std::size_t hands = concurrent ? std::min(cooks, cores) : cores;
  Kitchen kitchen{shop.recipe, {}, Resource(shop.burners), Resource(hands)};
  if (concurrent) {
    for (std::size_t bowl = 0; bowl < shop.orders; ++bowl) kitchen.cook_concurrently();
  } else {
    // The orders are dealt out in turn: cook k takes bowls k, k + cooks, ...
    for (std::size_t k = 0; k < cooks; ++k) {
      kitchen.cook_synchronously(shop.orders / cooks + (k < shop.orders % cooks ? 1 : 0));
    }
  }
  kitchen.clock.run();
  return kitchen.last_served;
}

}  // namespace asyncrt::ramen
