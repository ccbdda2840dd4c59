#pragma once
// The options that choose what a prime-checking demo checks: --numbers LIST, or --random COUNT
// with --near and --seed.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace asyncrt::demo {

class Cli;

/// What a demo checks when given neither --numbers nor --random: `list` if it is not empty,
/// else `random_count` random numbers.
struct NumberDefaults {
  std::string_view list;
  std::size_t random_count = 0;
};

/// Adds the options that choose the numbers: --numbers LIST, or --random COUNT (with --near and
/// --seed).
void add_number_options(Cli& cli, NumberDefaults defaults);

/// The numbers those options chose (the same `defaults`); UsageError for bad values or for
/// --numbers together with --random.
std::vector<std::uint64_t> numbers_from(const Cli& cli, NumberDefaults defaults);

}  // namespace asyncrt::demo
