#pragma once
// A real program run in the background while a test acts on it (signals it, kills its
// children), and what /proc says about the processes it starts.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/process/child.hpp>

#include "support/run_program.hpp"

namespace asyncrt::testing {

/// Starts `executable` with `args`, its stdout and stderr going to temporary files (so it never
/// blocks on a full pipe while the test is busy elsewhere). The destructor kills it if it still
/// runs and removes the files.
class BackgroundProgram {
 public:
  BackgroundProgram(const std::string& executable, const std::vector<std::string>& args);
  ~BackgroundProgram();
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;

  long pid() const { return child_.id(); }
  bool running() { return child_.running(); }
  /// Waits for it to exit: its status, stdout and stderr.
  ProgramResult finish();

 private:
  std::string out_path() const;
  std::string err_path() const;

  std::string base_;
  boost::process::child child_;
};

/// The processes whose parent is `parent`, with their state letter (R, S, T for stopped, Z for
/// a zombie...).
std::map<long, char> children_of(long parent);

/// The value of `name` in the environment process `pid` started with ("" if it has none or
/// has ended).
std::string environment_of(long pid, const std::string& name);

/// The CPU time the threads of process `pid` other than its main thread have used so far (0 once
/// it has ended): work its own threads did, not its start-up.
std::chrono::milliseconds cpu_time_of_other_threads(long pid);

/// Every pid of `pids` that still exists (a zombie, ended but not reaped, included).
std::vector<long> still_existing(const std::vector<long>& pids);

/// Every pid of `pids` that still runs (not ended; a zombie has).
std::vector<long> still_running(const std::vector<long>& pids);

/// Every pid of `pids` that still runs after up to `patience` (returns as soon as none does). A
/// killed process ends a moment after the signal: the kernel still has to tear it down.
std::vector<long> still_running_after(const std::vector<long>& pids,
                                      std::chrono::milliseconds patience);

}  // namespace asyncrt::testing
