#!/usr/bin/env bash
# One broker against two with the load split over them: the same worker connections and the same
# client load (threads of Lazy Pirate calls, `pirate bench`), each process in its own JVM on
# loopback. With two brokers the worker registers with both (--connect A,B) and the bench spreads
# its requests over both (--connect A,B); --pipeline uses the pipelined client (one socket to
# every broker) instead of threads. Rounds alternate one broker and two, so that whatever else the
# machine does hits both alike; each round's line goes to stderr. Prints one JSON line per setup:
# its best run, the median throughput of its runs, and where the machine went per request during
# the best run's measured seconds: CPU microseconds of the brokers together (and of their ZeroMQ
# I/O threads alone), of the worker and of the whole machine (client included), context switches
# of the brokers' threads, and the share of the time a hypervisor took for other guests (steal).
#
#   bench/brokers.sh [--connections 4] [--in-flight 32] [--seconds 8] [--runs 3] [--pipeline]
#                    [--prefetch N] [--warmup REQUESTS] [--control]
#
# --connections is the worker's total: with two brokers it opens half of them to each. --prefetch
# gives every worker connection that much PX/1 credit (one connection per broker, handling inline).
# --warmup (default 2000) requests are sent before measuring; make it a few seconds' worth so that
# every JVM (each broker's too) has compiled its hot code before the measured phase. --control
# compares one broker with one broker (A/A): how far two identical setups differ on this machine.
# On a machine with fewer cores than processes the figures measure the machine more than the
# brokers; say so next to them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
START_DEADLINE_SECONDS=60
connections=4
inflight=32
seconds=8
runs=3
warmup=2000
prefetch=1
control=false
client=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --connections) connections=$2; shift ;;
        --in-flight) inflight=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --runs) runs=$2; shift ;;
        --pipeline) client=(--pipeline) ;;
        --prefetch) prefetch=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --control) control=true ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done
if ((connections < 2 || connections % 2 != 0)); then
    echo "--connections must be even and at least 2" >&2
    exit 64
fi

# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
jar=$(cli_jar)

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-brokers.XXXXXX")
started=()
# shellcheck source=lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
# shellcheck source=lib/figures.sh
source "$ROOT/bench/lib/figures.sh"
# shellcheck source=lib/cpu.sh
source "$ROOT/bench/lib/cpu.sh"

trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

start() {
    local name=$1
    shift
    "$JAVA" -jar "$jar" "$@" > "$work/$name.out" 2> "$work/$name.err" &
    started+=("$!")
}

# shellcheck source=lib/await-line.sh
source "$ROOT/bench/lib/await-line.sh"

