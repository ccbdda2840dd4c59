#pragma once
// One rank's work: check shares of the list on this rank's CPU pool, asking for the next share
// before the pool runs dry.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <asyncrt/task.hpp>

#include "scale_out/messages.hpp"

namespace asyncrt::scale_out {

/// Hands over the answers found since the last call and returns the next share; an empty share
/// means there is no more work. On rank 0 it takes from the list directly; elsewhere it is an
/// exchange with rank 0 over MPI.
using AskForShare = std::function<Task<Share>(std::vector<Answer> answers)>;

/// What check_shares() leaves: the answers not yet handed over (found after the last ask), and
/// `stats` with its counts and times filled in.
struct SharesChecked {
  std::vector<Answer> answers;
  RankStats stats;
};

/// Checks shares of `numbers` (by odd trial division, the lesson's algorithm) until `ask`
/// returns an empty one. A feeder task puts each share's indices into a queue (a Channel two
/// shares long) and asks for the next share as soon as the last one is queued, so the exchange
/// overlaps the checking; 2 x `workers` tasks take indices from the queue and offload each
/// check to the CPU pool (`workers` threads: the current Runtime's pool should have that many).
///
/// Threads: all of it runs as tasks on the current Runtime's loop (call it from one); only the
/// checks run on the CPU pool, and each task resumes on the loop when its check is done.
/// `stats` says who this rank is; the counts and times are added to it.
Task<SharesChecked> check_shares(const std::vector<std::uint64_t>& numbers, std::size_t workers,
                                 std::size_t share_size, AskForShare ask, RankStats stats);

}  // namespace asyncrt::scale_out
