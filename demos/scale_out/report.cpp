#include "scale_out/report.hpp"

#include <fmt/core.h>

#include "primes/report.hpp"

namespace asyncrt::scale_out {
namespace {

RankStats total_of(const std::vector<RankStats>& ranks) {
  RankStats total;
  for (const RankStats& rank : ranks) {
    total.workers += rank.workers;
    total.shares += rank.shares;
    total.checked += rank.checked;
    total.primes += rank.primes;
    total.busy_seconds += rank.busy_seconds;
  }
  return total;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Rank 0 alone against all ranks (a run with one_rank).
double speedup_over_one_rank(const ScaleOutRun& run) {
  return run.all_ranks.seconds > 0 ? run.one_rank->seconds / run.all_ranks.seconds : 0.0;
}

}  // namespace

void print_text(const ScaleOutRun& run) {
  const auto& ranks = run.all_ranks.ranks;
  fmt::print("{}, {} of {} each, shares of {} numbers\n\n", run.list,
             plural(ranks.size(), "rank", "ranks"),
             plural(run.settings.workers, "worker", "workers"), run.settings.share_size);
  primes::print_answers(run.numbers, run.all_ranks.prime);

  fmt::print("\n{:>5}  {:<20} {:>8} {:>7} {:>7} {:>8} {:>7} {:>9} {:>9}\n", "rank", "host", "pid",
             "workers", "shares", "checked", "primes", "busy s", "wall s");
  for (const RankStats& r : ranks) {
    fmt::print("{:>5}  {:<20} {:>8} {:>7} {:>7} {:>8} {:>7} {:>9.3f} {:>9.3f}\n", r.rank, r.host,
               r.pid, r.workers, r.shares, r.checked, r.primes, r.busy_seconds, r.wall_seconds);
  }
  const RankStats total = total_of(ranks);
  fmt::print("{:>5}  {:<20} {:>8} {:>7} {:>7} {:>8} {:>7} {:>9.3f} {:>9.3f}\n", "total", "", "",
             total.workers, total.shares, total.checked, total.primes, total.busy_seconds,
             run.all_ranks.seconds);

  fmt::print("\n{:<34} {:>11} {:>8} {:>10}\n", "", "wall time", "speedup", "efficiency");
  const std::string all_ranks = fmt::format("{} ({})", plural(ranks.size(), "rank", "ranks"),
                                            plural(total.workers, "worker", "workers"));
  if (!run.one_rank) {
    fmt::print("{:<34} {:>9.3f} s\n", all_ranks, run.all_ranks.seconds);
    return;
  }
  const auto row = [](const std::string& what, double seconds, double speedup, std::size_t ranks) {
    fmt::print("{:<34} {:>9.3f} s {:>7.2f}x {:>9.0f}%\n", what, seconds, speedup,
               100.0 * speedup / static_cast<double>(ranks));
  };
  row(fmt::format("one rank: rank 0 alone ({})", plural(run.settings.workers, "worker", "workers")),
      run.one_rank->seconds, 1.0, 1);
  row(all_ranks, run.all_ranks.seconds, speedup_over_one_rank(run), ranks.size());
}

void print_json(const ScaleOutRun& run) {
  std::vector<demo::JsonObject> ranks;
  for (const RankStats& r : run.all_ranks.ranks) {
    ranks.push_back(demo::JsonObject()
                        .add("rank", r.rank)
                        .add("host", r.host)
                        .add("pid", r.pid)
                        .add("workers", r.workers)
                        .add("shares", r.shares)
                        .add("checked", r.checked)
                        .add("primes", r.primes)
                        .add("busy_seconds", r.busy_seconds)
                        .add("wall_seconds", r.wall_seconds));
  }
  demo::JsonObject json;
  json.add("schema", json_schema)
      .add("results", primes::answers_json(run.numbers, run.all_ranks.prime))
      .add("ranks", ranks)
      .add("seconds", run.all_ranks.seconds);
  if (run.one_rank) {
    json.add("one_rank_seconds", run.one_rank->seconds).add("speedup", speedup_over_one_rank(run));
  }
  fmt::print("{}\n", json.text());
}

}  // namespace asyncrt::scale_out
