#!/usr/bin/env bash
# `make bench`: mlpscope side by side with PyTorch, numpy and the SGEMM roofline
# (bench/driver.py; about ten minutes on 2 cores). First checks that the peers compute what
# mlpscope computes (bench/check_peers.py), since ratios against a peer that trains
# something else would mean nothing. Writes BUILD/bench/results.md and replaces the marked
# section of bench/RESULTS.md (BENCH_RECORD=0 leaves RESULTS.md alone).
#   bench/run.sh [driver options, e.g. --quick or --cases 1,4]
#   bench/run.sh micro [Google Benchmark options]   # the training-step micro-benchmark
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are set aside in benchmark commands alone (here, and by
# the driver for its children; never in tests): the machine may set them for old OpenBLAS
# builds, and they slow the current one (env notes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PYTHON=/usr/bin/python3  # Debian's, with python3-torch and python3-numpy (setup.sh bench)
py_env=(env PYTHONPATH=bench PYTHONDONTWRITEBYTECODE=1)
set_aside=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

if [[ "${1:-}" == micro ]]; then
  shift
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
  exec "${set_aside[@]}" "$BUILD/bench/train_step_bench" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=false --benchmark_display_aggregates_only=true "$@"
fi

record=()
quick=0
for arg in "$@"; do if [[ "$arg" == --quick ]]; then quick=1; fi; done
if [[ "${BENCH_RECORD:-1}" == 1 && $quick == 0 ]]; then record=(--update-results); fi

"${set_aside[@]}" "${py_env[@]}" "$PYTHON" bench/check_peers.py --mlpscope "$BUILD/mlpscope"
"${py_env[@]}" "$PYTHON" bench/driver.py --build "$BUILD" "${record[@]}" "$@"
