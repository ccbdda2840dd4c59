#include "common/number_options.hpp"

#include <string>

#include <fmt/core.h>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/number_list.hpp"

namespace asyncrt::demo {

void add_number_options(Cli& cli, NumberDefaults defaults) {
  const std::string_view default_list = defaults.list;
  const std::size_t default_count = defaults.random_count;
  const std::string numbers_help =
      default_list.empty() ? std::string("comma-separated unsigned 64-bit integers to check")
                           : fmt::format(
                                 "comma-separated unsigned 64-bit integers to check "
                                 "(default: {})",
                                 default_list);
  const std::string random_help =
      default_count == 0
          ? std::string("check COUNT random odd numbers instead (see --near, --seed)")
          : fmt::format("check COUNT random odd numbers (default: {}; see --near, --seed)",
                        default_count);
  cli.add()("numbers", po::value<std::string>()->value_name("LIST"), numbers_help.c_str())(
      "random", po::value<std::string>()->value_name("COUNT"), random_help.c_str())(
      "near", po::value<std::string>()->default_value("1e14"),
      "--random: the numbers lie in [near, near + near/10]")(
      "seed", po::value<std::string>()->default_value("1"),
      "--random: the same seed draws the same numbers, on every machine");
}

std::vector<std::uint64_t> numbers_from(const Cli& cli, NumberDefaults defaults) {
  if (cli.has("numbers") && cli.has("random")) {
    throw UsageError("give --numbers or --random, not both");
  }
  if (cli.has("numbers")) return parse_number_list("--numbers", cli.text("numbers"));
  if (!cli.has("random") && !defaults.list.empty()) {
    return parse_number_list("--numbers", defaults.list);
  }
  const std::size_t count =
      cli.has("random") ? cli.count("random", 1, 100'000'000) : defaults.random_count;
  return random_odd_numbers(count, parse_magnitude("--near", cli.text("near")),
                            parse_u64("--seed", cli.text("seed")));
}

}  // namespace asyncrt::demo
