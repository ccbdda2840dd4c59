#include "common/demo_cli.hpp"

#include "common/cli.hpp"

#include <filesystem>
#include <iostream>
#include <vector>

#include <unistd.h>
#include <fmt/core.h>

#include <asyncrt/version.hpp>

namespace asyncrt::demo {
namespace {

// An output file must be creatable before the demo runs, so a bad path is a usage error and
// not a failure after the work (and never a partial file).
void check_writable(const std::string& option, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw UsageError(fmt::format("{} needs a file name", option));
  std::error_code error;
  if (fs::is_directory(path, error)) {
    throw UsageError(fmt::format("{}: '{}' is a directory, not a file", option, path));
  }
  const fs::path parent =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(parent, error)) {
    throw UsageError(fmt::format("{}: cannot write '{}': directory '{}' does not exist", option,
                                 path, parent.string()));
  }
  if (::access(parent.c_str(), W_OK) != 0 ||
      (fs::exists(path, error) && ::access(path.c_str(), W_OK) != 0)) {
    throw UsageError(fmt::format("{}: cannot write '{}': permission denied", option, path));
  }
}

}  // namespace

Cli::Cli(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)), visible_("Options") {
  visible_.add_options()("help,h", "show this help")("version", "print the version")(
      "timeline", "draw what ran where as lanes over time in the terminal")(
      "color", po::value<std::string>()->value_name("WHEN")->default_value("auto"),
      "colour the timeline: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, "
      "never")("svg", po::value<std::string>()->value_name("FILE"),
               "write the timeline as an SVG picture")(
      "trace", po::value<std::string>()->value_name("FILE"),
      "write a Chrome trace (open in Perfetto or chrome://tracing)")(
      "quiet", "print no progress line on stderr (drawn only when stderr is a terminal)")(
      "json",
      "print the results as one JSON object (its \"schema\" member: the version) instead "
      "of the text");
  hidden_.add_options()("stray", po::value<std::vector<std::string>>(), "not an option");
}

std::optional<int> Cli::parse(int argc, char** argv) {
  po::positional_options_description stray;
  stray.add("stray", -1);
  po::options_description all;
  all.add(visible_).add(hidden_);
  po::store(po::command_line_parser(argc, argv).options(all).positional(stray).run(), values_);
  po::notify(values_);
  if (has("stray")) {
    throw UsageError(fmt::format("unexpected argument '{}' (options start with --)",
                                 values_["stray"].as<std::vector<std::string>>().front()));
  }
  if (has("version")) {
    if (!quiet_) fmt::print("{} {}\n", program_, asyncrt::version);
    return 0;
  }
  if (has("help")) {
    if (!quiet_)
      std::cout << "Usage: " << program_ << " [options]\n\n" << summary_ << "\n\n" << visible_;
    return 0;
  }
  if (has("json") && has("timeline")) {
    throw UsageError(
        "--json and --timeline both print on stdout: choose one (--svg and --trace work with "
        "--json)");
  }
  if (auto path = svg_path()) check_writable("--svg", *path);
  if (auto path = trace_path()) check_writable("--trace", *path);
  colour();  // a bad --color is a usage error now, not after the run
  return std::nullopt;
}

std::size_t Cli::count(const std::string& name, std::size_t min, std::size_t max) const {
  return parse_count("--" + name, text(name), min, max);
}

std::string Cli::choice(const std::string& name,
                        std::initializer_list<std::string_view> choices) const {
  const std::string value = text(name);
  std::string list;
  for (auto c : choices) {
    if (c == value) return value;
    list += list.empty() ? std::string(c) : ", " + std::string(c);
  }
  throw UsageError(fmt::format("--{} must be one of {} (got '{}')", name, list, value));
}

bool Cli::progress_wanted() const {
  return !has("quiet") && ::isatty(STDERR_FILENO) == 1;
}

terminal::ColourChoice Cli::colour() const {
  return terminal::parse_colour_choice(choice("color", {"auto", "always", "never"}));
}

std::optional<std::string> Cli::svg_path() const {
  return has("svg") ? std::optional(text("svg")) : std::nullopt;
}

std::optional<std::string> Cli::trace_path() const {
  return has("trace") ? std::optional(text("trace")) : std::nullopt;
}

}  // namespace asyncrt::demo
