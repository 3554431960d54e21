#include "train/evaluate.h"

#include <algorithm>

#include "core/error.h"

namespace mlpscope {

template <class T>
Evaluation evaluate(const Network<T>& net, const Dataset& data, Workspace<T>& ws, Index chunk) {
  const Index K = net.arch().sizes.back();
  if (data.dim != net.arch().sizes.front())
    throw Error(data.name + " has " + std::to_string(data.dim) + " features, the network " +
                net.arch().describe() + " expects " + std::to_string(net.arch().sizes.front()));
  if (data.num_classes > K)
    throw Error(data.name + " has " + std::to_string(data.num_classes) +
                " classes, the network has " + std::to_string(K) + " outputs");
  Evaluation e;
  e.per_class_total.assign(static_cast<std::size_t>(K), 0);
  e.per_class_correct.assign(static_cast<std::size_t>(K), 0);
  Matrix<T> X;
  std::vector<std::int32_t> labels(static_cast<std::size_t>(chunk));
  double loss_sum = 0.0;
  Index correct = 0;
  for (Index first = 0; first < data.size(); first += chunk) {
    const Index n = std::min(chunk, data.size() - first);
    data.gather_range(first, n, X, labels.data());
    net.forward(X, ws);
    loss_sum += net.loss_sum(ws, labels.data());
    for (Index j = 0; j < n; ++j) {
      Index predicted = 0;
      ws.P.col(j).maxCoeff(&predicted);
      const auto y = static_cast<std::size_t>(labels[static_cast<std::size_t>(j)]);
      ++e.per_class_total[y];
      if (predicted == static_cast<Index>(y)) {
        ++e.per_class_correct[y];
        ++correct;
      }
    }
  }
  e.samples = data.size();
  e.loss = loss_sum / static_cast<double>(data.size());
  e.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  return e;
}

template Evaluation evaluate<float>(const Network<float>&, const Dataset&, Workspace<float>&,
                                    Index);
template Evaluation evaluate<double>(const Network<double>&, const Dataset&, Workspace<double>&,
                                     Index);

}  // namespace mlpscope
