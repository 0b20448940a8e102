#!/usr/bin/env bash
# A calibration in-process, on one silo and on two silos, on one machine (issue 11's bar: two silos
# take at most 0.65 × the one-silo time, and every mode writes the same overlay).
#
# Like bench/cluster-scaling.sh: one throwaway PostgreSQL server, two clusters on it — "one" with a
# single silo, "two" with two — and every process pinned to a core (taskset), so a silo stands for a
# one-core machine: the lone silo, the first silo of "two", PostgreSQL and the client on core 0, the
# second silo of "two" on core 1. The in-process calibration runs on core 0 too, so it is the one-core
# engine without grains. `finsam calibrate … --cluster postgres` fans each evaluation's replicates out
# over the cluster's ReplicateWorkerGrains. Each round runs in-process, one silo, two silos in turn,
# so a slow spell of the machine hits all three; times are the client's wall clock (start-up and
# joining the cluster included: the same few seconds for every mode). Prints the median of each, the
# ratios per round, CPU used, and whether every overlay is byte-identical to the in-process one.
#
#   bench/calibrate-scaling.sh [scenario=scenarios/rar-sormland-2007.yaml] [replicates=20] [max-iterations=120]
#
# FINSAM_BENCH_ROUNDS (default 3) timed rounds; FINSAM_BENCH_WARMUPS (default 1) warm-up calibrations
# per cluster; FINSAM_BENCH_NO_BUILD=1 uses the Release build as it is; FINSAM_BENCH_KEEP=1 copies the
# logs and overlays to /tmp/calibrate-scaling when done.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/rar-sormland-2007.yaml}; replicates=${2:-20}; iterations=${3:-120}
rounds=${FINSAM_BENCH_ROUNDS:-3}; warmups=${FINSAM_BENCH_WARMUPS:-1}
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 cores"; exit 1; }
[ -f "$scenario" ] || { echo "no scenario $scenario"; exit 2; }

if [ -z "${FINSAM_BENCH_NO_BUILD:-}" ]; then
    dotnet build -c Release src/Finsam.Silo -nologo -v quiet >/dev/null
    dotnet build -c Release src/Finsam.Client -nologo -v quiet >/dev/null
