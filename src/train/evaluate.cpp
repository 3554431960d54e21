#include "train/evaluate.h"

#include <algorithm>

#include "core/error.h"

namespace mlpscope {

namespace {

// Adds the samples whose forward pass is in ws (one column each) to e's counts; returns
// the sum of their losses.
template <class T>
double tally(const Network<T>& net, const Workspace<T>& ws, const std::int32_t* labels,
             Evaluation& e) {
  const Index n = ws.P.cols();
  for (Index j = 0; j < n; ++j) {
    Index predicted = 0;
    ws.P.col(j).maxCoeff(&predicted);
    const auto y = static_cast<std::size_t>(labels[j]);
    ++e.per_class_total[y];
    if (predicted == static_cast<Index>(y)) ++e.per_class_correct[y];
  }
  e.samples += n;
  return net.loss_sum(ws, labels);
}

Evaluation empty_evaluation(Index outputs) {
  Evaluation e;
  e.per_class_total.assign(static_cast<std::size_t>(outputs), 0);
  e.per_class_correct.assign(static_cast<std::size_t>(outputs), 0);
  return e;
}

void finish(Evaluation& e, double loss_sum) {
  Index correct = 0;
  for (Index c : e.per_class_correct) correct += c;
  e.loss = loss_sum / static_cast<double>(e.samples);
  e.accuracy = static_cast<double>(correct) / static_cast<double>(e.samples);
}

}  // namespace

template <class T>
Evaluation evaluate(const Network<T>& net, const Dataset& data, Workspace<T>& ws, Index chunk) {
  const Index K = net.arch().sizes.back();
  if (data.dim != net.arch().sizes.front())
    throw Error(data.name + " has " + std::to_string(data.dim) + " features, the network " +
                net.arch().describe() + " expects " + std::to_string(net.arch().sizes.front()));
  if (data.num_classes > K)
    throw Error(data.name + " has " + std::to_string(data.num_classes) +
                " classes, the network has " + std::to_string(K) + " outputs");
  Evaluation e = empty_evaluation(K);
  Matrix<T> X;
  std::vector<std::int32_t> labels(static_cast<std::size_t>(chunk));
  double loss_sum = 0.0;
  for (Index first = 0; first < data.size(); first += chunk) {
    const Index n = std::min(chunk, data.size() - first);
    data.gather_range(first, n, X, labels.data());
    net.forward(X, ws);
    loss_sum += tally(net, ws, labels.data(), e);
  }
  finish(e, loss_sum);
  return e;
}

template <class T>
Evaluation evaluate_forwarded(const Network<T>& net, const Workspace<T>& ws,
                              const std::int32_t* labels) {
  Evaluation e = empty_evaluation(net.arch().sizes.back());
  const double loss_sum = tally(net, ws, labels, e);
  finish(e, loss_sum);
  return e;
}

template Evaluation evaluate<float>(const Network<float>&, const Dataset&, Workspace<float>&,
                                    Index);
template Evaluation evaluate<double>(const Network<double>&, const Dataset&, Workspace<double>&,
                                     Index);
template Evaluation evaluate_forwarded<float>(const Network<float>&, const Workspace<float>&,
                                              const std::int32_t*);
template Evaluation evaluate_forwarded<double>(const Network<double>&, const Workspace<double>&,
                                               const std::int32_t*);

}  // namespace mlpscope
