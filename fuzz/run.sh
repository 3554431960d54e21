#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang (MLPSCOPE_FUZZ=ON), replays every
# regression input, then fuzzes each target for FUZZ_SECONDS (default 30) starting from a
# temporary copy of its seed corpus, so the committed corpus never changes. An input that
# crashes a target (a sanitizer report, an escaped exception, a timeout, an allocation above
# the limit) is saved to fuzz/regressions/TARGET/ and the run fails. docs/hardening.md.
#
#   FUZZ_SECONDS=60 make fuzz            longer runs
#   FUZZ_TARGETS="idx csv" make fuzz     some targets only
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${FUZZ_BUILD:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${JOBS:-$(nproc)}
ALL_TARGETS=$(cd fuzz/corpus && ls)
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}

# The limits that make a finding: 2 GB of memory in all, no single allocation above 128 MB
# (no parser needs that for an input of a few kilobytes: one that does allocates what a
# header claims), 10 s for one input.
LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=128 -timeout=10)
# Inputs up to a few kilobytes: larger than every seed, small enough to mutate quickly.
max_len() {
  case $1 in
    vary | run_options | data_spec) echo 512 ;;
    *) echo 8192 ;;
  esac
}

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  launcher=()
  command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # -O1 -g: fast enough to fuzz, readable stacks. No -march=native: the instrumented build
  # runs where it is built, but gains nothing from it.
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DMLPSCOPE_FUZZ=ON -DMLPSCOPE_TESTS=OFF \
    -DMLPSCOPE_NATIVE=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" "${launcher[@]}"
fi
cmake --build "$BUILD" -j "$JOBS" --target fuzzers

# Outputs go to a temporary directory: crash-* files land in its artifacts/ (an absolute
# path: the data_spec target changes its working directory).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for target in $TARGETS; do
  binary=$BUILD/fuzz/fuzz_$target
  [[ -x $binary ]] || { echo "fuzz: no target '$target' (targets: $ALL_TARGETS)" >&2; exit 2; }
  # Absolute paths: the data_spec target changes its working directory.
  regressions=("$PWD"/fuzz/regressions/"$target"/*)
  if [[ -e ${regressions[0]} ]]; then
    echo "== $target: replaying ${#regressions[@]} regression input(s)"
    if ! "$binary" "${LIMITS[@]}" "${regressions[@]}" > "$work/$target.replay.log" 2>&1; then
      tail -n 40 "$work/$target.replay.log"
      failed+=("$target (regression)")
      continue
    fi
  fi
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp fuzz/corpus/"$target"/* "$work/$target/corpus/"
  echo "== $target: fuzzing for ${SECONDS_EACH}s"
  status=0
  "$binary" "${LIMITS[@]}" -max_len="$(max_len "$target")" -max_total_time="$SECONDS_EACH" \
    -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" "$work/$target/corpus" \
    > "$work/$target.log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log" |
    sed 's/^/   /' || true
  echo "   corpus: $(ls fuzz/corpus/"$target" | wc -l) seeds -> $(ls "$work/$target/corpus" | wc -l) inputs"
  if [[ $status -ne 0 ]]; then
    tail -n 60 "$work/$target.log"
    mkdir -p fuzz/regressions/"$target"
    for artifact in "$work/$target/artifacts"/*; do
      [[ -e $artifact ]] || continue
      cp "$artifact" fuzz/regressions/"$target"/
      echo "   saved fuzz/regressions/$target/$(basename "$artifact")"
    done
    failed+=("$target")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in: ${failed[*]} (inputs saved under fuzz/regressions/)" >&2
  exit 1
fi
echo "fuzz: every target ran ${SECONDS_EACH}s without a finding"
