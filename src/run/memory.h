// Limits: how much memory a run will need, estimated from its shape before anything is
// allocated, so that an absurd request (a width that needs 100 GB) is refused with a clear
// message instead of ending in an out-of-memory kill halfway through.
//
// The estimate counts what a run holds at once (bytes of its scalar type T, P parameters):
//   parameters  P·T × (weights + gradients + optimizer slots [+ θ before the last step
//               when probes are on]); slots: sgd 0, momentum/nesterov/rmsprop 1, adam 2
//   sharpness   8 vectors of P doubles (the float64 copy of the network and its gradient,
//               θ, and the Lanczos vectors) when λmax is measured
//   activations per sample of a batch: Z and A of every layer, the dZ/dA scratch of the
//               widest one and the gathered input, ×T; for the training batch, the
//               evaluation chunk (1000 samples) and the probe set
//   data        the training and test sets as stored, with their labels
// It errs on the side of more (Eigen's own temporaries are not counted, and they are small).
//
// The bound is the machine's physical memory (sysconf), or MLPSCOPE_MEMORY_LIMIT when set
// (bytes, or a number with K, M, G or T, powers of 1024): a lower bound for shared machines,
// or a higher one to let the kernel's overcommit decide.
#pragma once

#include <string>

#include "run/run.h"

namespace mlpscope {

struct MemoryEstimate {
  double parameters = 0.0;   // weights, gradients, optimizer state, previous θ
  double sharpness = 0.0;    // the Hessian-vector products' float64 vectors
  double activations = 0.0;  // training batch, evaluation chunk and probe set
  double data = 0.0;         // the data sets as stored
  double total() const { return parameters + sharpness + activations + data; }
};

MemoryEstimate estimate_run_memory(const RunConfig& config, const Architecture& arch,
                                   const PreparedData& data, const WatchConfig& watch);

// Physical memory in bytes, or MLPSCOPE_MEMORY_LIMIT; throws Error when that is malformed.
double memory_limit_bytes();

// "1.5 GB": powers of 1024, as `free -h` shows them.
std::string format_bytes(double bytes);

// Throws Error("run too large: …") naming the estimate's parts, the bound, and the options
// that shrink it when the estimate exceeds memory_limit_bytes().
void check_run_memory(const RunConfig& config, const Architecture& arch, const PreparedData& data,
                      const WatchConfig& watch);

}  // namespace mlpscope
