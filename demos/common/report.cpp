#include "common/report.hpp"

#include <cstdio>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>
#include <fmt/core.h>

namespace asyncrt::demo {

JsonReport::JsonReport(const Cli& cli, int schema) : on_(cli.has("json")) {
  object_.add("schema", schema);
  if (!on_) return;
  std::fflush(stdout);
  saved_stdout_ = ::dup(STDOUT_FILENO);
  const int nowhere = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved_stdout_ < 0 || nowhere < 0 || ::dup2(nowhere, STDOUT_FILENO) < 0) {
    if (nowhere >= 0) ::close(nowhere);
    throw std::runtime_error("--json: cannot set stdout aside");
  }
  ::close(nowhere);
}

JsonReport::~JsonReport() {
  restore_stdout();
}

void JsonReport::restore_stdout() {
  if (saved_stdout_ < 0) return;
  std::fflush(stdout);
  ::dup2(saved_stdout_, STDOUT_FILENO);
  ::close(saved_stdout_);
  saved_stdout_ = -1;
}

void JsonReport::finish() {
  if (!on_) return;
  restore_stdout();
  fmt::print("{}\n", object_.text());
  std::fflush(stdout);
}

}  // namespace asyncrt::demo
