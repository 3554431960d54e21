#include "io/model.h"

#include "core/error.h"

namespace mlpscope {

template <class T>
Model Model::from_network(const Network<T>& net) {
  Model m;
  m.arch = net.arch();
  m.params.resize(static_cast<std::size_t>(net.params().size()));
  for (Index i = 0; i < net.params().size(); ++i)
    m.params[static_cast<std::size_t>(i)] = static_cast<double>(net.params()(i));
  return m;
}

template <class T>
void Model::copy_to(Network<T>& net) const {
  const Architecture& want = net.arch();
  if (arch.num_layers() != want.num_layers())
    throw Error("the weights have " + std::to_string(arch.num_layers()) + " layers, the network " +
                want.describe() + " has " + std::to_string(want.num_layers()));
  for (Index l = 0; l < want.num_layers(); ++l)
    if (arch.fan_in(l) != want.fan_in(l) || arch.fan_out(l) != want.fan_out(l))
      throw Error("layer " + std::to_string(l + 1) + ": the weights are " +
                  std::to_string(arch.fan_out(l)) + "x" + std::to_string(arch.fan_in(l)) +
                  " (out x in), the network needs " + std::to_string(want.fan_out(l)) + "x" +
                  std::to_string(want.fan_in(l)));
  if (params.size() != static_cast<std::size_t>(want.num_params()))
    throw Error("the weights hold " + std::to_string(params.size()) + " parameters, the network " +
                std::to_string(want.num_params()));
  for (Index i = 0; i < want.num_params(); ++i)
    net.params()(i) = static_cast<T>(params[static_cast<std::size_t>(i)]);
}

template Model Model::from_network<float>(const Network<float>&);
template Model Model::from_network<double>(const Network<double>&);
template void Model::copy_to<float>(Network<float>&) const;
template void Model::copy_to<double>(Network<double>&) const;

}  // namespace mlpscope
