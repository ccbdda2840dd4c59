// asyncrt-scale-out: the lesson's prime exercise scaled out over MPI ranks (processes, on one
// machine or on many acting as one), each rank scaling up on its own CPU pool.
//
//   mpirun -np 4 asyncrt-scale-out                      # four ranks on this machine
//   mpirun --hostfile hosts -np 8 asyncrt-scale-out     # across the machines in `hosts`
//
// Rank 0 hands out shares of the list to whichever rank asks, checks shares itself, gathers the
// answers in input order and prints a row per rank; then it checks the whole list alone, the
// baseline of the speedup. Every rank draws the same list from the same seed.

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include <mpi.h>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <fmt/core.h>

#include <asyncrt/runtime.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/number_options.hpp"
#include "common/progress.hpp"
#include "common/timelines.hpp"
#include "scale_out/check_shares.hpp"
#include "scale_out/ranks.hpp"
#include "scale_out/report.hpp"

namespace mpi = boost::mpi;
namespace po = boost::program_options;
using namespace asyncrt;
using namespace asyncrt::scale_out;

namespace {

constexpr std::string_view program = "asyncrt-scale-out";
constexpr demo::NumberDefaults default_numbers{.list = {}, .random_count = 10'000};

// How many ranks share this machine (a collective call: every rank makes it).
std::size_t ranks_on_this_machine(const mpi::communicator& world) {
  MPI_Comm local = MPI_COMM_NULL;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &local);
  int size = 1;
  MPI_Comm_size(local, &size);
  MPI_Comm_free(&local);
  return static_cast<std::size_t>(size);
}

// The cores this process may run on. mpirun binds each rank to one core by default (Open MPI
// with up to 2 ranks; to a socket above that), whatever this machine has.
std::size_t cores_allowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return demo::default_workers();
  return static_cast<std::size_t>(CPU_COUNT(&set));
}

std::string describe_list(const demo::Cli& cli, std::size_t count) {
  if (cli.has("numbers")) return fmt::format("{} numbers from --numbers", count);
  return fmt::format("{} random odd numbers near {} (seed {})", count, cli.text("near"),
                     cli.text("seed"));
}

// Rank 0 alone on the whole list, through the same code the distributed run uses.
Task<Gathered> check_alone(const std::vector<std::uint64_t>& numbers, const Settings& settings,
                           RankStats me) {
  const mpi::communicator self(MPI_COMM_SELF, mpi::comm_attach);
  co_return co_await coordinate(self, numbers, settings, std::move(me));
}

