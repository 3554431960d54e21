// The number of threads the products use (--threads). One thread is the default: the
// networks this tool studies are small, and a single thread is both fastest for them and
// bit-for-bit reproducible. Same options, same seed, same thread count: same numbers.
#pragma once

namespace mlpscope {

void set_threads(int count);

}  // namespace mlpscope
