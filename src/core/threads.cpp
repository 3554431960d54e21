#include "core/threads.h"

#include <Eigen/Core>

#ifdef MLPSCOPE_HAVE_OPENBLAS
extern "C" void openblas_set_num_threads(int num_threads);
#endif

namespace mlpscope {

void set_threads(int count) {
  Eigen::setNbThreads(count);
#ifdef MLPSCOPE_HAVE_OPENBLAS
  openblas_set_num_threads(count);
#endif
}

}  // namespace mlpscope