fi
bin=src/Finsam.Client/bin/Release/net10.0/finsam.dll
silo=src/Finsam.Silo/bin/Release/net10.0/Finsam.Silo.dll
work=$(mktemp -d)
source .ci/postgres.sh start >/dev/null
# The connection string (with its password) goes by environment, never on a command line.
export FINSAM_CONNECTION="$FINSAM_TEST_PG"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    bash .ci/postgres.sh stop >/dev/null 2>&1
    if [ -n "${FINSAM_BENCH_KEEP:-}" ]; then mkdir -p /tmp/calibrate-scaling && cp "$work"/*.log "$work"/*.txt "$work"/*.yaml /tmp/calibrate-scaling/ 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Only the server this script started: its postmaster (first line of postmaster.pid) and its children.
pin_postgres() {
    local main
    main=$(head -n 1 "$FINSAM_PG_DIR/data/postmaster.pid" 2>/dev/null) || return 0
    [ -n "$main" ] || return 0
    for pid in "$main" $(pgrep -P "$main" 2>/dev/null); do taskset -acp 0 "$pid" >/dev/null 2>&1 || true; done
}
pin_postgres
dotnet "$bin" db init >/dev/null
read -r -a ports < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(6)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')

start_silo() { # cluster name cpu siloPort gatewayPort
    DOTNET_gcServer=0 taskset -c "$3" dotnet "$silo" --cluster postgres --cluster-id "calib-$$-$1" --silo-name "$2" \
        --silo-port "$4" --gateway-port "$5" --dashboard-port 0 --http-port 0 >"$work/$2.log" 2>&1 &
    pids+=($!)
}
wait_for_silos() { # cluster count
    for _ in $(seq 1 120); do
        n=$(dotnet "$bin" cluster status --cluster-id "calib-$$-$1" 2>/dev/null | grep -c "Active" || true)
        [ "$n" -ge "$2" ] && return 0
        sleep 1
    done
    echo "cluster $1 did not come up"; cat "$work"/*.log; exit 1
}
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }   # CPU ticks (1/100 s) a process has used so far
pg_cpu() { # CPU ticks of this script's PostgreSQL server: the postmaster, its live children, and those it has reaped
    local main t=0 p
    main=$(head -n 1 "$FINSAM_PG_DIR/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    t=$(awk '{print $14+$15+$16+$17}' "/proc/$main/stat" 2>/dev/null || echo 0)
    for p in $(pgrep -P "$main" 2>/dev/null); do t=$(( t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
    echo "$t"
}
now() { date +%s.%N; }
calibrate() { # mode label timed|untimed → appends "seconds silo-ticks…" to $work/$1.runs when timed
    local before=() after=() p i t0 t1 where=() pg0 pg1
    case "$1" in
        inproc) where=(--cluster in-process) ;;
        *) where=(--cluster postgres --cluster-id "calib-$$-$1") ;;
    esac
    for p in "${pids[@]}"; do before+=("$(cpu "$p")"); done
    pin_postgres
    pg0=$(pg_cpu)
    t0=$(now)
    if ! COLUMNS=200 /usr/bin/time -f '%U %S' -o "$work/client-cpu-$1-$2.txt" taskset -c 0 dotnet "$bin" calibrate "$scenario" "${where[@]}" --replicates "$replicates" \
        --max-iterations "$iterations" --out "$work/overlay-$1-$2.yaml" >"$work/client-$1-$2.txt" 2>&1; then
        echo "calibration $1/$2 failed:" >&2; tail -20 "$work/client-$1-$2.txt" >&2; exit 1
    fi
    t1=$(now)
    for p in "${pids[@]}"; do after+=("$(cpu "$p")"); done
    pg1=$(pg_cpu)
    if [ "$3" = timed ]; then
        printf '%.2f' "$(echo "$t1 - $t0" | bc -l)" >>"$work/$1.runs"
        for i in "${!pids[@]}"; do printf ' %s' $(( after[i] - before[i] )); done >>"$work/$1.runs"
        # then the client's CPU and PostgreSQL's, in ticks too
        printf ' %s %s' "$(awk '{printf "%d", ($1 + $2) * 100}' "$work/client-cpu-$1-$2.txt")" $(( pg1 - pg0 )) >>"$work/$1.runs"
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
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$warmups"); do
    calibrate one "warmup-$i" untimed
    calibrate two "warmup-$i" untimed
done
for i in $(seq 1 "$rounds"); do
    calibrate inproc "$i" timed
    calibrate one "$i" timed
    calibrate two "$i" timed
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

same=identical
for f in "$work"/overlay-*.yaml; do cmp -s "$work/overlay-inproc-1.yaml" "$f" || { same=DIFFERENT; echo "differs: $(basename "$f")"; }; done
inproc=$(cut -d' ' -f1 "$work/inproc.runs" | median)
one=$(cut -d' ' -f1 "$work/one.runs" | median)
two=$(cut -d' ' -f1 "$work/two.runs" | median)
ratios=$(paste -d' ' "$work/one.runs" "$work/two.runs" | awk '{printf "%.2f\n", $7 / $1}')
evaluations=$(tr -s '\n ' '  ' <"$work/client-inproc-1.txt" | sed -n 's/.* \([0-9][0-9]*\) simulation runs\..*/\1/p')
printf '%s · %s replicates per evaluation · %s simulation runs · each process pinned to one core · %s rounds after %s warm-up(s)\n' \
    "$scenario" "$replicates" "${evaluations:-?}" "$rounds" "$warmups"
printf 'in-process: %7.1f s median   (runs: %s)\n' "$inproc" "$(cut -d' ' -f1 "$work/inproc.runs" | paste -sd' ')"
printf 'one silo  : %7.1f s median   (runs: %s)\n' "$one" "$(cut -d' ' -f1 "$work/one.runs" | paste -sd' ')"
printf 'two silos : %7.1f s median   (runs: %s)\n' "$two" "$(cut -d' ' -f1 "$work/two.runs" | paste -sd' ')"
printf 'two / one : %.2f (median against median); per round: %s; median of rounds %s (bar: at most 0.65)\n' \
    "$(echo "$two / $one" | bc -l)" "$(echo "$ratios" | paste -sd' ')" "$(echo "$ratios" | median)"
printf 'one silo / in-process: %.2f\n' "$(echo "$one / $inproc" | bc -l)"
awk '{s+=$2} END {printf "CPU per calibration: one silo %.1f s", s / NR / 100}' "$work/one.runs"
awk '{a+=$3; b+=$4} END {printf "; two silos %.1f s + %.1f s\n", a / NR / 100, b / NR / 100}' "$work/two.runs"
for m in inproc one two; do awk -v m="$m" '{c+=$5; p+=$6} END {printf "  %-6s client CPU %.1f s, PostgreSQL CPU %.1f s\n", m, c / NR / 100, p / NR / 100}' "$work/$m.runs"; done
echo "load average (1, 5, 15 min): $load_before before, $load_after after"
echo "overlays: $same"
[ "$same" = identical ]
