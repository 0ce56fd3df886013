#!/usr/bin/env bash
# Where a synchronous round trip's tail comes from: `pirate bench --concurrency 1` (16 B) through a
# broker to one echo worker, for each pair of broker and worker in turn, rounds interleaved so a change
# in the machine's load touches every pair. Workers: Pirate's (pirate worker), the least MDP worker
# JeroMQ allows (BareMdpWorker: blocking receive, reply, nothing else) and the Python MDP worker of the
# interop tests on libzmq (C). Brokers: Pirate's and the Python MDP broker on libzmq. The libzmq rows
# need python3-zmq (scripts/install-python-zmq.sh). Prints a Markdown table of medians.
#
#   bench/tail.sh [--rounds N] [--seconds S]      (defaults: 3 rounds of 5 s; about 2 minutes)
#
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options for every Java process).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:-}"
START_DEADLINE_SECONDS=30
rounds=3
seconds=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done

# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
jar=$(cli_jar_path)
bench_jar=$ROOT/pirate-benchmarks/target/benchmarks.jar
if [[ -z "$jar" ]] || ! unzip -l "$bench_jar" 2>/dev/null | grep -q 'dev/pirate/benchmarks/BareMdpWorker.class'; then
    echo "Building the pirate CLI jar and the benchmarks jar once..." >&2
    (cd "$ROOT" && ./mvnw -q -B -pl pirate-cli,pirate-benchmarks -am package -DskipTests)
    jar=$(cli_jar_path)
fi

# Pairs: broker/worker.
kinds=(pirate/pirate pirate/bare)
if /usr/bin/python3 -c 'import zmq' 2> /dev/null; then
    kinds+=(pirate/libzmq libzmq/pirate libzmq/libzmq)
else
    echo "python3-zmq not installed (scripts/install-python-zmq.sh): no libzmq rows" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-tail.XXXXXX")
started=()
# shellcheck source=lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
# shellcheck source=lib/figures.sh
source "$ROOT/bench/lib/figures.sh"
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# shellcheck source=lib/await-line.sh
source "$ROOT/bench/lib/await-line.sh"

"$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" broker --bind 'tcp://127.0.0.1:*' > "$work/broker.out" 2> "$work/broker.err" &
started+=("$!")
declare -A brokers
brokers[pirate]=$(await_line broker "broker listening on ")
if [[ " ${kinds[*]} " == *" libzmq/"* ]]; then
    port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    brokers[libzmq]=tcp://127.0.0.1:$port
    /usr/bin/python3 "$ROOT/interop/python/mdp_broker.py" --bind "${brokers[libzmq]}" > "$work/pybroker.out" \
        2> "$work/pybroker.err" &
    started+=("$!")
    await_line pybroker "READY" > /dev/null
fi

declare -A p50 p99 tput
for kind in "${kinds[@]}"; do
    p50[$kind]=""; p99[$kind]=""; tput[$kind]=""
done
for ((round = 1; round <= rounds; round++)); do
    for kind in "${kinds[@]}"; do
        endpoint=${brokers[${kind%/*}]}
        name=${kind//\//-}
        case ${kind#*/} in
            pirate) "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" worker --connect "$endpoint" --service "tail-$name" \
                        > "$work/$name.out" 2> "$work/$name.err" & ;;
            bare) "$JAVA" "${JAVA_ARGS[@]}" -cp "$bench_jar" dev.pirate.benchmarks.BareMdpWorker "$endpoint" \
                        "tail-$name" > "$work/$name.out" 2> "$work/$name.err" & ;;
            libzmq) /usr/bin/python3 "$ROOT/interop/python/mdp_worker.py" --connect "$endpoint" \
                        --service "tail-$name" > "$work/$name.out" 2> "$work/$name.err" & ;;
        esac
        worker=$!
        # A worker JVM runs at half speed until the JIT has compiled its loop: unmeasured load first,
        # which also waits for the worker to register.
        "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" bench --connect "$endpoint" --service "tail-$name" --concurrency 1 \
            --duration 5s --warmup 0 --timeout 30s > /dev/null 2> "$work/warm.err" || { cat "$work/warm.err" >&2; exit 1; }
        json=$("$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" bench --connect "$endpoint" --service "tail-$name" \
            --concurrency 1 --duration "${seconds}s" --warmup 2000 2> /dev/null | tail -n 1)
        kill -TERM "$worker" 2>/dev/null || true
        wait "$worker" 2>/dev/null || true
        tput[$kind]+=" $(field "$json" throughput)"
        p50[$kind]+=" $(field "$json" p50_us)"
        p99[$kind]+=" $(field "$json" p99_us)"
        printf '  round %d %-14s %s\n' "$round" "$kind" "$json" >&2
    done
done

echo
echo "Synchronous echo (pirate bench --concurrency 1) through a broker to one worker, 16 B; medians of"
echo "$rounds rounds of ${seconds}s; load at the end: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo
echo "| broker / worker | calls/s | p50 µs | p99 µs | p99 / p50 |"
echo "|---|---:|---:|---:|---:|"
for kind in "${kinds[@]}"; do
    # shellcheck disable=SC2086
    a=$(median ${p50[$kind]}); b=$(median ${p99[$kind]}); t=$(median ${tput[$kind]})
    printf '| %s | %.0f | %.1f | %.1f | %.1f |\n' "$kind" "$t" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
done
