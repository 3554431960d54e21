#!/usr/bin/env bash
# Installs every Debian package mlpscope needs to build, test and run its demo.
# `setup.sh bench` adds the peers that bench/ compares against (PyTorch, numpy): they are
# never a dependency of the product, so only `make bench` asks for them.
# Idempotent: when everything is present it only runs dpkg-query and returns.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev          # matrices
  libopenblas-dev        # fast GEMM behind Eigen (EIGEN_USE_BLAS)
  libxsmm-dev            # small GEMMs: kernels generated per shape (src/core/small_gemm.h)
  libpcg-cpp-dev         # random numbers, reproducible across platforms
  libcli11-dev           # command line
  libtomlplusplus-dev    # --config FILE
  nlohmann-json3-dev     # logs, summaries, weights
  zlib1g-dev             # .gz IDX files and model checksums (crc32)
  libzip-dev             # .npz archives (zip, often zip64) without a hand-written zip reader
  libgtest-dev           # unit tests
  libbenchmark-dev       # bench/ (make bench)
  libsqlite3-dev         # sweep results (results.sqlite)
  dataset-fashion-mnist  # the default data set
  libopenmpi-dev openmpi-bin  # sweeps over a cluster (mpirun)
  chromium               # reports are tested in a real browser, headless
  clang libclang-rt-14-dev  # libFuzzer targets (make fuzz)
  python3-numpy          # tests: the .npy/.npz files they read are written by numpy itself
  python3-dev pybind11-dev  # the Python module (python/, docs/python.md)
  python3-pytest         # its tests, through ctest
  python3-matplotlib     # examples/python_story.py draws its map
  libcpp-httplib-dev     # mlpscope serve: the HTTP server (src/serve)
)
# `npm ci` puts uPlot (the serve page's charts) and puppeteer-core (its browser test) into
# the build folder at configure time (cmake/serve.cmake). A node installed another way
# (NodeSource, nvm) is used as it is.
if ! command -v npm > /dev/null; then
  packages+=(nodejs npm)
fi
if [[ "${1:-}" == bench ]]; then
  packages+=(python3-torch)  # a peer for bench/, measured side by side (numpy is above)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
