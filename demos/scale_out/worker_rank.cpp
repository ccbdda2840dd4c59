// Every rank but 0: asks rank 0 for shares over MPI and checks them on its own pool.

#include <fmt/core.h>

#include "scale_out/check_shares.hpp"
#include "scale_out/mpi_wait.hpp"
#include "scale_out/ranks.hpp"

namespace asyncrt::scale_out {
namespace {

RankSilent rank_0_silent(const Settings& settings) {
  return RankSilent(fmt::format("rank 0 has not answered for {:g} s: it died or hangs",
                                settings.patience_seconds()));
}

}  // namespace

Task<void> work_for_rank_0(const boost::mpi::communicator& world,
                           const std::vector<std::uint64_t>& numbers, const Settings& settings,
                           RankStats me) {
  auto send_report = [&](const Report& report) -> Task<void> {
    boost::mpi::request sent = world.isend(0, report_tag, report);
    if (!co_await wait_for(sent, settings.patience)) throw rank_0_silent(settings);
  };
  // Each ask carries the answers found since the last one, and who is asking.
  auto ask_rank_0 = [&](std::vector<Answer> answers) -> Task<Share> {
    // (A named Report, not a temporary in the co_await: g++ 12 destroys such a temporary twice.)
    const Report report{false, me, std::move(answers)};
    co_await send_report(report);
    Share share;
    boost::mpi::request received = world.irecv(0, share_tag, share);
    if (!co_await wait_for(received, settings.patience)) throw rank_0_silent(settings);
    co_return share;
  };
  SharesChecked checked =
      co_await check_shares(numbers, settings.workers, settings.share_size, ask_rank_0, me);
  const Report last{true, std::move(checked.stats), std::move(checked.answers)};
  co_await send_report(last);
}

}  // namespace asyncrt::scale_out
