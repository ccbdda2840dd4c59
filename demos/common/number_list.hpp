#pragma once
// Number lists: a comma-separated list as typed on a command line, and a seeded random list that
// every run (and every MPI rank) draws the same.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace asyncrt::demo {

/// Parses "7, 11,13" into {7, 11, 13}: unsigned 64-bit integers separated by commas, spaces
/// around each allowed. Throws UsageError naming `option` for an empty list, an empty item,
/// or an item that is not an unsigned 64-bit integer.
std::vector<std::uint64_t> parse_number_list(std::string_view option, std::string_view text);

/// Parses a magnitude for `option`: digits ("100000000000000") or a digit, 'e' and an exponent
/// ("1e14"). Throws UsageError for anything else or a value over 2^64-1.
std::uint64_t parse_magnitude(std::string_view option, std::string_view text);

/// `count` odd numbers drawn uniformly from [near, near + near/10], reproducibly: the same
/// count, near and seed give the same list on every machine and with every standard library
/// (std::mt19937_64's output is fixed by the standard; the std distributions' is not).
/// near must lie in [3, 10^18].
std::vector<std::uint64_t> random_odd_numbers(std::size_t count, std::uint64_t near,
                                              std::uint64_t seed);

}  // namespace asyncrt::demo
