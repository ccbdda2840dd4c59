// libFuzzer target: parse_number_list (the demos' --numbers) and parse_magnitude (--near) on
// arbitrary bytes.
//
// It must either return numbers or throw UsageError with one line naming the option; never
// crash, never throw anything else. What it returns is checked against a plain reference:
// one number per comma-separated item, each item (spaces and tabs around it trimmed) all
// decimal digits whose value is the number.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/cli.hpp"
#include "common/number_list.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "number_list_fuzz: %s for input of %zu bytes\n", what, input.size());
  __builtin_trap();
}

std::string_view trimmed(std::string_view item) {
  const auto first = item.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return item.substr(first, item.find_last_not_of(" \t") - first + 1);
}

// The decimal value of `digits` is `value` (leading zeros allowed).
bool spells(std::string_view digits, std::uint64_t value) {
  const auto first = digits.find_first_not_of('0');
  const std::string_view significant = first == std::string_view::npos ? "0" : digits.substr(first);
  return significant == std::to_string(value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    const auto numbers = asyncrt::demo::parse_number_list("--numbers", input);
    std::size_t index = 0;
    std::size_t start = 0;
    for (;; ++index) {
      const auto comma = input.find(',', start);
      const auto item = trimmed(input.substr(start, comma == input.npos ? comma : comma - start));
      if (index >= numbers.size()) fail("fewer numbers than items", input);
      if (item.empty() || item.find_first_not_of("0123456789") != item.npos) {
        fail("accepted an item that is not all digits", input);
      }
      if (!spells(item, numbers[index])) fail("a number differs from its item", input);
      if (comma == input.npos) break;
      start = comma + 1;
    }
    if (index + 1 != numbers.size()) fail("more numbers than items", input);
  } catch (const asyncrt::demo::UsageError& error) {
    const std::string_view message = error.what();
    if (message.rfind("--numbers", 0) != 0) fail("an error that does not name the option", input);
    if (message.find_first_of("\n\r") != message.npos)
      fail("an error of more than one line", input);
  } catch (...) {
    fail("an exception other than UsageError", input);
  }
  // parse_magnitude: digits, or digits 'e' digits; its value or one line naming the option.
  try {
    const std::uint64_t value = asyncrt::demo::parse_magnitude("--near", input);
    const auto e = input.find_first_of("eE");
    const std::string_view mantissa = input.substr(0, e);
    if (mantissa.empty() || mantissa.find_first_not_of("0123456789") != mantissa.npos) {
      fail("a magnitude accepted without its digits", input);
    }
    if (e == input.npos && !spells(input, value))
      fail("a magnitude differs from its digits", input);
  } catch (const asyncrt::demo::UsageError& error) {
    const std::string_view message = error.what();
    if (message.rfind("--near", 0) != 0) fail("an error that does not name the option", input);
    if (message.find_first_of("\n\r") != message.npos)
      fail("an error of more than one line", input);
  } catch (...) {
    fail("an exception other than UsageError", input);
  }
  return 0;
}
