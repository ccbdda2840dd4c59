#include "common/interrupt.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstring>

namespace asyncrt::demo {

void InterruptWatch::throw_if_interrupted(std::string_view during) const {
  if (const int received = signal(); received != 0) throw Interrupted(received, during);
}

Interrupted::Interrupted(int signal, std::string_view during)
    : std::runtime_error(fmt::format("interrupted by {} during {}",
                                     signal == SIGINT    ? "SIGINT (Ctrl-C)"
                                     : signal == SIGTERM ? "SIGTERM"
                                                         : strsignal(signal),
                                     during)),
      signal_(signal) {}

}  // namespace asyncrt::demo
