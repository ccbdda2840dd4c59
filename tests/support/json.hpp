#pragma once
// JSON as the tests read it: with a real parser (Boost.JSON, compiled once in json.cpp, so it
// works with any standard library), never by searching the text.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace asyncrt::testing {

/// The JSON value in `text`; throws std::runtime_error saying what is wrong (invalid UTF-8
/// included) and quoting the start of the text.
boost::json::value parse_json(std::string_view text);

/// Every member's path in `value`, arrays written "[]": {"runs":[{"mode":..}]} gives "runs",
/// "runs[].mode". Each path once, in the order first met.
std::vector<std::string> json_key_paths(const boost::json::value& value);

/// The paths of `value` (json_key_paths) that the section of docs/json.md about `program` (from
/// its "## `program`" heading to the next "## ") does not name in backticks.
std::vector<std::string> undocumented_paths(const boost::json::value& value,
                                            std::string_view program);

/// The path of an integer above 2^53 that has no "<key>_text" twin holding its exact decimal,
/// or "" when every such integer has one.
std::string inexact_integer(const boost::json::value& value);

}  // namespace asyncrt::testing
