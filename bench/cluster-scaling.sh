#!/usr/bin/env bash
# One silo against two on replicate-parallel work, on one machine.
#
# Each silo process is pinned to its own CPU core (taskset) and told it has one processor, so a
# silo stands for a one-core machine; the client only submits and polls. The same synthetic
# scenario (finsam bench --write-scenario) runs first on one silo, then on two, through a
# throwaway PostgreSQL cluster. Prints replicates per second, the speed-up, and whether the two
# results are byte-identical.
#
#   bench/cluster-scaling.sh [participants=10000] [replicates=160] [months=120]
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
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; bash .ci/postgres.sh stop >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

dotnet "$bin" db init --connection "$FINSAM_TEST_PG" >/dev/null
dotnet "$bin" bench --write-scenario "$work/synthetic.yaml" --participants "$participants" --months "$months" >/dev/null
cluster="bench-$$"

start_silo() { # name cpu siloPort gatewayPort
    DOTNET_PROCESSOR_COUNT=1 taskset -c "$2" dotnet "$silo" --cluster postgres --connection "$FINSAM_TEST_PG" \
        --cluster-id "$cluster" --silo-name "$1" --silo-port "$3" --gateway-port "$4" --dashboard-port 0 --http-port 0 >"$work/$1.log" 2>&1 &
    pids+=($!)
}
wait_for_silos() { # count
    for _ in $(seq 1 120); do
        n=$(dotnet "$bin" cluster status --connection "$FINSAM_TEST_PG" --cluster-id "$cluster" 2>/dev/null | grep -c "Active" || true)
        [ "$n" -ge "$1" ] && return 0
        sleep 1
    done
    echo "silos did not join"; cat "$work"/*.log; exit 1
}
time_run() { # label → seconds from submitting the run to having its result (client start-up excluded)
    COLUMNS=200 taskset -c 0 dotnet "$bin" run "$work/synthetic.yaml" --cluster postgres --connection "$FINSAM_TEST_PG" --cluster-id "$cluster" \
        --replicates "$replicates" --out "$work/out-$1" | sed -n 's/.* replicates in \([0-9.]*\) s on the.*/\1/p'
}
start_silo silo-1 0 21111 31000
wait_for_silos 1
time_run warmup >/dev/null
one=$(time_run one)
start_silo silo-2 1 21112 31001
wait_for_silos 2
two=$(time_run two)
cmp -s "$work/out-one/result.json" "$work/out-two/result.json" && same=identical || same=DIFFERENT
printf 'participants %s · months %s · replicates %s · each silo pinned to one core\n' "$participants" "$months" "$replicates"
printf 'one silo : %6.1f s  %6.2f replicates/s\n' "$one" "$(echo "$replicates / $one" | bc -l)"
printf 'two silos: %6.1f s  %6.2f replicates/s\n' "$two" "$(echo "$replicates / $two" | bc -l)"
printf 'speed-up : %.2f×   results %s\n' "$(echo "$one / $two" | bc -l)" "$same"
