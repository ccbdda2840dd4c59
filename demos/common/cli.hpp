#pragma once
// Command-line helpers every demo uses: strict number parsing and the usage-error rule
// (one line on stderr naming the option, exit status 2).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asyncrt::demo {

/// `text` with every control character written as an escape ("\n", "\x07"), so that
/// echoing what a user typed can never break a one-line message.
std::string one_line(std::string_view text);

/// A bad command line. The message names the option and says what would be right; it is one
/// line whatever the user typed (control characters in it are escaped).
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(std::string_view message) : std::runtime_error(one_line(message)) {}
};

/// Parses `text` as an unsigned 64-bit integer for `option`; throws UsageError on anything
/// else (signs, spaces inside, non-digits, values over 2^64-1).
std::uint64_t parse_u64(std::string_view option, std::string_view text);

/// Parses a count for `option` that must lie in [min, max]; throws UsageError otherwise.
std::size_t parse_count(std::string_view option, std::string_view text, std::size_t min,
                        std::size_t max);

/// An exception's message as a student can act on it: a system error loses the source location
/// Boost appends ("[system:24 at .../reactive_socket_service.hpp:133:5 in function ...]"), and
/// running out of open files or of threads says which limit was hit ("ulimit -n").
std::string describe(const std::exception& error);

/// Runs a demo's body and turns what escapes it into the demo's exit status:
/// UsageError and Boost.Program_options errors print "<program>: <message>" and return 2;
/// (every message is printed as one line: see one_line)
/// Interrupted prints "<program>: interrupted by ..." and returns 128 + the signal;
/// any other exception prints "<program>: error: <message>" (see describe) and returns 1.
int guarded_main(std::string_view program, const std::function<int()>& body);

/// The cores this process may run on (its affinity mask), as the default worker count.
std::size_t default_workers();

/// A count and its noun: "1 core", "2 cores", "2 processes" (the plural adds an s, or es after
/// an s).
std::string counted(std::size_t n, std::string_view noun);

}  // namespace asyncrt::demo
