#!/usr/bin/env bash
# One silo against two on replicate-parallel work, on one machine.
#
# Each silo process is pinned to its own CPU core (taskset), so a silo stands for a one-core
# machine (workstation GC: server GC has nothing to gain on one core); PostgreSQL and the client
# share silo 1's core, leaving silo 2's core to itself. The client only submits and polls. Times are the run grain's own clock (replicates and merging), not the client's start-up. The same synthetic
# scenario (finsam bench --write-scenario) runs first on one silo, then on two, through a
# throwaway PostgreSQL cluster. Prints replicates per second, the speed-up, and whether the two
# results are byte-identical.
#
#   bench/cluster-scaling.sh [participants=10000] [replicates=160] [months=120]
#
# FINSAM_BENCH_TRACE=FILE samples both silos' CPU every half second during the two-silo run;
# FINSAM_BENCH_KEEP=1 copies the silos' logs to /tmp when done.
set -euo pipefail
cd "$(dirname "$0")/.."
participants=${1:-10000}; replicates=${2:-160}; months=${3:-120}
cores=$(nproc)
[ "$cores" -ge 2 ] || { echo "needs at least 2 cores"; exit 1; }

dotnet build -c Release Finsam.sln -nologo -v quiet >/dev/null
bin=src/Finsam.Client/bin/Release/net10.0/finsam.dll
silo=src/Finsam.Silo/bin/Release/net10.0/Finsam.Silo.dll
work=$(mktemp -d)
source .ci/postgres.sh start >/dev/null
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; bash .ci/postgres.sh stop >/dev/null 2>&1; [ -n "${FINSAM_BENCH_KEEP:-}" ] && cp "$work"/*.log /tmp/; rm -rf "$work"; }
trap cleanup EXIT

# PostgreSQL and the client live with silo 1 on core 0, so the second silo's core is its own,
# as a second machine's would be.
pin_postgres() { for pid in $(pgrep -u postgres 2>/dev/null); do taskset -acp 0 "$pid" >/dev/null 2>&1 || true; done; }
pin_postgres
dotnet "$bin" db init --connection "$FINSAM_TEST_PG" >/dev/null
dotnet "$bin" bench --write-scenario "$work/synthetic.yaml" --participants "$participants" --months "$months" >/dev/null
cluster="bench-$$"
# Free loopback ports, so a silo never collides with (or answers for) anything else on the machine.
read -r p1 p2 p3 p4 < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(4)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')

start_silo() { # name cpu siloPort gatewayPort
    DOTNET_gcServer=0 taskset -c "$2" dotnet "$silo" --cluster postgres --connection "$FINSAM_TEST_PG" \
        --cluster-id "$cluster" --silo-name "$1" --silo-port "$3" --gateway-port "$4" --dashboard-port 0 --http-port 0 >"$work/$1.log" 2>&1 &
    pids+=($!)
    sleep 1
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "silo $1 did not start:"; cat "$work/$1.log"; exit 1; }
}
wait_for_silos() { # count
    for _ in $(seq 1 120); do
        n=$(dotnet "$bin" cluster status --connection "$FINSAM_TEST_PG" --cluster-id "$cluster" 2>/dev/null | grep -c "Active" || true)
        [ "$n" -ge "$1" ] && return 0
        sleep 1
    done
    echo "silos did not join"; cat "$work"/*.log; exit 1
}
time_run() { # label → seconds the run took inside the silos (the run grain's own clock: replicates and merging)
    pin_postgres
    COLUMNS=200 taskset -c 0 dotnet "$bin" run "$work/synthetic.yaml" --cluster postgres --connection "$FINSAM_TEST_PG" --cluster-id "$cluster" \
        --replicates "$replicates" --out "$work/out-$1" >"$work/client-$1.txt" 2>&1
    local t
    t=$(tr -s '\n ' '  ' <"$work/client-$1.txt" | sed -n 's/.*(\([0-9.]*\) s inside the silos).*/\1/p')
    [ -n "$t" ] || { echo "run '$1' failed:" >&2; tail -20 "$work/client-$1.txt" >&2; exit 1; }
    echo "$t"
}
start_silo silo-1 0 "$p1" "$p2"
wait_for_silos 1
time_run warmup >/dev/null
one=$(time_run one)
start_silo silo-2 1 "$p3" "$p4"
wait_for_silos 2
time_run warmup2 >/dev/null   # the new silo compiles its code once, as the first did in the first warm-up
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }   # CPU ticks used by a process so far
before1=$(cpu "${pids[0]}"); before2=$(cpu "${pids[1]}")
if [ -n "${FINSAM_BENCH_TRACE:-}" ]; then
    ( while true; do printf '%s %s %s %s\n' "$(date +%S.%N | cut -c1-5)" "$(cpu "${pids[0]}")" "$(cpu "${pids[1]}")" "$(ps -u postgres -o times= | awk '{s+=$1} END {print s}')"; sleep 0.5; done ) > "$FINSAM_BENCH_TRACE" &
    tracer=$!
fi
two=$(time_run two)
[ -n "${tracer:-}" ] && kill "$tracer"
share1=$(( $(cpu "${pids[0]}") - before1 )); share2=$(( $(cpu "${pids[1]}") - before2 ))
cmp -s "$work/out-one/result.json" "$work/out-two/result.json" && same=identical || same=DIFFERENT
printf 'participants %s · months %s · replicates %s · each silo pinned to one core\n' "$participants" "$months" "$replicates"
printf 'one silo : %6.1f s  %6.2f replicates/s\n' "$one" "$(echo "$replicates / $one" | bc -l)"
printf 'two silos: %6.1f s  %6.2f replicates/s\n' "$two" "$(echo "$replicates / $two" | bc -l)"
printf 'speed-up : %.2f×   results %s\n' "$(echo "$one / $two" | bc -l)" "$same"
printf 'CPU used in the two-silo run: silo-1 %.1f s, silo-2 %.1f s\n' "$(echo "$share1 / 100" | bc -l)" "$(echo "$share2 / 100" | bc -l)"
