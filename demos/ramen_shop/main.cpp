// asyncrt-ramen-shop: the lesson's ramen shop. One cook who stands at the pot serves 6 bowls an
// hour; the same cook working concurrently (starting the next bowl while the water boils)
// serves about three times as many; more cooks add parallelism; the burners can become the
// bottleneck. Each mode is measured and shown next to what the model predicts.

#include <fmt/core.h>

#include <asyncrt/cpu_pool.hpp>

#include "common/cli.hpp"
#include "common/demo_cli.hpp"
#include "common/interrupt.hpp"
#include "common/report.hpp"
#include "common/timelines.hpp"
#include "common/work.hpp"
#include "ramen_shop/recipe.hpp"

using namespace asyncrt;
using namespace asyncrt::ramen;

namespace {

int run(int argc, char** argv) {
  demo::Cli cli("asyncrt-ramen-shop",
                "One cook, one bowl at a time (sync); one cook who works while the water boils\n"
                "(async: an event loop, waits are timers); several synchronous cooks (parallel);\n"
                "several cooks who each work concurrently (both). Prints bowls an hour, measured\n"
                "and predicted, and which resource bounds each run.");
  cli.add()("mode", demo::po::value<std::string>()->default_value("all"),
            "sync | async | parallel | both | all")(
      "orders", demo::po::value<std::string>()->default_value("12"), "bowls to serve")(
      "cooks", demo::po::value<std::string>()->default_value("2"),
      "cooks in the parallel and both modes")(
      "burners", demo::po::value<std::string>()->default_value("4"),
      "burners on the stove (boiling and cooking each take one)")(
      "minute-ms", demo::po::value<std::string>()->default_value("10"),
      "real milliseconds per minute of the model")(
      "virtual-time",
      "run the async mode on a virtual clock: the same schedule, exact and at once (with --mode "
      "async)");
  if (auto done = cli.parse(argc, argv)) return *done;

  Shop shop;
  shop.orders = cli.count("orders", 1, 10'000);
  shop.cooks = cli.count("cooks", 1, 64);
  shop.burners = cli.count("burners", 1, 1'000);
  shop.minute = std::chrono::milliseconds(cli.count("minute-ms", 1, 1'000));
  const std::string mode = cli.choice("mode", {"sync", "async", "parallel", "both", "all"});
  shop.virtual_time = cli.has("virtual-time");
  shop.cores = usable_cores();
  if (shop.virtual_time && mode != "async") {
    throw demo::UsageError(
        "--virtual-time needs --mode async (the other modes use threads, which have no virtual "
        "clock)");
  }
  if (shop.virtual_time && (cli.has("timeline") || cli.has("svg") || cli.has("trace"))) {
    throw demo::UsageError(
        "--virtual-time cannot be drawn: timelines show real time, and a virtual run takes none");
  }
  std::vector<Mode> modes;
  for (Mode m : {Mode::sync, Mode::async, Mode::parallel, Mode::both}) {
    if (mode == "all" || mode == mode_name(m)) modes.push_back(m);
  }

  demo::InterruptWatch interrupts;
  demo::work_rounds_per_second();  // sizes the computing now, not in the first timed run
  shop.stop = interrupts.token();
  demo::Timelines timelines(cli);

  demo::JsonReport report(cli, 1);
  report.object()
      .add("orders", shop.orders)
      .add("burners", shop.burners)
      .add("cores", shop.cores)
      .add("minute_ms", shop.minute.count())
      .add("virtual_time", shop.virtual_time);
  std::vector<demo::JsonObject> rows;

  const Recipe& r = shop.recipe;
  fmt::print(
      "The ramen shop: {}; boil {:g}, prepare {:g}, cook {:g}, serve {:g} minutes "
      "(1 minute = {:g} ms{}); {}; {}\n\n",
      demo::counted(shop.orders, "order"), r.boil, r.prepare, r.cook, r.serve, shop.minute.count(),
      shop.virtual_time ? " of virtual time" : "", demo::counted(shop.burners, "burner"),
      demo::counted(shop.cores, "core"));
  fmt::print("{:<9} {:>5}  {:>17}  {:>26}\n", "", "", "wall (min)", "bowls an hour");
  fmt::print("{:<9} {:>5}  {:>8} {:>8}  {:>8} {:>8} {:>8} {:>8}  {}\n", "mode", "cooks", "measured",
             "exact", "measured", "exact", "bound", "burners", "bounded by");

  std::vector<Service> services;
  for (Mode m : modes) {
    timelines.section();
    const Service service =
        interrupts.guard(fmt::format("the {} mode", mode_name(m)), [&] { return serve(m, shop); });
    const auto prediction = predict(m, service.cooks, shop);
    fmt::print("{:<9} {:>5}  {:>8.1f} {:>8.1f}  {:>8.1f} {:>8.1f} {:>8.1f} {:>8}  {}\n",
               mode_name(m), service.cooks, service.wall_minutes, prediction.exact_minutes,
               service.bowls_per_hour(),
               static_cast<double>(shop.orders) * 60 / prediction.exact_minutes,
               prediction.bound_per_hour, service.most_burners, prediction.bounded_by);
    services.push_back(service);
    rows.push_back(demo::JsonObject()
                       .add("mode", mode_name(m))
                       .add("cooks", service.cooks)
                       .add("wall_minutes", service.wall_minutes)
                       .add("exact_minutes", prediction.exact_minutes)
                       .add("bowls_per_hour", service.bowls_per_hour())
                       .add("bound_per_hour", prediction.bound_per_hour)
                       .add("most_burners", service.most_burners)
                       .add("bounded_by", prediction.bounded_by));
    timelines.show(fmt::format("{} ({})", mode_name(m), demo::counted(service.cooks, "cook")));
  }

  auto find = [&](Mode m) -> const Service* {
    for (const auto& s : services) {
      if (s.mode == m) return &s;
    }
    return nullptr;
  };
  fmt::print(
      "\nexact = this batch's schedule worked out step by step (burners and hands first come,\n"
      "first served); bound = the steady state, which a batch never quite reaches (it waits\n"
      "for the first boil and the last cook); burners = the most in use at once.\n");
  if (const auto* sync = find(Mode::sync), *async = find(Mode::async); sync && async) {
    fmt::print("async vs sync: {:.2f}x the bowls an hour with the same single cook\n",
               async->bowls_per_hour() / sync->bowls_per_hour());
    report.object().add("async_vs_sync", async->bowls_per_hour() / sync->bowls_per_hour());
  }
  report.object().add("modes", rows);
  timelines.finish("The ramen shop");
  report.finish();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return asyncrt::demo::guarded_main("asyncrt-ramen-shop", [&] { return run(argc, argv); });
}
