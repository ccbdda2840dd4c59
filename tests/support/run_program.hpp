#pragma once
// Runs a real program (a demo) and captures its exit status and output.

#include <string>
#include <vector>

namespace asyncrt::testing {

struct ProgramResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Starts `executable` with `args`, feeds it `input` on stdin, waits for it and returns what it
/// printed. Both output pipes are read concurrently, so a chatty program cannot block.
ProgramResult run_program(const std::string& executable, const std::vector<std::string>& args,
                          const std::string& input = {});

/// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace asyncrt::testing
