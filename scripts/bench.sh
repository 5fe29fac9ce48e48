#!/usr/bin/env bash
# Scale benchmarks (issue 6): Birmingham 1 replication, Birmingham 1,000 replications and the
# national scenario, 1 replication, each through the release command line with --stats (wall time
# of the replications, engine events and events per second, peak memory from VmHWM), plus the
# whole process's wall and CPU time. Run from anywhere; honours CARGO_TARGET_DIR.
#
#   scripts/bench.sh            all three
#   scripts/bench.sh birmingham Birmingham 1 replication only (quick)
#
# docs/benchmarks.md's table is these figures (the README repeats its headline rows). Timings need a quiet machine: on a shared one
# the CPU time (user + sys) is the better guide to the quiet wall time of a one-thread run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p caseload
bin="${CARGO_TARGET_DIR:-target}/release/caseload"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
TIMEFORMAT='  process: %R s wall, %U s user, %S s sys'

bench() {
    local label="$1"
    shift
    echo "== $label: caseload run $*"
    time "$bin" run "$@" -q --out "$out/run" --stats >/dev/null
}

bench "Birmingham, 1 replication" --reps 1 --threads 1
if [ "${1:-all}" = all ]; then
    bench "Birmingham, 1,000 replications" --reps 1000 --summary-only
    bench "National, 1 replication" scenarios/national_generated.ron --reps 1 --threads 1
fi
