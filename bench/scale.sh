#!/usr/bin/env bash
# Measures how Pirate's Majordomo broker scales on this machine and prints Markdown tables: the
# dispatch cost per request against the number of services and of connected idle workers (JMH,
# BrokerScaleBenchmark), and the broker's memory per idle worker connection (WorkerMemoryProbe).
#
#   bench/scale.sh            curve at 1, 10, 100 and 1000 (about 3 minutes on 2 cores)
#   bench/scale.sh --quick    end points 1 and 1000 only, shorter runs (about 1.5 minutes)
#
# Options: --quick, --rounds N (the whole curve N times over; default 1),
#          --warmup N (warm-up iterations of 1 s per point; default 4, quick 2),
#          --iterations N (measured iterations of 1 s per point; default 5, quick 3),
#          --memory-workers LIST (idle worker connections for the memory probe; default 100,1000).
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options for the JMH and probe JVMs; JMH
# passes them on to its forks).
#
# Each point's figure is the median of its measured iterations over all rounds, which a burst of
# load from another process moves less than the mean; the range shows the spread.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:-}"

quick=false
rounds=1
warmup=""
iterations=""
memory_workers=100,1000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true ;;
        --rounds) rounds=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --iterations) iterations=$2; shift ;;
        --memory-workers) memory_workers=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done

if $quick; then
    points=(1 1000)
    warmup=${warmup:-2}
    iterations=${iterations:-3}
else
    points=(1 10 100 1000)
    # Fewer than about four seconds leave the JIT still compiling on two busy cores: the first
    # measured iterations then run up to twice as slow as the last.
    warmup=${warmup:-4}
    iterations=${iterations:-5}
fi
IFS=, read -r -a memory_counts <<< "$memory_workers"

jar="$ROOT/pirate-benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    echo "Building the benchmarks jar once..." >&2
    (cd "$ROOT" && ./mvnw -q -B -pl pirate-benchmarks -am package -DskipTests)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "n/a")
started=$SECONDS

# JMH's text output, one line per measured iteration and metric: "KEY/METRIC VALUE". KEY is
# services/N, same/N, other/N or control/N; METRIC is wall (µs per request), loop (CPU µs of the
# broker's thread) or io (CPU µs of the I/O thread of the broker's context, or of the control's
# ROUTER). Warm-up iterations start with "# Warmup" and their counters are indented the same way,
# so a counter belongs to the last "Iteration" line only until the next warm-up line.
iterations_of() {
    awk '
        /^# Benchmark: / { bench = $3; sub(/.*\./, "", bench) }
        /^# Parameters: / {
            line = $0
            services = idle = placement = ""
            if (match(line, /services = [0-9]+/)) services = substr(line, RSTART + 11, RLENGTH - 11)
            if (match(line, /idleWorkers = [0-9]+/)) idle = substr(line, RSTART + 14, RLENGTH - 14)
            if (match(line, /placement = [a-z]+/)) placement = substr(line, RSTART + 12, RLENGTH - 12)
            if (bench == "services") key = "services/" services
            else if (bench == "workersWithoutBroker") key = "control/" idle
            else key = placement "/" idle
        }
        /^# Warmup Iteration/ { measured = 0 }
        /^Iteration +[0-9]+: / { measured = 1; print key "/wall", $3 }
        measured && /^ +(loopCpu|ioCpu): / {
            metric = ($1 == "loopCpu:") ? "loop" : "io"
            print key "/" metric, ($2 == "\342\211\210") ? 0 : $2
        }
        /^$/ { measured = 0 }
    ' "$1"
}

joined_points=$(IFS=,; echo "${points[*]}")
for ((round = 1; round <= rounds; round++)); do
    echo "Dispatch curve, round $round of $rounds (${warmup} + ${iterations} iterations of 1 s per point)" >&2
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" 'BrokerScaleBenchmark' -wi "$warmup" -w 1s -i "$iterations" -r 1s -f 1 \
        -foe true -p services="$joined_points" -p idleWorkers="$joined_points" > "$work/jmh-$round.txt" 2>&1 || {
        echo "JMH failed; its output:" >&2
        tail -n 40 "$work/jmh-$round.txt" >&2
        exit 1
    }
    iterations_of "$work/jmh-$round.txt" >> "$work/iterations.txt"
done

# stats KEY: "median min max" of KEY's iterations, or "n/a n/a n/a".
stats() {
    awk -v key="$1" '$1 == key { print $2 }' "$work/iterations.txt" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "n/a n/a n/a"; exit }
            median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f %.1f %.1f\n", median, v[1], v[NR]
        }'
}

