#!/usr/bin/env bash
# Runs docs/cluster.md's Slurm recipes on a real Slurm: a one-node cluster started here for the
# purpose (munged, slurmctld and slurmd, from Debian's `munge` and `slurm-wlm`, installed if
# missing), with every file under one temporary folder and ports of its own. The code blocks
# marked `<!-- slurm-check: NAME -->` in docs/cluster.md are run exactly as written there, with
# small sizes set in the environment, and their merged outputs are compared byte for byte with the
# same work run whole. The daemons it started are stopped by their PIDs, however it ends.
#
#   scripts/slurm-check.sh            uses target/debug/caseload (what `cargo test` built)
#   CASELOAD_BIN=path scripts/slurm-check.sh
#
# Needs root (the daemons run as root; `ProctrackType=proctrack/linuxproc`, `TaskPlugin=task/none`,
# so no systemd or cgroups are needed). .ci/run runs it after the tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath -m "${CASELOAD_BIN:-$repo/target/debug/caseload}")"
if [ ! -x "$bin" ]; then
    echo "slurm-check: no caseload binary at $bin (cargo test --workspace builds it)" >&2
    exit 2
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm-check: installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null; }
fi

tmp="$(mktemp -d /tmp/caseload-slurm-check.XXXXXX)"
chmod 755 "$tmp"
pids=()
stop() {
    local status=$?
    if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
        scancel --full --quiet --user "$(id -un)" 2>/dev/null || true
        # Let the jobs' processes end before their daemons do.
        for _ in $(seq 30); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    # Stop in reverse order of starting, each by the PID this script was given.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ]; then
        echo "slurm-check: FAILED; the jobs' and the daemons' logs:" >&2
        tail -n 20 "$tmp"/jobs/logs/* "$tmp"/log/slurmctld.log >&2 2>/dev/null || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: a fresh key and a socket of our own.
mkdir -p "$tmp/munge" "$tmp/key" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/jobs"
chmod 700 "$tmp/key"
head -c 1024 /dev/urandom >"$tmp/key/munge.key"
chmod 400 "$tmp/key/munge.key"
munged --foreground --force --socket="$tmp/munge/socket" --key-file="$tmp/key/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/log/munged.log" \
    --seed-file="$tmp/key/munged.seed" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge/socket" ] && break; sleep 0.1; done

node="$(hostname -s)"
cpus="$(nproc)"
memory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2))
cat >"$tmp/slurm.conf" <<CONF
ClusterName=caseload-check
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=check Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
    sleep 0.2
done
[ "$(sinfo -h -o %t)" = idle ] || { echo "slurm-check: the node did not come up" >&2; exit 1; }
echo "slurm-check: one-node cluster up ($node, $cpus CPUs)"

# The blocks of docs/cluster.md, by their markers.
block() {
    awk -v name="$1" '
        $0 == "<!-- slurm-check: " name " -->" { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }
    ' "$repo/docs/cluster.md"
}
for name in shards.sbatch submit-run sweep.sbatch submit-sweep calibrate.sh; do
    block "$name" >"$tmp/jobs/$name"
    [ -s "$tmp/jobs/$name" ] || { echo "slurm-check: no block $name in docs/cluster.md" >&2; exit 1; }
done

# Wait until the cluster has no jobs left, or give up.
drain() {
    for _ in $(seq 600); do
        [ -z "$(squeue -h 2>/dev/null)" ] && return 0
        sleep 1
    done
    echo "slurm-check: jobs still queued after 10 minutes:" >&2
    squeue -o "%i %j %t %r" >&2
    return 1
}
same() {
    cmp "$1" "$2" || { echo "slurm-check: $2 differs from $1" >&2; exit 1; }
}

cd "$tmp/jobs"
ln -s "$repo/scenarios" scenarios
mkdir -p bin
ln -s "$bin" bin/caseload
export PATH="$tmp/jobs/bin:$PATH"

# A run: three shards of nine replications, then the merge.
export SHARDS=3 REPS=9 SEED=1 SCENARIO=scenarios/birmingham_recruitment_plan.ron
bash submit-run >/dev/null
drain
caseload run "$SCENARIO" --reps "$REPS" --seed "$SEED" --quiet --out whole >/dev/null
same whole/results.csv merged/results.csv
same whole/summary.csv merged/summary.csv
echo "slurm-check: run of 3 shards merged: results.csv and summary.csv identical to a whole run"

# A sweep: four points over two shards.
export SHARDS=2 REPS=3 SCENARIO=scenarios/birmingham_baseline.ron
export VARY="roles[health_visitor].attrition=0.06,0.08,0.10,0.12"
bash submit-sweep >/dev/null
drain
caseload sweep "$SCENARIO" --vary "$VARY" --reps "$REPS" --seed "$SEED" --quiet --out sweep_whole \
    >/dev/null
same sweep_whole/sweep.csv sweep/sweep.csv
echo "slurm-check: sweep of 2 shards merged: sweep.csv identical to a whole sweep"

# A calibration: the driver loop, batch by batch.
small="--population 10 --generations 3 --budget 60 --check-reps 2"
export SHARDS=2
export ARGS="scenarios/birmingham_calibration_prior.ron --observed scenarios/observed/birmingham_2019_2021.csv --seed 1 --out calibration $small"
bash calibrate.sh >/dev/null
# shellcheck disable=SC2086 # ARGS is a list of words, as in the driver.
caseload calibrate ${ARGS/--out calibration/--out calibration_whole} --quiet >/dev/null
for f in posterior.csv calibration.json calibration.html; do
    same "calibration_whole/$f" "calibration/$f"
done
echo "slurm-check: calibration by the driver loop: posterior.csv, calibration.json and calibration.html identical to a whole calibration"
echo "slurm-check: passed"
