#include <asyncrt/signals.hpp>

#include <atomic>
#include <csignal>
#include <thread>
#include <utility>

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

}  // namespace asyncrt
