#pragma once
// Waiting for an MPI message on the event loop, the way the cook watches a pot: look, and if it
// is not ready, do something else for a moment and look again.

#include <chrono>

#include <boost/mpi/request.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::scale_out {

/// Waits until `request` (an isend or irecv) completes or `patience` has passed without it.
/// Returns true when it completed, false when it did not in time (the request is cancelled).
///
/// Threads: MPI is only ever called from the loop thread (MPI_THREAD_SERIALIZED is enough). The
/// task tests the request (MPI_Test, which also moves MPI's own progress along) and, while it
/// is not done, sleeps on the loop (50 µs at first, doubling up to 1 ms), so other tasks and the
/// completions of offloaded work run in between; it resumes on the loop.
Task<bool> wait_for(boost::mpi::request& request, std::chrono::steady_clock::duration patience);

}  // namespace asyncrt::scale_out
