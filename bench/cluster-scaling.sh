#!/usr/bin/env bash
# One silo against two on replicate-parallel work, on one machine.
#
# Two clusters share one throwaway PostgreSQL server: cluster "one" has a single silo, cluster
# "two" has two. Each silo process is pinned to a CPU core (taskset) and so stands for a one-core
# machine: the lone silo and the first silo of "two" on core 0 (with PostgreSQL and the client),
# the second silo of "two" on core 1. Only one cluster works at a time; the idle one costs next to
# nothing. Runs alternate between the clusters (one, two, one, two, …), so a slow spell of the
# machine hits both alike, and each round gives a paired speed-up. Times are the run grain's own
# clock (replicates and merging), not the client's start-up. Both clusters first run the same
# synthetic scenario (finsam bench --write-scenario) a few times to warm up. Prints the median
# time of each, replicates per second, the speed-ups, CPU used, and whether every result is
# byte-identical.
#
#   bench/cluster-scaling.sh [participants=100000] [replicates=32] [months=120]
#
# FINSAM_BENCH_ROUNDS (default 5) timed rounds; FINSAM_BENCH_WARMUPS (default 3) warm-up runs per
# cluster; FINSAM_BENCH_KEEP=1 copies the silos' logs to /tmp when done.
set -euo pipefail
cd "$(dirname "$0")/.."
participants=${1:-100000}; replicates=${2:-32}; months=${3:-120}
rounds=${FINSAM_BENCH_ROUNDS:-5}; warmups=${FINSAM_BENCH_WARMUPS:-3}
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 cores"; exit 1; }

dotnet build -c Release Finsam.sln -nologo -v quiet >/dev/null
bin=src/Finsam.Client/bin/Release/net10.0/finsam.dll
silo=src/Finsam.Silo/bin/Release/net10.0/Finsam.Silo.dll
work=$(mktemp -d)
source .ci/postgres.sh start >/dev/null
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    bash .ci/postgres.sh stop >/dev/null 2>&1
    if [ -n "${FINSAM_BENCH_KEEP:-}" ]; then cp "$work"/*.log /tmp/; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Only the server this script started (not anyone else's PostgreSQL): its postmaster, whose pid heads
# postmaster.pid in its own data folder, and the processes it has forked; later backends inherit the mask.
pin_postgres() {
    local main
    main=$(head -n 1 "$FINSAM_PG_DIR/data/postmaster.pid" 2>/dev/null) || return 0
    [ -n "$main" ] || return 0
    for pid in "$main" $(pgrep -P "$main" 2>/dev/null); do taskset -acp 0 "$pid" >/dev/null 2>&1 || true; done
}
pin_postgres
dotnet "$bin" db init --connection "$FINSAM_TEST_PG" >/dev/null
dotnet "$bin" bench --write-scenario "$work/synthetic.yaml" --participants "$participants" --months "$months" >/dev/null
# Free loopback ports, so a silo never collides with (or answers for) anything else on the machine.
read -r -a ports < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(6)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')

start_silo() { # cluster name cpu siloPort gatewayPort
    DOTNET_gcServer=0 taskset -c "$3" dotnet "$silo" --cluster postgres --connection "$FINSAM_TEST_PG" \
        --cluster-id "bench-$$-$1" --silo-name "$2" --silo-port "$4" --gateway-port "$5" --dashboard-port 0 --http-port 0 \
        >"$work/$2.log" 2>&1 &
    pids+=($!)
}
wait_for_silos() { # cluster count
    for _ in $(seq 1 120); do
        n=$(dotnet "$bin" cluster status --connection "$FINSAM_TEST_PG" --cluster-id "bench-$$-$1" 2>/dev/null | grep -c "Active" || true)
        [ "$n" -ge "$2" ] && return 0
        sleep 1
    done
    echo "cluster $1 did not come up"; cat "$work"/*.log; exit 1
}
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }   # CPU ticks (1/100 s) a process has used so far
time_run() { # cluster label → seconds inside the silos; appends "seconds silo-ticks…" to $work/$1.runs when timed
    local before=() after=() t p i
    for p in "${pids[@]}"; do before+=("$(cpu "$p")"); done
    pin_postgres
    if ! COLUMNS=200 taskset -c 0 dotnet "$bin" run "$work/synthetic.yaml" --cluster postgres --connection "$FINSAM_TEST_PG" \
        --cluster-id "bench-$$-$1" --replicates "$replicates" --out "$work/out-$1-$2" >"$work/client-$1-$2.txt" 2>&1; then
        echo "run $1/$2 failed:" >&2; tail -20 "$work/client-$1-$2.txt" >&2; exit 1
    fi
    t=$(tr -s '\n ' '  ' <"$work/client-$1-$2.txt" | sed -n 's/.*(\([0-9.]*\) s inside the silos).*/\1/p')
    [ -n "$t" ] || { echo "run $1/$2 printed no time" >&2; exit 1; }
    for p in "${pids[@]}"; do after+=("$(cpu "$p")"); done
    if [ "$3" = timed ]; then
        printf '%s' "$t" >>"$work/$1.runs"
        for i in "${!pids[@]}"; do printf ' %s' $(( after[i] - before[i] )); done >>"$work/$1.runs"
        echo >>"$work/$1.runs"
    fi
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# pids[0]: cluster one's silo; pids[1], pids[2]: cluster two's silos.
start_silo one one-silo 0 "${ports[0]}" "${ports[1]}"
start_silo two two-silo-1 0 "${ports[2]}" "${ports[3]}"
start_silo two two-silo-2 1 "${ports[4]}" "${ports[5]}"
wait_for_silos one 1
wait_for_silos two 2
for i in $(seq 1 "$warmups"); do
    time_run one "warmup-$i" untimed
    time_run two "warmup-$i" untimed
done
for i in $(seq 1 "$rounds"); do
    time_run one "$i" timed
    time_run two "$i" timed
done

same=identical
for f in "$work"/out-*/result.json; do cmp -s "$work/out-one-1/result.json" "$f" || same=DIFFERENT; done
one=$(cut -d' ' -f1 "$work/one.runs" | median)
two=$(cut -d' ' -f1 "$work/two.runs" | median)
ratios=$(paste -d' ' "$work/one.runs" "$work/two.runs" | awk '{printf "%.2f\n", $1 / $5}')
printf 'participants %s · months %s · replicates %s · each silo pinned to one core · %s rounds after %s warm-ups\n' \
    "$participants" "$months" "$replicates" "$rounds" "$warmups"
printf 'one silo : %6.2f s median  %6.2f replicates/s   (runs: %s)\n' "$one" "$(echo "$replicates / $one" | bc -l)" "$(cut -d' ' -f1 "$work/one.runs" | paste -sd' ')"
printf 'two silos: %6.2f s median  %6.2f replicates/s   (runs: %s)\n' "$two" "$(echo "$replicates / $two" | bc -l)" "$(cut -d' ' -f1 "$work/two.runs" | paste -sd' ')"
printf 'speed-up : %.2f× (median against median); per round: %s; median of rounds %s×\n' \
    "$(echo "$one / $two" | bc -l)" "$(echo "$ratios" | paste -sd' ')" "$(echo "$ratios" | median)"
awk '{s+=$2} END {printf "CPU per run: one silo %.1f s", s / NR / 100}' "$work/one.runs"
awk '{a+=$3; b+=$4} END {printf "; two silos %.1f s + %.1f s\n", a / NR / 100, b / NR / 100}' "$work/two.runs"
echo "results: $same"
