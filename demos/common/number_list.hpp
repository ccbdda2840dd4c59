#pragma once
// The comma-separated number lists that demos take on the command line.

#include <cstdint>
#include <string_view>
#include <vector>

namespace asyncrt::demo {

/// Parses "7, 11,13" into {7, 11, 13}: unsigned 64-bit integers separated by commas, spaces
/// around each allowed. Throws UsageError naming `option` for an empty list, an empty item,
/// or an item that is not an unsigned 64-bit integer.
std::vector<std::uint64_t> parse_number_list(std::string_view option, std::string_view text);

}  // namespace asyncrt::demo
