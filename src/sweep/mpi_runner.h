// A sweep spread over the ranks of an MPI job: `mpirun -np N mlpscope sweep …`.
//
// Design (docs/sweep.md, "On a cluster: MPI"):
// - Rank 0 is the sweep: it makes every check (grid, --out, the database's grid, the data),
//   owns the queue of points and the database, and is its single writer, one transaction
//   per run, exactly as without MPI. Only then does it tell the other ranks to start; if a
//   check fails it tells them to stop, and only rank 0 prints the error.
// - Dynamic scheduling: a worker rank asks for a point, runs it, sends back its row (as
//   JSON, sweep/row_json.h), and is given the next one in the same reply. Slow runs do not
//   hold back a static slice, and every rank is busy until the queue is empty.
// - Rank 0 also runs points on --jobs local threads (1 by default under MPI, 0: a pure
//   coordinator) from the same queue, so `mpirun -np N` keeps N runs going at once.
// - Points travel as grid indices: every rank parsed the same command line and expands the
//   same grid, so an index names the same run everywhere. Each rank loads the data of the
//   points it is given, once.
// - Waiting ranks poll (MPI_Iprobe, then a short sleep) instead of blocking in MPI_Recv,
//   which Open MPI implements as a busy loop: on a machine with fewer cores than ranks a
//   blocked rank would take a core from one that computes.
// - A rank that dies: Open MPI 4.1 (without ULFM) aborts the whole job when a process
//   exits abnormally, so every run in flight is lost, on every rank. The runs rank 0 has
//   committed stay, and the same command (with or without mpirun) resumes from them.
#pragma once

#include <functional>
#include <optional>

#include "sweep/sweep.h"

namespace mlpscope::mpi {

// Whether this build has the MPI runner (MLPSCOPE_HAVE_MPI).
bool built_with_mpi();
// Whether Open MPI's mpirun started this process (OMPI_COMM_WORLD_SIZE in the environment).
// Read from the environment alone: a process not started by mpirun never initializes MPI.
bool launched_by_mpirun();
// This process's rank from the environment, 0 when not under mpirun; known before MPI_Init.
int rank_from_environment();

// MPI_Init on construction (threads: funneled; only this thread calls MPI), MPI_Finalize on
// destruction. Throws Error when this build has no MPI.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

// The sweep over the ranks of `session`. On rank 0, run_sweep with points handed out to
// every rank; returns its outcome. On the others, runs what rank 0 sends and returns
// nothing; throws Error when rank 0 stopped before the first run (its checks failed, and
// rank 0 reports why).
std::optional<SweepOutcome> run_sweep(const Session& session, const SweepOptions& options,
                                      const std::function<void(const SweepProgress&)>& progress);

}  // namespace mlpscope::mpi
