#include "common/cli.hpp"

#include "common/interrupt.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>
#include <system_error>
#include <thread>

#include <boost/program_options/errors.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/core.h>

#include <asyncrt/cpu_pool.hpp>

namespace asyncrt::demo {

std::uint64_t parse_u64(std::string_view option, std::string_view text) {
  std::uint64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, value);
  const bool all_digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  if (error == std::errc::result_out_of_range && all_digits) {
    throw UsageError(fmt::format("{}: '{}' is larger than {}", option, text,
                                 std::numeric_limits<std::uint64_t>::max()));
  }
  if (error != std::errc{} || end != last || !all_digits) {
    throw UsageError(fmt::format("{}: '{}' is not an unsigned integer (0 to {})", option, text,
                                 std::numeric_limits<std::uint64_t>::max()));
  }
  return value;
}

std::size_t parse_count(std::string_view option, std::string_view text, std::size_t min,
                        std::size_t max) {
  std::uint64_t value = 0;
  try {
    value = parse_u64(option, text);
  } catch (const UsageError&) {
    throw UsageError(fmt::format("{} must be a whole number between {} and {} (got '{}')", option,
                                 min, max, text));
  }
  if (value < min || value > max) {
    throw UsageError(fmt::format("{} must be between {} and {} (got {})", option, min, max, value));
  }
  return static_cast<std::size_t>(value);
}

std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\t') {
      line += "\\t";
    } else if (c == '\r') {
      line += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      line += fmt::format("\\x{:02x}", byte);
    } else {
      line += c;
    }
  }
  return line;
}

int guarded_main(std::string_view program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const Interrupted& e) {
    fmt::print(stderr, "{}: {}\n", program, one_line(e.what()));
    return 128 + e.signal();
  } catch (const UsageError& e) {
    fmt::print(stderr, "{}: {}\n", program, e.what());
    return 2;
  } catch (const boost::program_options::error& e) {
    fmt::print(stderr, "{}: {} (see --help)\n", program, one_line(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: error: {}\n", program, one_line(describe(e)));
    return 1;
  }
}

namespace {

// The limit behind an errno value, where a student can raise it.
std::string limit_behind(int error) {
  rlimit limit{};
  switch (error) {
    case EMFILE:
      if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return " (the limit on open files: ulimit -n)";
      return fmt::format(" (this process may have {} files open: ulimit -n)", limit.rlim_cur);
    case ENFILE:
      return " (the system's table of open files is full)";
    case EAGAIN:
      return " (a new thread or process could not start: ulimit -u, or memory)";
    default:
      return "";
  }
}

template <typename Code>
std::string describe_code(std::string what, const Code& code, bool from_the_system) {
  const auto at = what.rfind(" [" + std::string(code.category().name()) + ":");
  if (at != std::string::npos && what.back() == ']') what.resize(at);
  return from_the_system ? what + limit_behind(code.value()) : what;
}

}  // namespace

std::string describe(const std::exception& error) {
  if (const auto* e = dynamic_cast<const boost::system::system_error*>(&error)) {
    const auto& category = e->code().category();
    return describe_code(e->what(), e->code(),
                         category == boost::system::system_category() ||
                             category == boost::system::generic_category());
  }
  if (const auto* e = dynamic_cast<const std::system_error*>(&error)) {
    const auto& category = e->code().category();
    return describe_code(e->what(), e->code(),
                         category == std::system_category() || category == std::generic_category());
  }
  return error.what();
}

std::size_t default_workers() {
  return usable_cores();
}

std::string counted(std::size_t n, std::string_view noun) {
  if (n == 1) return fmt::format("{} {}", n, noun);
  return fmt::format("{} {}{}", n, noun, noun.ends_with('s') ? "es" : "s");
}

}  // namespace asyncrt::demo
