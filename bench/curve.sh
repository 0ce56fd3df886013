#!/usr/bin/env bash
# Measures what CURVE costs a Majordomo round trip: the same broker and workers with and without
# CURVE (keys from `pirate keygen`, an allow-list directory), the same client loads, in one run,
# the two setups' runs alternating so that the machine's load drifts equally over both.
#
#   bench/curve.sh              2 worker processes x 4 connections; 5 runs of 2 s per row
#   bench/curve.sh --runs N --seconds S --warm S
#
# Rows: synchronous calls one at a time (in flight 1: latency), then 10 and 100 threads of
# synchronous calls (throughput). Medians of the runs. No pipelined row: over CURVE, a pipelined
# client (100 in flight) received a few replies split in two (8 of 27,000; not reproduced with raw
# JeroMQ sockets, cause not yet known), and its warm-up then ends on "No reply in time".
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options for every process).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:-}"
START_DEADLINE_SECONDS=30

runs=5
seconds=2
warm=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --warm) warm=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done
size=16
warmup=2000
# Every bench run is a new JVM whose new sockets all handshake at once: with CURVE, 100 of them take
# seconds on a busy machine, which the warm-up absorbs only if no attempt times out meanwhile.
timeout=30s

# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
jar=$(cli_jar)

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-curve.XXXXXX")
started=()
# shellcheck source=lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
# shellcheck source=lib/figures.sh
source "$ROOT/bench/lib/figures.sh"

cleanup() {
    stop_all
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pirate() {
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" "$@"
}

start() {
    local name=$1
    shift
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" "$@" > "$work/$name.out" 2> "$work/$name.err" &
    started+=("$!")
}

# shellcheck source=lib/await-line.sh
source "$ROOT/bench/lib/await-line.sh"

public_key() {
    sed -n 's/.*public-key = "\(.*\)"/\1/p' "$1"
}

# Keys: one pair for the broker, one shared by the workers, one for the bench client.
keys=$work/keys
mkdir -p "$keys/allowed"
for name in broker worker client; do
    pirate keygen --out "$keys/$name" > /dev/null
done
cp "$keys/worker" "$keys/client" "$keys/allowed/"
broker_key=$(public_key "$keys/broker")
declare -A client_args
client_args[plain]=""
client_args[curve]="--server-key=$broker_key --certificate $keys/client_secret"

# Both brokers and their workers run side by side for the whole measurement.
declare -A endpoint
for mode in plain curve; do
    # 1 s heartbeats: a burst of CURVE handshakes (tens of ms of CPU each in JeroMQ) keeps the broker's
    # I/O thread busy for a while, and 250 ms heartbeats would make the workers reconnect meanwhile.
    broker_args=(--bind 'tcp://127.0.0.1:*' --heartbeat 1s)
    worker_args=(--service echo --concurrency 4 --heartbeat 1s)
    if [[ $mode == curve ]]; then
        broker_args+=(--certificate "$keys/broker_secret" --authorized-keys-dir "$keys/allowed")
        worker_args+=("--server-key=$broker_key" --certificate "$keys/worker_secret")
    fi
    start "broker-$mode" broker "${broker_args[@]}"
    endpoint[$mode]=$(await_line "broker-$mode" "broker listening on ")
    for p in 1 2; do
        start "worker-$mode-$p" worker --connect "${endpoint[$mode]}" "${worker_args[@]}"
        await_line "worker-$mode-$p" "worker ready" > /dev/null
    done
    # shellcheck disable=SC2086
    pirate bench --connect "${endpoint[$mode]}" --service echo --concurrency 100 --duration "${warm}s" --warmup 0 \
        --timeout "$timeout" \
        ${client_args[$mode]} > /dev/null 2> "$work/warm.err" || { cat "$work/warm.err" >&2; exit 1; }
done

declare -A samples_t samples_50 samples_99
rows=("sync/1" "threads/10" "threads/100")
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "unknown")
for ((run = 1; run <= runs; run++)); do
    for row in "${rows[@]}"; do
        for mode in plain curve; do
            inflight=${row#*/}
            # shellcheck disable=SC2086
            json=$(pirate bench --connect "${endpoint[$mode]}" --service echo --size "$size" --concurrency "$inflight" \
                --duration "${seconds}s" --warmup "$warmup" --timeout "$timeout" ${client_args[$mode]} \
                2> "$work/run.err" \
                | tail -n 1) || true
            if [[ "$json" != \{* ]]; then
                echo "$mode $row run $run failed:" >&2
                cat "$work/run.err" >&2
                exit 1
            fi
            key="$mode/$row"
            samples_t[$key]+="$(field "$json" throughput) "
            samples_50[$key]+="$(field "$json" p50_us) "
            samples_99[$key]+="$(field "$json" p99_us) "
        done
    done
    echo "run $run of $runs done" >&2
done
load_at_end=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "unknown")

echo "## The cost of CURVE"
echo
echo "Majordomo echo, ${size}-byte bodies, broker + 2 worker processes × 4 connections + the bench client on"
echo "one machine ($(nproc) cores), with and without CURVE (allow-list directory on the broker), medians of"
echo "$runs runs of ${seconds}s, plain and CURVE runs alternating. Load average at start $load_at_start, at end $load_at_end."
echo
echo "| client load | plain req/s | CURVE req/s | CURVE ÷ plain | plain p50 / p99 µs | CURVE p50 / p99 µs |"
echo "|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
    # shellcheck disable=SC2086
    pt=$(median ${samples_t[plain/$row]}); ct=$(median ${samples_t[curve/$row]})
    # shellcheck disable=SC2086
    p50p=$(median ${samples_50[plain/$row]}); p99p=$(median ${samples_99[plain/$row]})
    # shellcheck disable=SC2086
    p50c=$(median ${samples_50[curve/$row]}); p99c=$(median ${samples_99[curve/$row]})
    ratio=$(awk -v a="$ct" -v b="$pt" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '| %s | %.0f | %.0f | %s | %.0f / %.0f | %.0f / %.0f |\n' "$row" "$pt" "$ct" "$ratio" "$p50p" "$p99p" \
        "$p50c" "$p99c"
done