int run(const mpi::communicator& world, int argc, char** argv, std::stop_token interrupted) {
  demo::Cli cli(std::string(program),
                "Checks a list of numbers for primality over MPI ranks (scale out), each rank on\n"
                "its own CPU pool (scale up); rank 0 hands out shares to whichever rank asks,\n"
                "then checks the whole list alone for the speedup. Run it under mpirun:\n"
                "  mpirun -np 4 asyncrt-scale-out   (as root add --allow-run-as-root; more ranks\n"
                "  than cores needs --oversubscribe; across machines: --hostfile FILE)\n"
                "--timeline, --svg and --trace show rank 0's loop and pool.");
  demo::add_number_options(cli, default_numbers);
  cli.add()("workers", po::value<std::string>(),
            "threads in each rank's CPU pool (default: this machine's cores divided among its "
            "ranks, at most the cores mpirun bound the rank to)")(
      "share", po::value<std::string>(),
      "numbers a rank asks for at a time (default: 16 per worker)")(
      "timeout", po::value<std::string>()->default_value("60"),
      "seconds a rank may say nothing (while it checks a share or after it) before the run "
      "is given up as failed")("skip-one-rank",
                               "do not check the list with rank 0 alone afterwards (no speedup)");
  cli.set_quiet(world.rank() != 0);
  if (auto done = cli.parse(argc, argv)) return *done;

  const std::vector<std::uint64_t> numbers = demo::numbers_from(cli, default_numbers);
  const std::size_t local_ranks = ranks_on_this_machine(world);
  Settings settings;
  const std::size_t allowed = cores_allowed();
  settings.workers = cli.has("workers") ? cli.count("workers", 1, 1024)
                                        : std::clamp<std::size_t>(
                                              demo::default_workers() / local_ranks, 1, allowed);
  if (settings.workers > allowed) {  // more threads than cores: they would only take turns
    fmt::print(stderr,
               "{}: rank {}: {} workers but only {} core{} to run on: mpirun bound this rank "
               "(start it with --bind-to none, or --map-by slot:PE={})\n",
               program, world.rank(), settings.workers, allowed, allowed == 1 ? "" : "s",
               settings.workers);
  }
  settings.share_size = cli.has("share") ? cli.count("share", 1, 1'000'000) : 16 * settings.workers;
  settings.patience = std::chrono::seconds(cli.count("timeout", 1, 86'400));

  RankStats me;
  me.rank = world.rank();
  me.host = mpi::environment::processor_name();
  me.pid = static_cast<long>(::getpid());

  std::optional<demo::Timelines> timelines;
  if (world.rank() == 0) timelines.emplace(cli);
  Runtime runtime({.cpu_threads = settings.workers, .stop_token = interrupted});
  if (world.rank() != 0) {
    runtime.block_on(work_for_rank_0(world, numbers, settings, me), "work for rank 0");
    return 0;
  }

  // Under mpirun a rank's stderr is a pipe, so this draws only for a rank run on its own.
  demo::Progress progress(std::string(program), cli.progress_wanted());
  settings.progress = &progress;
  ScaleOutRun result{numbers, describe_list(cli, numbers.size()), settings, {}, {}};
  progress.start(demo::counted(static_cast<std::size_t>(world.size()), "rank"), numbers.size(),
                 "numbers");
  result.all_ranks = runtime.block_on(coordinate(world, numbers, settings, me), "rank 0");
  progress.finish();
  timelines->show(fmt::format("rank 0 of {}", world.size()));
  if (!cli.has("skip-one-rank")) {
    timelines->section();
    progress.start("rank 0 alone", numbers.size(), "numbers");
    result.one_rank = runtime.block_on(check_alone(numbers, settings, me), "rank 0 alone");
    progress.finish();
    timelines->show("rank 0 alone");
    if (result.one_rank->prime != result.all_ranks.prime) {
      throw std::runtime_error("rank 0 alone disagrees with the distributed run");
    }
  }
  timelines->finish("Prime checking over MPI ranks");
  if (cli.has("json")) {
    print_json(result);
  } else {
    print_text(result);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Ctrl-C (a terminal sends it to every rank it started) and SIGTERM (what mpirun sends its
  // ranks when it is interrupted) stop this rank's work. Set up before MPI starts its threads.
  demo::InterruptWatch interrupts;
  // MPI calls come from the main thread (here and in the collectives before the Runtime
  // starts) and from the loop thread (the exchanges), never from two at once: SERIALIZED.
  mpi::environment env(argc, argv, mpi::threading::serialized, /*abort_on_exception=*/false);
  const mpi::communicator world;
  if (mpi::environment::thread_level() < mpi::threading::serialized) {
    if (world.rank() == 0) {
      fmt::print(stderr, "{}: this MPI does not support MPI_THREAD_SERIALIZED\n", program);
    }
    return 1;
  }
  // Bad input is the same on every rank (all parse the same command line): each returns 2,
  // rank 0 alone says why. Anything else (a silent rank, a wrong answer) ends the whole run:
  // the other ranks may be waiting for this one, so MPI_Abort stops them all.
  const bool speaks = world.rank() == 0;
  int status = 0;
  try {
    status =
        interrupts.guard("the run", [&] { return run(world, argc, argv, interrupts.token()); });
  } catch (const demo::Interrupted& e) {
    if (speaks) fmt::print(stderr, "{}: {}\n", program, e.what());
    status = 128 + e.signal();
  } catch (const demo::UsageError& e) {
    if (speaks) fmt::print(stderr, "{}: {}\n", program, e.what());
    return 2;
  } catch (const po::error& e) {
    if (speaks) fmt::print(stderr, "{}: {} (see --help)\n", program, demo::one_line(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: rank {}: error: {}\n", program, world.rank(), demo::one_line(e.what()));
    status = 1;
  }
  // An interrupted rank just ends: every rank was signalled (by the terminal, or by mpirun).
  const bool interrupted = interrupts.signal() != 0;
  if (status != 0 && !interrupted && world.size() > 1) env.abort(status);
  return status;
}
