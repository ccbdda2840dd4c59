#pragma once
// How asyncrt-scale-out shows its run: a table per rank for people, one JSON object for programs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scale_out/ranks.hpp"

namespace asyncrt::scale_out {

/// What rank 0 prints: the list, the distributed run, and rank 0 alone on the same list.
struct ScaleOutRun {
  std::vector<std::uint64_t> numbers;
  std::string list;  // how the list was chosen, e.g. "10000 random odd numbers near 1e14 (seed 1)"
  Settings settings;
  Gathered all_ranks;
  std::optional<Gathered> one_rank;  // absent with --skip-one-rank
};

/// The answers (as asyncrt-primes prints them), then a row per rank (host, pid, workers,
/// shares, numbers checked, primes, pool busy time, wall time) and the total, then the wall time
/// of one rank against all of them: speedup and parallel efficiency.
void print_text(const ScaleOutRun& run);

/// The version of print_json's object, its "schema" member: raised whenever a member changes
/// meaning or goes away.
inline constexpr int json_schema = 1;

/// {"schema":1,"results":[{"n":...,"n_text":...,"prime":...}],"ranks":[{"rank":...,"host":...,"pid":...,"workers":...,
/// "shares":...,"checked":...,"primes":...,"busy_seconds":...,"wall_seconds":...}],
/// "seconds":...,"one_rank_seconds":...,"speedup":...} (the last two only without
/// --skip-one-rank).
void print_json(const ScaleOutRun& run);

}  // namespace asyncrt::scale_out
