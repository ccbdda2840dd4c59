// Rank 0: hands out shares, checks some itself, gathers the answers.

#include <algorithm>
#include <chrono>
#include <utility>

#include <fmt/core.h>

#include <asyncrt/when_all.hpp>

#include "common/progress.hpp"
#include "scale_out/check_shares.hpp"
#include "scale_out/mpi_wait.hpp"
#include "scale_out/ranks.hpp"

namespace asyncrt::scale_out {
namespace {

using Clock = std::chrono::steady_clock;

// The list's indices cut into shares, taken in order by whoever asks first.
class ShareList {
 public:
  ShareList(std::uint64_t size, std::uint64_t share_size) : size_(size), share_size_(share_size) {}

  Share take() {
    const Share share{next_, std::min(size_, next_ + share_size_)};
    next_ = share.end;
    return share;
  }

 private:
  std::uint64_t size_;
  std::uint64_t share_size_;
  std::uint64_t next_ = 0;
};

// The answers in input order, each exactly once.
class AnswerBook {
 public:
  AnswerBook(std::size_t size, demo::Progress* progress)
      : answer_(size, unknown), progress_(progress) {}

  void record(const std::vector<Answer>& answers, int rank) {
    for (const Answer& a : answers) {
      if (a.index >= answer_.size() || answer_[a.index] != unknown) {
        throw std::runtime_error(
            fmt::format("rank {} sent an answer for number #{}, which {}", rank, a.index,
                        a.index >= answer_.size() ? "is not on the list" : "was answered already"));
      }
      answer_[a.index] = a.prime ? 1 : 0;
    }
    if (progress_ != nullptr) progress_->advance(answers.size());
  }

  std::vector<bool> in_input_order() const {
    const auto missing = std::find(answer_.begin(), answer_.end(), unknown);
    if (missing != answer_.end()) {
      throw std::runtime_error(
          fmt::format("nobody answered for number #{}", missing - answer_.begin()));
    }
    return {answer_.begin(), answer_.end()};
  }

 private:
  static constexpr signed char unknown = -1;
  std::vector<signed char> answer_;
  demo::Progress* progress_;
};

std::string silence(int rank, const RankStats& heard, const Share& last_share,
                    const Settings& settings) {
  const double seconds = settings.patience_seconds();
  if (heard.pid == 0) {
    return fmt::format("rank {} has not said a word in {:g} s since the start: it died or hangs",
                       rank, seconds);
  }
  return fmt::format("rank {} ({}, pid {}) has said nothing for {:g} s{}: it died or hangs", rank,
                     heard.host, heard.pid, seconds,
                     last_share.empty() ? std::string()
                                        : fmt::format(" (its last share: numbers #{} to #{})",
                                                      last_share.begin, last_share.end - 1));
}

}  // namespace

Task<Gathered> coordinate(const boost::mpi::communicator& world,
                          const std::vector<std::uint64_t>& numbers, const Settings& settings,
                          RankStats me) {
  const auto start = Clock::now();
  ShareList shares(numbers.size(), settings.share_size);
  AnswerBook book(numbers.size(), settings.progress);
  Gathered gathered;
  gathered.ranks.resize(static_cast<std::size_t>(world.size()));

  // Rank 0's own pool asks the list directly, no message involved.
  auto take_locally = [&](std::vector<Answer> answers) -> Task<Share> {
    book.record(answers, 0);
    co_return shares.take();
  };
  auto check_locally = [&]() -> Task<void> {
    SharesChecked checked =
        co_await check_shares(numbers, settings.workers, settings.share_size, take_locally, me);
    book.record(checked.answers, 0);
    gathered.ranks[0] = std::move(checked.stats);
  };
  // One task per other rank: take its report, hand it the next share, until it is done.
  auto serve = [&](int rank) -> Task<void> {
    RankStats& heard = gathered.ranks[static_cast<std::size_t>(rank)];
    Share last_share;  // the last non-empty one, for the report if the rank falls silent
    for (;;) {
      Report report;
      boost::mpi::request received = world.irecv(rank, report_tag, report);
      if (!co_await wait_for(received, settings.patience)) {
        throw RankSilent(silence(rank, heard, last_share, settings));
      }
      book.record(report.answers, rank);
      heard = std::move(report.stats);
      if (report.done) co_return;
      const Share share = shares.take();
      if (!share.empty()) last_share = share;
      boost::mpi::request sent = world.isend(rank, share_tag, share);
      if (!co_await wait_for(sent, settings.patience)) {
        throw RankSilent(silence(rank, heard, last_share, settings));
      }
    }
  };

  std::vector<Task<void>> tasks;
  tasks.push_back(check_locally());
  for (int rank = 1; rank < world.size(); ++rank) tasks.push_back(serve(rank));
  co_await when_all(std::move(tasks));
  gathered.prime = book.in_input_order();
  gathered.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  co_return gathered;
}

}  // namespace asyncrt::scale_out
