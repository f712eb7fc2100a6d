#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target of fuzz/ and runs each for a
# few seconds (FUZZ_SECONDS, default 10: five targets, 50 s of fuzzing),
# starting from the seeds in fuzz/corpus/<target>/. Inputs found on the way go
# to a temporary folder, so the committed seeds stay small; a crash is saved in
# fuzz/artifacts/<target>/ and fails the run. Longer runs: fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo fuzz --version >/dev/null 2>&1; then
  # Built in cargo's own temporary folder, not in a target dir of the project.
  env -u CARGO_TARGET_DIR cargo install --locked cargo-fuzz@0.13.2
fi

# Its own target dir, outside the clone: fuzz builds use other flags
# (sanitizer, coverage) than the workspace's and would evict its builds.
export CARGO_TARGET_DIR="${TICEDU_FUZZ_TARGET_DIR:-$HOME/.cache/ticedu/fuzz-target}"
# cargo-fuzz passes nightly flags (-Zsanitizer=address); stable rustc takes them this way.
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
seconds="${FUZZ_SECONDS:-10}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo fuzz build
for target in $(cargo fuzz list); do
  corpus=("$work/$target")
  mkdir -p "$work/$target"
  [ -d "fuzz/corpus/$target" ] && corpus+=("fuzz/corpus/$target")
  echo "fuzz: $target for ${seconds}s"
  # libFuzzer's progress lines are noise in CI; its summary and any crash are kept.
  cargo fuzz run "$target" "${corpus[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    2> "$work/$target.log" || {
    cat "$work/$target.log"
    echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  }
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/$target.log" || true
done
