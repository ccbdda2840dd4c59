#include "ramen_shop/recipe.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "common/cli.hpp"

namespace asyncrt::ramen {

std::string mode_name(Mode mode) {
  switch (mode) {
    case Mode::sync:
      return "sync";
    case Mode::async:
      return "async";
    case Mode::parallel:
      return "parallel";
    case Mode::both:
      return "both";
  }
  return "?";
}

bool concurrent(Mode mode) noexcept {
  return mode == Mode::async || mode == Mode::both;
}

bool prepares_while_boiling(Mode mode) noexcept {
  return mode == Mode::both;  // several concurrent cooks: kitchen.cpp says why not the one
}

Prediction predict(Mode mode, std::size_t cooks, const Shop& shop) {
  const Recipe& r = shop.recipe;
  const bool works_concurrently = concurrent(mode);
  const bool while_boiling = prepares_while_boiling(mode);
  const double exact = exact_minutes(mode, cooks, shop);
  // Each resource's bowls an hour in steady state. A synchronous cook stands at the pot: a
  // whole bowl at a time. A concurrent cook only spends the hands-on minutes per bowl, and
  // hands-on work is computing, which the cores share.
  const double by_cooks =
      static_cast<double>(cooks) * 60 / (works_concurrently ? r.hands() : r.bowl(while_boiling));
  const double by_burners = static_cast<double>(shop.burners) * 60 / r.burner(while_boiling);
  const double by_cores = static_cast<double>(shop.cores) * 60 / r.hands();
  const double bound = std::min({by_cooks, by_burners, by_cores});

  std::string bounded_by;
  if (static_cast<double>(shop.orders) * 60 / bound <= r.bowl(while_boiling)) {
    // Too few bowls to keep anything busy: the batch takes as long as one bowl.
    bounded_by = fmt::format("one bowl's own time ({:g} min{})", r.bowl(while_boiling),
                             while_boiling ? ", preparing while the water boils" : "");
  } else if (bound == by_burners) {
    bounded_by = fmt::format("the {} ({:g} min on a burner a bowl)",
                             demo::counted(shop.burners, "burner"), r.burner(while_boiling));
  } else if (bound == by_cores && by_cores < by_cooks) {
    bounded_by =
        fmt::format("the {} ({} share the hands-on work, {:g} min a bowl)",
                    demo::counted(shop.cores, "core"), demo::counted(cooks, "cook"), r.hands());
  } else if (works_concurrently) {
    bounded_by =
        fmt::format("the {} ({:g} min of hands-on work a bowl)",
                    cooks == 1 ? "cook's hands" : fmt::format("{} cooks' hands", cooks), r.hands());
  } else {
    bounded_by = fmt::format("one bowl at a time per cook ({:g} min a bowl)", r.bowl(false));
  }
  return {bound, exact, bounded_by};
}

}  // namespace asyncrt::ramen
