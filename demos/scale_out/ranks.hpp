#pragma once
// The two roles in the scale-out run: rank 0 hands out shares of the list and gathers the
// answers (and checks shares itself); every other rank asks rank 0 for shares and checks them.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include <asyncrt/task.hpp>

#include "scale_out/messages.hpp"

namespace asyncrt::demo {
class Progress;
}  // namespace asyncrt::demo

namespace asyncrt::scale_out {

/// How every rank works (the same on every rank: all parse the same command line).
struct Settings {
  /// Threads in each rank's CPU pool.
  std::size_t workers = 1;
  /// Numbers per share: what a rank asks for at a time.
  std::size_t share_size = 16;
  /// How long a rank may say nothing (or rank 0 not answer) before the run is given up.
  std::chrono::steady_clock::duration patience = std::chrono::seconds(60);
  /// Rank 0 counts the answers it gathers here (drawn on a terminal); null: nowhere.
  demo::Progress* progress = nullptr;

  double patience_seconds() const { return std::chrono::duration<double>(patience).count(); }
};

/// What rank 0 gathered: every answer in input order, and each rank's stats (by rank).
struct Gathered {
  std::vector<bool> prime;
  std::vector<RankStats> ranks;
  double seconds = 0;
};

/// Thrown when a rank (or rank 0) says nothing for longer than Settings::patience.
class RankSilent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Rank 0: cuts the list into shares and hands them out first come, first served (a rank that
/// finishes asks for more, so an uneven list still balances), checks shares itself on its own
/// pool meanwhile, and gathers the answers in input order. With one rank it is the whole run.
///
/// Threads: one task per other rank serves that rank's requests, all on this rank's loop, as
/// are the local checks' tasks (their computation runs on the CPU pool); MPI is called from the
/// loop thread only. Resumes on the loop when every rank has reported it is done. Throws
/// RankSilent, naming the rank and the share it holds, when a rank says nothing for
/// `settings.patience`; std::runtime_error when a rank's answers do not add up.
Task<Gathered> coordinate(const boost::mpi::communicator& world,
                          const std::vector<std::uint64_t>& numbers, const Settings& settings,
                          RankStats me);

/// Every other rank: asks rank 0 for shares and checks them on this rank's pool until rank 0
/// says there are no more, then sends its last answers and its stats.
///
/// Threads: as coordinate(): tasks on this rank's loop, checks on its pool, MPI from the loop
/// thread. Throws RankSilent when rank 0 does not answer within `settings.patience`.
Task<void> work_for_rank_0(const boost::mpi::communicator& world,
                           const std::vector<std::uint64_t>& numbers, const Settings& settings,
                           RankStats me);

}  // namespace asyncrt::scale_out
