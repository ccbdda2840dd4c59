#pragma once
// The ramen shop's model: the recipe, the shop, and what each way of working predicts.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>

namespace asyncrt::ramen {

/// One bowl, in minutes of the model: boil water (waiting), prepare (hands), cook (waiting),
/// serve (hands). The pot takes a burner from boiling the water to the end of cooking. A cook
/// alone prepares after the water has boiled; with several concurrent cooks one prepares while
/// the water boils (the lesson's "both"), and the noodles go in once both are done.
struct Recipe {
  double boil = 3, prepare = 2, cook = 4, serve = 1;
  /// The work a cook's hands must do for a bowl.
  double hands() const noexcept { return prepare + serve; }
  /// How long a bowl keeps its burner.
  double burner(bool while_boiling) const noexcept {
    return (while_boiling ? std::max(boil, prepare) : boil + prepare) + cook;
  }
  /// One bowl from order to table, with nothing else in the kitchen: 10 minutes, or 8 when
  /// the ingredients are prepared while the water boils.
  double bowl(bool while_boiling) const noexcept { return burner(while_boiling) + serve; }
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
  /// The cores this process may use: hands-on work is computing, so no more of it runs at
  /// once (the concurrent cooks' hands are CPU-pool threads).
  std::size_t cores = 1;

  std::chrono::steady_clock::duration real(double minutes) const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(minute * minutes);
  }
};

/// Whether the mode's cooks work concurrently (async, both), and whether it has several
/// concurrent cooks who prepare while the water boils (both).
bool concurrent(Mode mode) noexcept;
bool prepares_while_boiling(Mode mode) noexcept;

/// What a mode predicts: bowls an hour in steady state (the bound: cooks, burners or cores,
/// whichever gives fewest), the batch's exact wall time (exact_minutes), and what bounds the
/// batch: that resource, or one bowl's own time where the batch is too small to reach it.
struct Prediction {
  double bound_per_hour;
  double exact_minutes;
  std::string bounded_by;
};
Prediction predict(Mode mode, std::size_t cooks, const Shop& shop);

/// The exact wall time of shop.orders bowls the way `mode` serves them, in model minutes. For
/// the async mode it is what the kitchen's own code takes on virtual time; for the others, whose
/// cooks are threads, the kitchen's rules (burners and hands first come first served, hands-on
/// work no more than the cores at once) played out step by step (schedule.cpp).
double exact_minutes(Mode mode, std::size_t cooks, const Shop& shop);

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
