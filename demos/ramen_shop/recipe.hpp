#pragma once
// The ramen shop's model: the recipe, the shop, and what each way of working predicts.

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>

namespace asyncrt::ramen {

/// One bowl, in minutes of the model: boil water (waiting), prepare (hands), cook (waiting),
/// serve (hands). The pot takes a burner from boiling the water to the end of cooking.
struct Recipe {
  double boil = 3, prepare = 2, cook = 4, serve = 1;
  double hands() const noexcept { return prepare + serve; }         // work a cook must do
  double burner() const noexcept { return boil + prepare + cook; }  // a burner is taken
  double total() const noexcept { return boil + prepare + cook + serve; }
};

enum class Mode { sync, async, parallel, both };
std::string mode_name(Mode mode);

struct Shop {
  Recipe recipe;
  std::size_t orders = 12;
  std::size_t cooks = 2;
  std::size_t burners = 4;
  std::chrono::duration<double, std::milli> minute{10};  // real time of one model minute
  std::stop_token stop;
  /// The async mode on virtual time (RuntimeOptions::virtual_time): the same schedule, exact,
  /// in next to no real time. The other modes use threads, which have no virtual clock.
  bool virtual_time = false;

  std::chrono::steady_clock::duration real(double minutes) const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(minute * minutes);
  }
};

/// What a mode predicts in steady state: bowls an hour and the resource that bounds it.
struct Prediction {
  double bowls_per_hour;
  std::string bounded_by;
};
Prediction predict(Mode mode, std::size_t cooks, const Shop& shop);

/// One measured run.
struct Service {
  Mode mode;
  std::size_t cooks;
  std::size_t bowls;
  double wall_minutes;       // measured, in model minutes
  std::size_t most_burners;  // the most burners in use at once
  double bowls_per_hour() const noexcept { return bowls / wall_minutes * 60; }
};

/// Serves shop.orders bowls the way `mode` says and measures it. Throws on a stop request.
Service serve(Mode mode, const Shop& shop);

}  // namespace asyncrt::ramen
