#include "common/number_list.hpp"

#include <limits>
#include <random>

#include <fmt/core.h>

#include "common/cli.hpp"

namespace asyncrt::demo {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::uint64_t> parse_number_list(std::string_view option, std::string_view text) {
  if (trim(text).empty()) {
    throw UsageError(fmt::format("{} needs at least one number (e.g. {} 7,11,13)", option, option));
  }
  std::vector<std::uint64_t> numbers;
  std::size_t position = 1;
  for (std::size_t start = 0;; ++position) {
    const auto comma = text.find(',', start);
    const auto item =
        trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (item.empty()) {
      throw UsageError(fmt::format("{}: item {} of the list is empty", option, position));
    }
    numbers.push_back(parse_u64(option, item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return numbers;
}

std::uint64_t parse_magnitude(std::string_view option, std::string_view text) {
  const auto e = text.find_first_of("eE");
  if (e == std::string_view::npos) return parse_u64(option, text);
  const auto bad = [&] {
    return UsageError(fmt::format("{}: '{}' is not a whole number such as 100000000000000 or 1e14",
                                  option, text));
  };
  if (e == 0 || e + 1 == text.size()) throw bad();
  std::uint64_t value = 0;
  std::uint64_t exponent = 0;
  try {
    value = parse_u64(option, text.substr(0, e));
    exponent = parse_u64(option, text.substr(e + 1));
  } catch (const UsageError&) {
    throw bad();
  }
  for (std::uint64_t i = 0; i < exponent && value != 0; ++i) {
    if (value > std::numeric_limits<std::uint64_t>::max() / 10) {
      throw UsageError(fmt::format("{}: '{}' is larger than {}", option, text,
                                   std::numeric_limits<std::uint64_t>::max()));
    }
    value *= 10;
  }
  return value;
}

std::vector<std::uint64_t> random_odd_numbers(std::size_t count, std::uint64_t near,
                                              std::uint64_t seed) {
  constexpr std::uint64_t largest_near = 1'000'000'000'000'000'000;
  if (near < 3 || near > largest_near) {
    throw UsageError(fmt::format("--near must lie between 3 and 1e18 (got {})", near));
  }
  std::mt19937_64 draw(seed);
  const std::uint64_t span = near / 10 + 1;  // [near, near + near/10]
  std::vector<std::uint64_t> numbers(count);
  for (std::uint64_t& n : numbers) n = (near + draw() % span) | 1;  // (bias under 2^-60)
  return numbers;
}

}  // namespace asyncrt::demo