# run BROKERS: starts that many brokers and one worker process registered with all of them, then
# runs the bench over all of them and prints its JSON line.
run() {
    local brokers=$1 i endpoints="" broker_pids=() worker_pid
    # The previous run's lines must not be taken for this run's.
    rm -f "$work"/*.out "$work"/*.err
    for ((i = 1; i <= brokers; i++)); do
        start "broker$i" broker --bind 'tcp://127.0.0.1:*' --heartbeat 1s
        broker_pids+=("${started[-1]}")
        endpoints+="${endpoints:+,}$(await_line "broker$i" "broker listening on ")"
    done
    local worker_options=(--concurrency "$((connections / brokers))")
    if ((prefetch > 1)); then
        worker_options=(--concurrency 1 --prefetch "$prefetch")
    fi
    start worker worker --connect "$endpoints" --service echo "${worker_options[@]}" --heartbeat 1s
    worker_pid=${started[-1]}
    await_line worker "worker ready" > /dev/null
    # Measured once the worker is registered with every broker (MMI says 200 for echo on each).
    local endpoint
    for endpoint in ${endpoints//,/ }; do
        until [[ "$("$JAVA" -jar "$jar" mmi --connect "$endpoint" echo 2>/dev/null)" == 200 ]]; do
            sleep 0.2
        done
    done
    # The bench prints "measuring" after its warm-up; the machine is read from then to its end.
    "$JAVA" -jar "$jar" bench --connect "$endpoints" --service echo "${client[@]}" --concurrency "$inflight" \
        --duration "${seconds}s" --warmup "$warmup" > "$work/bench.out" 2> "$work/bench.err" &
    local bench_pid=$!
    until grep -q '^measuring ' "$work/bench.err" 2>/dev/null || ! kill -0 "$bench_pid" 2>/dev/null; do
        sleep 0.05
    done
    local broker_cpu broker_io_cpu worker_cpu broker_switches machine_before machine_after
    machine_before=$(machine_ticks)
    broker_cpu=$(cpu_micros "${broker_pids[@]}")
    broker_io_cpu=$(thread_cpu_micros iothread- "${broker_pids[@]}")
    worker_cpu=$(cpu_micros "$worker_pid")
    broker_switches=$(switches "${broker_pids[@]}")
    wait "$bench_pid" || { cat "$work/bench.err" >&2; stop_all; return 1; }
    broker_cpu=$(($(cpu_micros "${broker_pids[@]}") - broker_cpu))
    broker_io_cpu=$(($(thread_cpu_micros iothread- "${broker_pids[@]}") - broker_io_cpu))
    worker_cpu=$(($(cpu_micros "$worker_pid") - worker_cpu))
    broker_switches=$(($(switches "${broker_pids[@]}") - broker_switches))
    machine_after=$(machine_ticks)
    stop_all
    local line requests
    line=$(tail -n 1 "$work/bench.out")
    requests=$(field "$line" requests)
    awk -v line="$line" -v r="$requests" -v b="$broker_cpu" -v w="$worker_cpu" -v s="$broker_switches" \
        -v io="$broker_io_cpu" -v machine="$machine_before $machine_after" -v hz="$CLOCK_TICKS" 'BEGIN {
        # machine: busy, steal and all ticks before, then after
        split(machine, t, " ")
        sub(/}$/, "", line)
        printf "%s,\"broker_cpu_us_per_req\":%.1f,\"broker_io_cpu_us_per_req\":%.1f,\"worker_cpu_us_per_req\":%.1f,\"machine_cpu_us_per_req\":%.1f,\"broker_switches_per_req\":%.2f,\"steal_pct\":%.1f}\n",
            line, b / r, io / r, w / r, (t[4] - t[1]) * 1000000 / hz / r, s / r, (t[6] > t[3]) ? 100 * (t[5] - t[2]) / (t[6] - t[3]) : 0
    }'
}


# Rounds alternate the setups, so that whatever else the machine does hits them alike. With
# --control the second setup is one broker again: how far two identical setups differ here.
setups=(1 2)
if [[ "$control" == true ]]; then
    setups=(1 1)
fi
results=("" "")
for ((r = 1; r <= runs; r++)); do
    for s in 0 1; do
        # A run that fails (a request without a reply within --timeout) is reported and left out.
        if line=$(run "${setups[$s]}"); then
            results[$s]+="$line"$'\n'
            echo "round $r brokers=${setups[$s]} $line" >&2
        else
            echo "brokers=${setups[$s]}: a run failed" >&2
        fi
    done
done
# Per setup: its best run's line, with the median throughput of all its runs added.
for s in 0 1; do
    label="brokers=${setups[$s]}"
    if [[ "$control" == true && $s == 1 ]]; then
        label="brokers=1 (control)"
    fi
    throughputs=$(printf '%s' "${results[$s]}" | awk -F'"throughput":' 'NF > 1 { split($2, a, ","); print a[1] }')
    line=$(printf '%s' "${results[$s]}" | awk -F'"throughput":' 'NF > 1 { split($2, a, ","); print a[1], $0 }' \
        | sort -g | tail -n 1 | cut -d' ' -f2-)
    # shellcheck disable=SC2086
    echo "$label ${line%\}},\"median_throughput\":$(median $throughputs)}"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
