#include "support/background_program.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include <boost/process/args.hpp>
#include <boost/process/io.hpp>

namespace asyncrt::testing {
namespace {

std::string contents_of(const std::string& path) {
  std::ifstream file(path);
  return std::string((std::istreambuf_iterator<char>(file)), {});
}

std::string unique_base() {
  static std::atomic<int> next{0};
  return (std::filesystem::temp_directory_path() /
          ("asyncrt-test-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
      .string();
}

}  // namespace

BackgroundProgram::BackgroundProgram(const std::string& executable,
                                     const std::vector<std::string>& args)
    : base_(unique_base()),
      child_(executable, boost::process::args(args), boost::process::std_in.close(),
             boost::process::std_out > out_path(), boost::process::std_err > err_path()) {}

BackgroundProgram::~BackgroundProgram() {
  if (child_.running()) child_.terminate();
  std::filesystem::remove(out_path());
  std::filesystem::remove(err_path());
}

ProgramResult BackgroundProgram::finish() {
  child_.wait();
  return {child_.exit_code(), contents_of(out_path()), contents_of(err_path())};
}

std::string BackgroundProgram::out_path() const {
  return base_ + ".out";
}
std::string BackgroundProgram::err_path() const {
  return base_ + ".err";
}

namespace {

// The fields of a /proc/.../stat file after "pid (command)" (the command may hold spaces and
// parentheses): state, ppid, ... Empty when the process or thread has ended.
std::vector<std::string> stat_fields(const std::filesystem::path& stat_path) {
  std::ifstream stat(stat_path);
  std::string line;
  if (!std::getline(stat, line)) return {};
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

}  // namespace

std::map<long, char> children_of(long parent) {
  std::map<long, char> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const auto fields = stat_fields(entry.path() / "stat");
    if (fields.size() < 2) continue;  // it ended meanwhile
    if (std::stol(fields[1]) == parent) children[std::stol(name)] = fields[0][0];
  }
  return children;
}

std::chrono::milliseconds cpu_time_of_other_threads(long pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  long ticks = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tasks, error)) {
    if (entry.path().filename() == std::to_string(pid)) continue;  // the main thread
    const auto fields = stat_fields(entry.path() / "stat");
    if (fields.size() > 12) ticks += std::stol(fields[11]) + std::stol(fields[12]);  // utime, stime
  }
  return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
}

std::string environment_of(long pid, const std::string& name) {
  std::ifstream environ("/proc/" + std::to_string(pid) + "/environ");
  const std::string prefix = name + "=";
  for (std::string entry; std::getline(environ, entry, '\0');) {
    if (entry.rfind(prefix, 0) == 0) return entry.substr(prefix.size());
  }
  return {};
}

std::vector<long> still_existing(const std::vector<long>& pids) {
  std::vector<long> existing;
  for (const long pid : pids) {
    if (::kill(static_cast<pid_t>(pid), 0) == 0) existing.push_back(pid);
  }
  return existing;
}

std::vector<long> still_running(const std::vector<long>& pids) {
  std::vector<long> running;
  for (const long pid : still_existing(pids)) {
    const auto fields = stat_fields("/proc/" + std::to_string(pid) + "/stat");
    if (fields.empty() || fields[0] == "Z") continue;  // gone meanwhile, or a zombie
    running.push_back(pid);
  }
  return running;
}

std::vector<long> still_running_after(const std::vector<long>& pids,
                                      std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto running = still_running(pids);
  while (!running.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    running = still_running(running);
  }
  return running;
}

}  // namespace asyncrt::testing
