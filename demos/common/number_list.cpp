#include "common/number_list.hpp"

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

}  // namespace asyncrt::demo
