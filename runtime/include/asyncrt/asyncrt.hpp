#pragma once
// The whole public API of asyncrt in one include.

#include <asyncrt/channel.hpp>
#include <asyncrt/cpu_pool.hpp>
#include <asyncrt/event.hpp>
#include <asyncrt/map.hpp>
#include <asyncrt/mutex.hpp>
#include <asyncrt/named.hpp>
#include <asyncrt/offload.hpp>
#include <asyncrt/runtime.hpp>
#include <asyncrt/semaphore.hpp>
#include <asyncrt/signals.hpp>
#include <asyncrt/stall_detector.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/task_group.hpp>
#include <asyncrt/terminal.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/timeline.hpp>
#include <asyncrt/trace.hpp>
#include <asyncrt/version.hpp>
#include <asyncrt/when_all.hpp>
#include <asyncrt/when_any.hpp>
#include <asyncrt/yield.hpp>
