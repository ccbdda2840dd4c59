#pragma once
// What ranks say to each other: a rank reports its answers and asks for more (a Report), rank 0
// hands out the next share of the list (a Share). Every rank draws the same list from the same
// seed, so only indices and answers travel, never the numbers.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

namespace asyncrt::scale_out {

/// MPI tags: reports go to rank 0, shares come back.
inline constexpr int report_tag = 1;
inline constexpr int share_tag = 2;

/// Whether the number at `index` of the list is prime.
struct Answer {
  std::uint64_t index = 0;
  bool prime = false;

  template <typename Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& index& prime;
  }
};

/// The numbers [begin, end) of the list; an empty share means "no more work".
struct Share {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;

  bool empty() const noexcept { return begin == end; }

  template <typename Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& begin& end;
  }
};

/// Who a rank is and what it has done so far.
struct RankStats {
  int rank = 0;
  std::string host;
  long pid = 0;
  std::size_t workers = 0;
  std::size_t shares = 0;
  std::size_t checked = 0;
  std::size_t primes = 0;
  /// Time its CPU pool spent checking numbers, summed over the pool's threads.
  double busy_seconds = 0;
  /// From its first request for work to its last answer.
  double wall_seconds = 0;

  template <typename Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& rank& host& pid& workers& shares& checked& primes& busy_seconds& wall_seconds;
  }
};

/// A rank's message to rank 0: the answers since its last report, its stats, and whether it is
/// done (else it asks for another share).
struct Report {
  bool done = false;
  RankStats stats;
  std::vector<Answer> answers;

  template <typename Archive>
  void serialize(Archive& archive, unsigned /*version*/) {
    archive& done& stats& answers;
  }
};

}  // namespace asyncrt::scale_out
