#include "ramen_shop/recipe.hpp"

#include <algorithm>

#include <fmt/core.h>

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

Prediction predict(Mode mode, std::size_t cooks, const Shop& shop) {
  const Recipe& r = shop.recipe;
  const double n = static_cast<double>(cooks);
  // A synchronous cook stands at the pot: a whole bowl at a time. A concurrent cook only
  // spends the hands-on minutes per bowl. Either way a burner is taken boil + cook minutes.
  const bool concurrent = mode == Mode::async || mode == Mode::both;
  const double per_cook = 60 / (concurrent ? r.hands() : r.total());
  const double by_cooks = n * per_cook;
  const double by_burners = static_cast<double>(shop.burners) * 60 / r.burner();
  if (by_burners < by_cooks) {
    return {by_burners, fmt::format("the {} burner{} ({:g} min on a burner a bowl)", shop.burners,
                                    shop.burners == 1 ? "" : "s", r.burner())};
  }
  if (concurrent) {
    return {by_cooks,
            fmt::format("the {} ({:g} min of hands-on work a bowl)",
                        cooks == 1 ? "cook's hands" : fmt::format("{} cooks' hands", cooks),
                        r.hands())};
  }
  return {by_cooks, fmt::format("one bowl at a time per cook ({:g} min a bowl)", r.total())};
}

}  // namespace asyncrt::ramen
