#!/usr/bin/env bash
# Every benchmark, one after another, each printing its figures beside its
# anchor or a baseline measured in the same run. On demand, not in the test
# command: a quiet machine gives the steadiest medians. ~15 minutes warm, plus
# the five arm64 package builds (`packages`, about half an hour on 2 cores).
#   bash tests/bench.sh            all of them
#   bash tests/bench.sh pdf api    some: site, pdf, api, cold-start, store, packages
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ticedu/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
wanted=("${@:-site pdf api cold-start store packages}")
wants() { [[ " ${wanted[*]} " == *" $1 "* ]]; }

if wants site; then
  echo "== site build: synthetic Zola sites of 2,000 and 10,000 pages, first / unchanged / one-page-edited"
  echo "   builds on a RAM disk (/dev/shm) and the real disk (TICEDU_BENCH_DISK, else the temp dir)"
  echo "   goal at 10,000 pages: 5x Zola 0.23 for 'ram first' and 'disk again', 1/4 of its memory"
  echo "   (set ZOLA=/path/to/zola to build the same sites with Zola in this run and print the ratios)"
  cargo bench -q -p ticedu-site --bench synthetic
fi
if wants api || wants pdf; then
  # The certificate's font as the run command gets it: the PDF bench and the API's print need it.
  bash functions/local/run.sh --font-only
fi
if wants pdf; then
  echo "== certificate PDF (budget: <= 25 KB, <= 4 ms median, every learner kind; anchor: the QR code of a pre-2026-12 link, this run)"
  cargo bench -q -p ticedu-certificate-pdf
fi
if wants api || wants cold-start; then
  cargo build -q --release -p ticedu-local -p ticedu-accounts -p ticedu-learning -p ticedu-payments -p ticedu-admin -p ticedu-certificates
fi
if wants api; then
  echo "== API latency in-process and HTTP load on loopback (goal for durable marks: >= 5,000/s at p99 < 20 ms; anchor: the static home page, this run)"
  cargo bench -q -p ticedu-tests --bench api_latency
fi
if wants cold-start; then
  echo "== cold start of the function binaries against a local Lambda Runtime API emulator, and their sizes"
  cargo bench -q -p ticedu-tests --bench cold_start
fi
if wants packages; then
  echo "== arm64 Lambda zips as deployed (goal: <= 4 MB each, the font layer aside); cross builds with fat LTO take a while"
  bash infra/package.sh
fi
if wants store; then
  echo "== store writes per second (embedded) and DynamoDB requests per operation (moto)"
  cargo bench -q -p ticedu-tests --bench store_writes
fi
