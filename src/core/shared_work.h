// A thread's work shared with a helper thread (core/spin_worker.h) while a SharedWork
// lives: the large products (core/blas.h) and the elementwise passes of the activations
// (nn/activation.h) are done in two halves, the helper taking one if it is free. The
// trainer makes one per step when it runs on two threads (train/stepper.h).
//
// Why not OpenBLAS's own threads: between two products they wait by calling sched_yield in
// a loop, a system call each time (23% of a two-thread batch-128 run in perf, 2026-12-07),
// and a step of a 784-256-128-10 network at batch 128 is eight products of 10 µs to 250 µs
// and as many elementwise passes, which OpenBLAS leaves to one core. The helper spins on
// an atomic instead and hands a task over in about 0.1 µs.
//
// A split fixed by the shapes alone, whichever thread runs a half: the same numbers run to
// run. A product is split by the columns of C (by rows when C has more rows than columns),
// never in the sum over k; with OpenBLAS's AVX-512 kernels each element then comes out as
// one call computes it, with its Haswell kernel about 1% of them differ in the last bit
// (tests/core/shared_work_test.cpp). An elementwise pass is split at a column where a
// 64-byte line starts, so that its vectorized loop takes the same elements in packets, and
// the same ones alone, as the whole does: the bits of one thread, always.
#pragma once

#include "core/spin_worker.h"
#include "core/types.h"

namespace mlpscope {

class SharedWork {
 public:
  explicit SharedWork(SpinWorker& helper);
  ~SharedWork();
  SharedWork(const SharedWork&) = delete;
  SharedWork& operator=(const SharedWork&) = delete;

  // This thread's helper while a SharedWork lives; null otherwise.
  static SpinWorker* helper();

 private:
  SpinWorker* previous_;
};

// part(first, count) over the columns [0, cols) of (rows, cols) matrices of T: in two
// parts when this thread has a helper and rows·cols ≥ min_elements, one call otherwise.
// The first part ends at a column where an aligned matrix's 64-byte line starts (an even
// column for an even number of rows of float64 …), the nearest to the middle.
template <class T, class Part>
void in_column_halves(Index rows, Index cols, Index min_elements, Part&& part) {
  SpinWorker* helper = SharedWork::helper();
  constexpr Index kLine = 64 / static_cast<Index>(sizeof(T));
  Index split = cols / 2;
  while (split > 0 && (split * rows) % kLine != 0) --split;
  if (!helper || rows * cols < min_elements || split == 0) return part(Index(0), cols);
  struct Upper {
    Part* part;
    Index first, count;
    static void run(void* context) {
      auto& u = *static_cast<Upper*>(context);
      (*u.part)(u.first, u.count);
    }
  };
  Upper upper{&part, split, cols - split};
  helper->start(&Upper::run, &upper);
  part(Index(0), split);
  helper->wait();
}

}  // namespace mlpscope
