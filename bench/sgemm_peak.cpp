// The roofline of this machine: the best single-precision GEMM rate OpenBLAS reaches on
// square matrices, at each thread count asked for, over several sizes (the best size
// depends on the caches: 2048 alone measured 71 GFLOP/s on one Zen 3 core, below what
// mlpscope's own 784-1024-1024-10 products reached, so one size under-reads the peak).
// bench/driver.py holds mlpscope's achieved GFLOP/s against it (DESIGN.md: batch 512 on
// 784-1024-1024-10 ≥ 75% of it).
//
//   sgemm_peak [--size N1,N2,…] [--repeats R] [--threads T1,T2,…]
//
// C = A·B with A, B, C (N, N) float32 costs 2·N³ floating-point operations (one multiply
// and one add per term of each of the N² dot products of length N). Each repeat times one
// cblas_sgemm call after one untimed warm-up call per size and thread count; the peak is
// the best repeat, and each thread count reports the size whose best repeat is highest. Before
// timing, one small product is checked against a naive double-precision one, so a broken BLAS (a
// wrong kernel for this CPU: see OPENBLAS_CORETYPE in the bench notes) fails loudly instead of
// printing a fast wrong figure.
//
// Output: one JSON object per thread count on stdout, e.g.
//   {"threads": 1, "size": 2048, "corename": "Zen", "gflops": [98.1, 99.4, 99.0]}
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Options {
  std::vector<int> sizes{512, 1024, 2048, 3072};
  int repeats = 5;
  std::vector<int> threads{1, 2};
};

int parse_positive(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 1)
    throw std::invalid_argument(option + ": expected a positive integer, got '" + text + "'");
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string option = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(option + ": missing value");
    const std::string value = argv[++i];
    if (option == "--size") {
      options.sizes.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');)
        options.sizes.push_back(parse_positive(option, item));
    } else if (option == "--repeats") {
      options.repeats = parse_positive(option, value);
    } else if (option == "--threads") {
      options.threads.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');)
        options.threads.push_back(parse_positive(option, item));
    } else {
      throw std::invalid_argument("unknown option " + option);
    }
  }
  return options;
}

std::vector<float> random_matrix(int rows, int cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> m(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  for (float& x : m) x = uniform(rng);
  return m;
}

// C (m, n) = A (m, k) · B (k, n), row-major, through OpenBLAS.
void sgemm(int m, int n, int k, const std::vector<float>& a, const std::vector<float>& b,
           std::vector<float>& c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a.data(), k, b.data(), n,
              0.0f, c.data(), n);
}

// The oracle: every dot product summed in double. Odd sizes exercise the kernels' edges.
void check_against_naive(std::mt19937& rng) {
  const int m = 67, n = 45, k = 131;
  const std::vector<float> a = random_matrix(m, k, rng), b = random_matrix(k, n, rng);
  std::vector<float> c(static_cast<std::size_t>(m) * n);
  sgemm(m, n, k, a, b, c);
  double worst = 0.0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int p = 0; p < k; ++p) sum += double(a[i * k + p]) * double(b[p * n + j]);
      worst = std::max(worst, std::abs(sum - double(c[i * n + j])));
    }
  // Float32 accumulation of k terms of size ≤ 1 is off by about k·2⁻²⁴ at worst.
  const double bound = 1e-4;
  if (!(worst <= bound)) {
    std::ostringstream message;
    message << "cblas_sgemm disagrees with the naive product by " << worst << " (bound " << bound
            << ") on core type " << openblas_get_corename();
    throw std::runtime_error(message.str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    std::mt19937 rng(1);
    check_against_naive(rng);
    const int largest = *std::max_element(options.sizes.begin(), options.sizes.end());
    const std::vector<float> a = random_matrix(largest, largest, rng),
                             b = random_matrix(largest, largest, rng);
    std::vector<float> c(static_cast<std::size_t>(largest) * static_cast<std::size_t>(largest));
    for (const int threads : options.threads) {
      openblas_set_num_threads(threads);
      int best_size = 0;
      std::vector<double> best;
      for (const int n : options.sizes) {
        // The leading n×n corners of the largest matrices (leading dimension n: contiguous).
        const double flops = 2.0 * double(n) * double(n) * double(n);
        sgemm(n, n, n, a, b, c);  // warm-up: thread pool, page faults, caches
        std::vector<double> gflops;
        for (int r = 0; r < options.repeats; ++r) {
          const auto start = std::chrono::steady_clock::now();
          sgemm(n, n, n, a, b, c);
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          gflops.push_back(flops / seconds * 1e-9);
        }
        if (best.empty() || *std::max_element(gflops.begin(), gflops.end()) >
                                *std::max_element(best.begin(), best.end())) {
          best = gflops;
          best_size = n;
        }
      }
      std::printf("{\"threads\": %d, \"size\": %d, \"corename\": \"%s\", \"gflops\": [", threads,
                  best_size, openblas_get_corename());
      for (std::size_t r = 0; r < best.size(); ++r) std::printf("%s%.2f", r ? ", " : "", best[r]);
      std::printf("]}\n");
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sgemm_peak: %s\n", e.what());
    return 2;
  }
}
