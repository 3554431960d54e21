#!/usr/bin/env bash
# Runs the benchmarks with 3 repetitions and prints medians, min and max per case.
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are left as the machine sets them (see the env notes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%d)"
"$BUILD/bench/train_step_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=false \
  --benchmark_display_aggregates_only=true "$@"