# ratio A B: A / B to two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "n/a") printf "%.2f", a / b; else print "n/a" }'
}

# curve KIND LABEL METRICS...: one Markdown table, a row per point; wall time with its range, then
# the median of each CPU metric, each with its ratio to the first row.
curve() {
    local kind=$1 label=$2 metric n median low high base
    shift 2
    local header="| $label | µs per request | range | × |" rule="|---|---|---|---|"
    for metric in "$@"; do
        case "$metric" in
            loop) header+=" broker thread CPU µs | × |" ;;
            io) if [[ "$kind" == control ]]; then header+=" ROUTER I/O thread CPU µs | × |"
                else header+=" broker I/O thread CPU µs | × |"; fi ;;
        esac
        rule+="---|---|"
    done
    echo "$header"
    echo "$rule"
    for n in "${points[@]}"; do
        read -r median low high <<< "$(stats "$kind/$n/wall")"
        read -r base _ _ <<< "$(stats "$kind/${points[0]}/wall")"
        local row="| $n | $median | $low–$high | $(ratio "$median" "$base") |"
        for metric in "$@"; do
            read -r median _ _ <<< "$(stats "$kind/$n/$metric")"
            read -r base _ _ <<< "$(stats "$kind/${points[0]}/$metric")"
            row+=" $median | $(ratio "$median" "$base") |"
        done
        echo "$row"
    done
}

declare -A memory
for count in "${memory_counts[@]}"; do
    echo "Memory probe with $count idle worker connections" >&2
    "$JAVA" "${JAVA_ARGS[@]}" -cp "$jar" dev.pirate.benchmarks.WorkerMemoryProbe --workers "$count" \
        > "$work/memory-$count.txt" 2> "$work/memory-$count.err" || {
        echo "The memory probe failed:" >&2
        cat "$work/memory-$count.txt" "$work/memory-$count.err" >&2
        exit 1
    }
    memory[$count]=$(tail -n 1 "$work/memory-$count.txt")
done

field() {
    sed -E "s/.*\"$2\":(-?[0-9]+).*/\\1/" <<< "$1"
}

load_after=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "n/a")
samples=$((rounds * iterations))

echo "## Dispatch cost against services and connected workers"
echo
echo "JMH \`BrokerScaleBenchmark\`: one bare DEALER client keeps 16 requests in flight through the"
echo "broker to bare DEALER workers, all on the benchmark's thread over loopback TCP. *µs per request*"
echo "is wall-clock time, the median of $samples iterations of 1 s ($rounds round(s), after $warmup warm-up"
echo "iterations each) with their range. The CPU columns are the medians of the CPU time the broker's"
echo "own thread (Pirate's receive, dispatch and send) and the I/O thread of its ZeroMQ context (JeroMQ"
echo "moving the bytes) spent per request: unlike wall time they do not count waiting for a core."
echo "× is against the first row."
echo
echo "### Services (the others each hold one queued request and no worker)"
echo
curve services services loop io
echo
echo "### Idle workers on the called service (the idle list rotates requests over all 16 + N)"
echo
curve same "idle workers" loop io
echo
echo "### Idle workers on another service, never called"
echo
curve other "idle workers" loop io
echo
echo "### Control without a broker: a plain ROUTER rotating the same frames over 16 + N DEALERs"
echo
echo "Two hops per request where the broker takes four: compare how it grows, not its level."
echo
curve control "idle workers" io
echo
echo "## Broker memory per idle worker connection"
echo
echo "\`WorkerMemoryProbe\`: the broker alone in one JVM, the workers (DEALER + READY) in a child JVM;"
echo "differences after full collections between no worker and all N registered, divided by N."
echo
echo "| idle worker connections | heap B per connection | direct buffers B per connection | RSS B per connection |"
echo "|---|---|---|---|"
for count in "${memory_counts[@]}"; do
    json=${memory[$count]}
    rss=$(field "$json" rss_bytes_per_worker)
    [[ "$rss" == -1 ]] && rss="n/a"
    printf '| %s | %s | %s | %s |\n' "$count" "$(field "$json" heap_bytes_per_worker)" \
        "$(field "$json" direct_bytes_per_worker)" "$rss"
done
echo
echo "Machine: $(nproc) cores, Linux $(uname -r), $("$JAVA" -version 2>&1 | head -n 1)."
echo "Load average (1, 5, 15 min): $load_before before, $load_after after; took $((SECONDS - started)) s."
