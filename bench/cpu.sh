#!/usr/bin/env bash
# Where the CPU goes on the headline setup: a broker, worker processes and one `pirate bench`, each
# in its own JVM on loopback; prints the bench JSON and the CPU time each process spent per request
# (user + system, from /proc), the busiest threads of each, and the machine's load.
#
#   bench/cpu.sh                         2 worker processes x 4 connections, 100 in flight, pipelined
#   bench/cpu.sh --threads               the same load from 100 threads of Lazy Pirate calls
#
# Options: --workers P (worker processes, default 2), --connections N (per process, default 4),
#          --in-flight C (default 100), --seconds S (measured, default 8), --warm S (default 10),
#          --threads, --broker-args "ARGS" (extra `pirate broker` options, e.g. "--io-threads 2").
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options for every process).
#
# CPU time per request is a steadier figure than throughput on a shared machine: other programs
# take cores away but do not make our work cost more CPU.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:-}"
START_DEADLINE_SECONDS=30

processes=2
connections=4
inflight=100
seconds=8
warm=10
client=(--pipeline)
broker_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --workers) processes=$2; shift ;;
        --connections) connections=$2; shift ;;
        --in-flight) inflight=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --warm) warm=$2; shift ;;
        --threads) client=() ;;
        --broker-args) read -r -a broker_args <<< "$2"; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done
if ((seconds < 1)); then
    echo "--seconds must be at least 1" >&2
    exit 64
fi

# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
jar=$(cli_jar)

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-cpu.XXXXXX")
started=()
names=()

cleanup() {
    local pid
    for pid in "${started[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${started[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME ARGS...: a pirate JVM in the background, stdout and stderr in $work.
start() {
    local name=$1
    shift
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" "$@" > "$work/$name.out" 2> "$work/$name.err" &
    started+=("$!")
    names+=("$name")
}

# shellcheck source=lib/await-line.sh
source "$ROOT/bench/lib/await-line.sh"

# shellcheck source=lib/cpu.sh
source "$ROOT/bench/lib/cpu.sh"

# thread_ticks PID: "tid ticks name" for every thread of the process, in one pass (forking per
# thread would take longer than the measurement window). The name sits in parentheses and may hold
# spaces, so fields are counted from the closing parenthesis.
thread_ticks() {
    awk '{
        lp = index($0, "("); rp = index($0, ") ")
        name = substr($0, lp + 1, rp - lp - 1); gsub(/ /, "_", name)
        split(substr($0, rp + 2), f, " ")
        print $1, f[12] + f[13], name
    }' /proc/"$1"/task/*/stat 2>/dev/null | sort -k1,1
}

start broker broker --bind 'tcp://127.0.0.1:*' --heartbeat 1s "${broker_args[@]}"
endpoint=$(await_line broker "broker listening on ")
for ((p = 1; p <= processes; p++)); do
    start "worker$p" worker --connect "$endpoint" --service echo --concurrency "$connections" --heartbeat 1s
    await_line "worker$p" "worker ready" > /dev/null
done
echo "Warming the broker and workers for ${warm}s..." >&2
"$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" bench --connect "$endpoint" --service echo "${client[@]}" \
    --concurrency "$inflight" --duration "${warm}s" --warmup 0 > /dev/null 2> "$work/warm.err" \
    || { cat "$work/warm.err" >&2; exit 1; }

# The CPU window starts 2 s into the bench (its JVM start and JIT warm-up) and ends before it does.
start bench bench --connect "$endpoint" --service echo "${client[@]}" --concurrency "$inflight" \
    --duration "$((seconds + 2))s" --warmup 0
sleep 2
declare -A before
for i in "${!started[@]}"; do
    before[$i]=$(ticks "${started[$i]}")
    thread_ticks "${started[$i]}" > "$work/threads-before.$i"
done
window_start=$(date +%s.%N)
sleep "$seconds"
window=$(awk -v a="$window_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
declare -A after
for i in "${!started[@]}"; do
    after[$i]=$(ticks "${started[$i]}")
    thread_ticks "${started[$i]}" > "$work/threads-after.$i"
done
bench_index=$((${#started[@]} - 1))
wait "${started[$bench_index]}" || true
json=$(tail -n 1 "$work/bench.out")
if [[ "$json" != \{* ]]; then
    echo "The bench failed:" >&2
    cat "$work/bench.err" >&2
    exit 1
fi
echo "$json"
throughput=$(sed -E 's/.*"throughput":([0-9.]+).*/\1/' <<< "$json")
hz=$(getconf CLK_TCK)

echo
echo "| process | CPU % of one core | CPU µs per request | busiest threads (% of one core) |"
echo "|---|---|---|---|"
total=0
for i in "${!started[@]}"; do
    used=$(( ${after[$i]} - ${before[$i]} ))
    busiest=$(join "$work/threads-before.$i" "$work/threads-after.$i" \
        | awk -v hz="$hz" -v w="$window" '{ d = ($4 - $2) * 100 / hz / w; if (d >= 1) printf "%s %.0f\n", $3, d }' \
        | sort -k2,2 -rn | head -n 4 | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
    awk -v n="${names[$i]}" -v u="$used" -v hz="$hz" -v w="$window" -v t="$throughput" -v b="$busiest" \
        'BEGIN { printf "| %s | %.0f | %.1f | %s |\n", n, u * 100 / hz / w, u / hz * 1e6 / (t * w), b }'
    total=$((total + used))
done
awk -v u="$total" -v hz="$hz" -v w="$window" -v t="$throughput" \
    'BEGIN { printf "| all | %.0f | %.1f | |\n", u * 100 / hz / w, u / hz * 1e6 / (t * w) }'
echo
echo "Setup: $processes worker process(es) × $connections, $inflight in flight, client ${client[*]:-threads}," \
    "${broker_args[*]:+broker ${broker_args[*]}, }$(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)."
