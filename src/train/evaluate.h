// Loss and accuracy of a network over a whole data set, in chunks so that memory stays
// bounded (a chunk of 1000 samples at a time) and the sum is exact for any chunk size.
#pragma once

#include "data/dataset.h"
#include "nn/network.h"

namespace mlpscope {

struct Evaluation {
  double loss = 0.0;      // mean over the samples of the per-sample loss
  double accuracy = 0.0;  // fraction whose largest output is the label
  Index samples = 0;
  std::vector<Index> per_class_total, per_class_correct;
};

template <class T>
Evaluation evaluate(const Network<T>& net, const Dataset& data, Workspace<T>& ws,
                    Index chunk = 1000);

// The same from a forward pass already in ws (one column per sample, `labels` in order):
// full-batch training evaluates the training set with the pass its next step reuses.
template <class T>
Evaluation evaluate_forwarded(const Network<T>& net, const Workspace<T>& ws,
                              const std::int32_t* labels);

}  // namespace mlpscope
