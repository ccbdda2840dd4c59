#include <asyncrt/signals.hpp>

#include <atomic>
#include <csignal>
#include <thread>
#include <utility>

#include <pthread.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

namespace asyncrt {

// The signal_set lives on an io_context of its own, run by one thread: its handler never
// races with the Runtime's loop, and the watcher can be torn down whatever the Runtime does.
struct StopOnSignals::Watcher {
  Watcher(Runtime& r, std::function<void(int)> callback)
      : runtime(r), on_signal(std::move(callback)) {}

  void wait() {
    signals.async_wait([this](const boost::system::error_code& error, int number) {
      if (error) return;  // cancelled: the watcher is being destroyed
      int none = 0;
      if (!received.compare_exchange_strong(none, number)) {
        // The second signal: give it back its default action, and deliver it again.
        signals.clear();
        std::raise(number);
        return;
      }
      // on_signal first: once the stop is requested, block_on() may return at once, and the
      // caller may then look at what on_signal did.
      if (on_signal) on_signal(number);
      runtime.request_stop();
      wait();
    });
  }

  Runtime& runtime;
  std::function<void(int)> on_signal;
  std::atomic<int> received{0};
  asio::io_context context{1};
  asio::signal_set signals{context, SIGINT, SIGTERM};
  std::thread thread;
};

StopOnSignals::StopOnSignals(Runtime& runtime, std::function<void(int signal)> on_signal)
    : watcher_(std::make_unique<Watcher>(runtime, std::move(on_signal))) {
  watcher_->wait();
  watcher_->thread = std::thread([watcher = watcher_.get()] { watcher->context.run(); });
}

StopOnSignals::~StopOnSignals() {
  // On the watcher's thread (the only one that touches the signal_set): stop waiting, which
  // leaves its io_context without work, so run() returns.
  asio::post(watcher_->context, [watcher = watcher_.get()] {
    boost::system::error_code ignored;
    watcher->signals.clear(ignored);  // restores the default actions
    watcher->signals.cancel(ignored);
  });
  watcher_->thread.join();
}

int StopOnSignals::signal() const noexcept {
  return watcher_->received.load();
}

namespace {

sigset_t interrupting_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

struct SignalWatch::Mask {
  sigset_t set;
};

SignalWatch::SignalWatch() : previous_mask_(std::make_unique<Mask>()) {
  const sigset_t set = interrupting_signals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_->set);
  watcher_ = std::thread([this, set] {
    int received = 0;
    while (sigwait(&set, &received) == 0) {
      if (closing_.load()) return;  // the destructor's own signal (or one during it)
      int none = 0;
      signal_.compare_exchange_strong(none, received);
      stop_.request_stop();
    }
  });
}

SignalWatch::~SignalWatch() {
  // The watcher waits in sigwait(): wake it with a signal sent to that thread alone, after
  // saying that this one is not an interruption.
  closing_.store(true);
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_->set, nullptr);
}

}  // namespace asyncrt
