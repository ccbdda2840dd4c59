#pragma once
// Cli: the command line every lesson demo shares (--help, --version, the timeline options,
// no stray arguments) plus its own options.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>

#include <asyncrt/terminal.hpp>

namespace asyncrt::demo {

namespace po = boost::program_options;

/// Declare the demo's options with add(), then parse(). Bad input throws UsageError (or a
/// Boost.Program_options error), which guarded_main() turns into one line and exit status 2.
class Cli {
 public:
  Cli(std::string program, std::string summary);

  /// Adds the demo's own options: `cli.add()("orders", po::value<std::string>()...)`.
  po::options_description_easy_init add() { return visible_.add_options(); }
  /// Adds options that --help does not show (used to run a demo as its own child process).
  po::options_description_easy_init add_hidden() { return hidden_.add_options(); }

  /// Parses the command line. Returns an exit status when the demo is done already (--help,
  /// --version), std::nullopt when it should run.
  std::optional<int> parse(int argc, char** argv);

  /// --help and --version print nothing (they still end the run): for all but one of the
  /// copies of a program that runs as several, such as MPI ranks.
  void set_quiet(bool quiet) noexcept { quiet_ = quiet; }

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string text(const std::string& name) const { return values_[name].as<std::string>(); }
  /// A whole number in [min, max] (the option must have a value or a default).
  std::size_t count(const std::string& name, std::size_t min, std::size_t max) const;
  /// One of `choices` (e.g. a --mode), or UsageError listing them.
  std::string choice(const std::string& name,
                     std::initializer_list<std::string_view> choices) const;

  const std::string& program() const noexcept { return program_; }
  bool timeline() const { return has("timeline"); }
  /// Whether to draw progress on stderr: it is a terminal and --quiet was not given.
  bool progress_wanted() const;
  /// --color: auto (the default), always or never.
  terminal::ColourChoice colour() const;
  std::optional<std::string> svg_path() const;
  std::optional<std::string> trace_path() const;

 private:
  std::string program_;
  std::string summary_;
  po::options_description visible_;
  po::options_description hidden_;
  po::variables_map values_;
  bool quiet_ = false;
};

}  // namespace asyncrt::demo
