#include "train/fused_sgd.h"

#include "train/sgd_kernels.h"

namespace mlpscope {

namespace {

// Every layer's step as the backward loop reaches it.
template <class T>
class SgdSink : public LayerGradientSink<T> {
 public:
  SgdSink(Network<T>& net, T lr) : net_(net), lr_(lr) {}
  void layer(Index l, const Matrix<T>& input, const Matrix<T>& dZ, Matrix<T>* dA_below) override {
    MatrixMap<T> W = net_.W(l);
    VectorMap<T> b = net_.b(l);
    dense_backward_sgd<T>(W, b, input, dZ, lr_, dA_below);
  }

 protected:
  Network<T>& net_;
  T lr_;
};

// The helper's part of the first layer's walk (a SpinWorker task): the step of the columns
// [first, first + count) and their share of the next sample's product, from zero.
template <class T>
struct FirstLayerColumns {
  MatrixMap<T>* W;
  const T* x;
  const T* delta;
  T lr;
  const T* x_next;
  Index first, count;
  Vector<T>* part;

  static void run(void* context) {
    auto& c = *static_cast<FirstLayerColumns*>(context);
    c.part->setZero();
    dense_sgd_step_then_forward_columns<T>(*c.W, c.x, c.delta, c.lr, c.x_next, c.first, c.count,
                                           c.part->data());
  }
};

// The layers above the first as SgdSink; the first one's step fused with x_next's first
// product, written to ws.Z[0] (free by then: the activation's backward at layer 1 was its
// last reader).
template <class T>
class SgdThenForwardSink final : public SgdSink<T> {
 public:
  SgdThenForwardSink(Network<T>& net, T lr, Workspace<T>& ws, const Matrix<T>& X_next,
                     SpinWorker* helper)
      : SgdSink<T>(net, lr), ws_(ws), x_next_(X_next.data()), helper_(helper) {}

  void layer(Index l, const Matrix<T>& input, const Matrix<T>& dZ, Matrix<T>* dA_below) override {
    if (l > 0) return SgdSink<T>::layer(l, input, dZ, dA_below);
    MatrixMap<T> W0 = this->net_.W(0);
    VectorMap<T> b0 = this->net_.b(0);
    const T lr = this->lr_;
    T* z = ws_.Z[0].data();
    const Index split = helper_ && W0.cols() >= FusedSgd<T>::kSplitMinInputs ? W0.cols() / 2 : 0;
    if (split == 0) {
      dense_sgd_step_then_forward<T>(W0, b0, input.data(), dZ.data(), lr, x_next_, z);
      return;
    }
    ws_.part.resize(W0.rows());
    FirstLayerColumns<T> upper{&W0,     input.data(), dZ.data(),         lr,
                               x_next_, split,        W0.cols() - split, &ws_.part};
    helper_->start(&FirstLayerColumns<T>::run, &upper);
    b0.noalias() -= lr * ConstVectorMap<T>(dZ.data(), W0.rows());
    VectorMap<T>(z, W0.rows()) = b0;
    dense_sgd_step_then_forward_columns<T>(W0, input.data(), dZ.data(), lr, x_next_, 0, split, z);
    helper_->wait();
    VectorMap<T>(z, W0.rows()) += ws_.part;
  }

 private:
  Workspace<T>& ws_;
  const T* x_next_;
  SpinWorker* helper_;
};

}  // namespace

template <class T>
void FusedSgd<T>::step(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels,
                       Workspace<T>& ws, double lr) {
  SgdSink<T> sink(net, static_cast<T>(lr));
  net.backward(X, labels, ws, sink);
}

template <class T>
void FusedSgd<T>::step_then_forward(Network<T>& net, const Matrix<T>& X, const std::int32_t* labels,
                                    Workspace<T>& ws, double lr, const Matrix<T>& X_next,
                                    SpinWorker* helper) {
  net.check_input(X_next);
  if (X.cols() != 1 || X_next.cols() != 1)
    return Update<T>::step_then_forward(net, X, labels, ws, lr, X_next, helper);
  SgdThenForwardSink<T> sink(net, static_cast<T>(lr), ws, X_next, helper);
  net.backward(X, labels, ws, sink);
  net.forward_above_first(X_next, ws);
}

template class FusedSgd<float>;
template class FusedSgd<double>;

}  // namespace mlpscope
