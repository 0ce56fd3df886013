#!/usr/bin/env bash
# Measures Pirate's Majordomo broker against plain JeroMQ on this machine, in one run, and prints
# a Markdown table with the ratios to the plain JeroMQ ceiling; Pirate with worker credit against
# one request at a time per connection and against a RabbitMQ RPC echo; then the Spring starter's
# path (PirateClient and a @MajordomoService) against pirate-core in one JVM.
#
#   bench/compare.sh            full run (about 17 minutes on 2 cores)
#   bench/compare.sh --quick    headline rows only (about 3 minutes)
#
# Options: --quick, --runs N (runs per configuration, median taken; default 3),
#          --seconds S (measured seconds per run; default 2, quick 1),
#          --warm S (unmeasured load on each new broker and its workers; default 15, quick 5),
#          --no-rabbitmq (skip the RabbitMQ RPC echo),
#          --control (the headline also measures a second, identical one-at-a-time broker: A/A noise).
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options for every process).
#
# The RabbitMQ echo runs on a private node of Debian's rabbitmq-server (scripts/install-rabbitmq.sh
# installs it if missing; the rows are skipped with the reason when it cannot), on free loopback
# ports with its own data and epmd (bench/lib/rabbitmq.sh). The worker-credit rows need a pirate CLI
# whose worker has --prefetch; with an older one they are skipped with a message.
#
# Every process listens on an ephemeral loopback port, announces it on stdout, and is awaited by
# that line with a deadline; everything started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
read -r -a JAVA_ARGS <<< "${JAVA_OPTS:-}"
START_DEADLINE_SECONDS=30

quick=false
runs=3
rabbitmq=true
control=false
seconds=""
warm=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true ;;
        --runs) runs=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --warm) warm=$2; shift ;;
        --no-rabbitmq) rabbitmq=false ;;
        --control) control=true ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done

# A setup is PxC: P worker processes, each with C connections that take one request at a time
# (`pirate worker --concurrency C`); or PxHpN: P worker processes with worker credit, one connection
# each taking up to N requests at once, handled by H threads (`--prefetch N --concurrency H`).
# The headline compares the credit setup with the one-at-a-time setup of as many processes. The echo
# handler is short, so the headline's credit setup runs it on the connection's own thread (H = 1, no
# hand-off); the full run also measures the handler-pool shape (H = 4) that handlers which wait want.
credit_setup=2x1p100
pool_setup=2x4p100
one_at_a_time_setup=2x4
if $quick; then
    sizes=(16)
    inflights=(1 100)
    setups=(1x1 "$one_at_a_time_setup" "$credit_setup")
    seconds=${seconds:-1}
    warm=${warm:-5}
else
    sizes=(16 1024)
    inflights=(1 10 100)
    setups=(1x1 1x2 1x4 "$one_at_a_time_setup" "$credit_setup" "$pool_setup")
    seconds=${seconds:-2}
    warm=${warm:-15}
fi
warmup=2000

load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "unknown")

spring_jar=$ROOT/pirate-benchmarks/target/benchmarks.jar
spring_main=dev.pirate.benchmarks.springpath.SpringPathBenchmark
rabbit_server_main=dev.pirate.benchmarks.rabbitmq.RabbitEchoServer
rabbit_bench_main=dev.pirate.benchmarks.rabbitmq.RabbitRpcBench
# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
jar=$(cli_jar_path)
# The benchmarks jar may predate the Spring or the RabbitMQ comparison: asking their main classes
# for help tells.
if [[ -z "$jar" ]] || ! "$JAVA" -cp "$spring_jar" "$spring_main" --help > /dev/null 2>&1 \
        || ! "$JAVA" -cp "$spring_jar" "$rabbit_bench_main" --help > /dev/null 2>&1; then
    echo "Building the pirate CLI jar and the benchmarks jar once..." >&2
    (cd "$ROOT" && ./mvnw -q -B -pl pirate-cli,pirate-benchmarks -am package -DskipTests)
    jar=$(cli_jar_path)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-bench.XXXXXX")
started=()
# shellcheck source=lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
# shellcheck source=lib/figures.sh
source "$ROOT/bench/lib/figures.sh"

cleanup() {
    stop_all
    rabbitmq_stop
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pirate() {
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" "$@"
}

# rabbit_bench ARGS...: the pipelined RabbitMQ RPC client, with pirate bench's options and JSON line.
rabbit_bench() {
    "$JAVA" "${JAVA_ARGS[@]}" -cp "$spring_jar" "$rabbit_bench_main" "$@"
}

# start NAME ARGS...: starts a long-running pirate process, its stdout and stderr in $work. The JVM
# is started directly, not through the pirate function, so that $! is its own PID, not a subshell's.
start() {
    local name=$1
    shift
    "$JAVA" "${JAVA_ARGS[@]}" -jar "$jar" "$@" > "$work/$name.out" 2> "$work/$name.err" &
    started+=("$!")
}

# start_class NAME CLASS ARGS...: the same for a main class of the benchmarks jar.
start_class() {
    local name=$1
    shift
    "$JAVA" "${JAVA_ARGS[@]}" -cp "$spring_jar" "$@" > "$work/$name.out" 2> "$work/$name.err" &
    started+=("$!")
}

# shellcheck source=lib/await-line.sh
source "$ROOT/bench/lib/await-line.sh"
# shellcheck source=lib/rabbitmq.sh
source "$ROOT/bench/lib/rabbitmq.sh"

# parse_setup SETUP: sets processes, connections (handler threads with credit) and prefetch (empty
# for one request at a time per connection) from PxC or PxHpN.
parse_setup() {
    local rest=${1#*x}
    processes=${1%%x*}
    connections=${rest%%p*}
    prefetch=""
    if [[ "$rest" == *p* ]]; then
        prefetch=${rest#*p}
    fi
}

# setup_label SETUP: the workers column of a setup.
setup_label() {
    parse_setup "$1"
    if [[ -n "$prefetch" ]]; then
        echo "$processes × prefetch $prefetch, $connections threads"
    else
        echo "$processes × $connections"
    fi
}

# Worker credit (issue 12) is `pirate worker --prefetch N`; a CLI built before it has no such option.
credit_note=""
if ! pirate worker --help 2>&1 | grep -q -- '--prefetch'; then
    credit_note="this pirate CLI's worker has no --prefetch: worker credit not built yet"
    echo "Worker credit rows skipped: $credit_note" >&2
    kept=()
    for setup in "${setups[@]}"; do
        if [[ "$setup" != *p* ]]; then
            kept+=("$setup")
        fi
    done
    setups=("${kept[@]}")
fi

# measure_once KEY COMMAND ARGS...: one run of `COMMAND ARGS` (pirate or rabbit_bench); its figures
# join KEY's samples and its failed requests KEY's count in failures.
declare -A tput p50 p99 failures samples_tput samples_p50 samples_p99
measure_once() {
    local key=$1 json status=0
    shift
    : "${failures[$key]:=0}"
    "$@" --duration "${seconds}s" --warmup "$warmup" > "$work/run.out" 2> "$work/run.err" || status=$?
    json=$(tail -n 1 "$work/run.out")
    if [[ "$json" != \{* ]]; then
        echo "  $key: a run failed (exit $status):" >&2
        cat "$work/run.err" >&2
        return 1
    fi
    if ((status != 0)); then
        failures[$key]=$((failures[$key] + $(field "$json" failed)))
    fi
    samples_tput[$key]+="$(field "$json" throughput) "
    samples_p50[$key]+="$(field "$json" p50_us) "
    samples_p99[$key]+="$(field "$json" p99_us) "
}

# take_medians KEY: stores the medians of KEY's samples in the associative arrays tput, p50 and p99.
take_medians() {
    local key=$1
    # Unquoted on purpose: the samples are space-separated numbers.
    # shellcheck disable=SC2086
    tput[$key]=$(median ${samples_tput[$key]})
    # shellcheck disable=SC2086
    p50[$key]=$(median ${samples_p50[$key]})
    # shellcheck disable=SC2086
    p99[$key]=$(median ${samples_p99[$key]})
    printf '  %-22s %10.0f req/s  p50 %8.1f us  p99 %8.1f us  (req/s by run: %s)\n' "$key" "${tput[$key]}" \
        "${p50[$key]}" "${p99[$key]}" "$(printf '%.0f ' ${samples_tput[$key]})" >&2
}

# measure KEY COMMAND ARGS...: $runs runs of `COMMAND ARGS` in a row, then their medians.
measure() {
    local run
    for ((run = 1; run <= runs; run++)); do
        measure_once "$@" || return 1
    done
    take_medians "$1"
}

# start_setup NAME SETUP: starts a broker and the setup's worker processes, and sets endpoint to the
# broker's. Fast heartbeats: a connection whose handshake stalls (a JeroMQ 0.6.0 race) is replaced
# in under a second instead of 7.5 s.
start_setup() {
    local name=$1 p options
    parse_setup "$2"
    options=(--concurrency "$connections")
    if [[ -n "$prefetch" ]]; then
        options=(--prefetch "$prefetch" --concurrency "$connections")
    fi
    start "$name-broker" broker --bind 'tcp://127.0.0.1:*' --heartbeat 250ms
    endpoint=$(await_line "$name-broker" "broker listening on ")
    for ((p = 1; p <= processes; p++)); do
        start "$name-worker$p" worker --connect "$endpoint" --service echo "${options[@]}" --heartbeat 250ms
        await_line "$name-worker$p" "worker ready" > /dev/null
    done
}

# warm_up ENDPOINT: fresh broker and worker JVMs run at half speed or less until the JIT has compiled
# their loops (measured: 3.5k requests/s fresh, 6.6k to 9k two minutes later), and each bench run's
# own warm-up only warms the client. Unmeasured load first, which also lets every connection register:
# in both client shapes, since a pipelining client drives the broker's and the workers' code at rates
# (and through paths, worker credit's) that threads of synchronous calls never reach (measured, credit:
# 35k to 55k requests/s in 1 s runs after a threads-only warm-up, 92k to 99k after a pipelined one).
warm_up() {
    pirate bench --connect "$1" --service echo --concurrency 100 --duration "${warm}s" --warmup 0 \
        > /dev/null 2> "$work/warm.err" || { cat "$work/warm.err" >&2; exit 1; }
    pirate bench --pipeline --connect "$1" --service echo --concurrency 100 --duration "${warm}s" --warmup 0 \
        > /dev/null 2> "$work/warm.err" || { cat "$work/warm.err" >&2; exit 1; }
}

# ---- The headline (issue 12): 2 worker processes, 100 in flight, 16 B, one pipelining client ----
# The raw JeroMQ hop, Pirate with worker credit, Pirate one request at a time per connection, and
# what a Spring user would pick instead: a RabbitMQ RPC echo as RabbitMQ's RPC tutorial builds it
# (consumers with a prefetch, replies through direct reply-to), as many server processes as Pirate
# has worker processes. All of them run side by side and are measured in interleaved rounds, each
# round in a different order, so that a change in the machine's load reaches every row alike; their
# ratios are the issue's targets. The tables below reuse these figures for the same keys.
credit_key="$credit_setup/16/100/pipe"
one_at_a_time_key="$one_at_a_time_setup/16/100/pipe"
rabbitmq_key=rabbitmq/16/100
rabbitmq_servers=2
rabbitmq_prefetch=500
rabbitmq_note=""
rabbitmq_version=""
headline_keys=(raw/16/100 "$one_at_a_time_key")
echo "Headline: 2 worker processes, 100 in flight, 16 B; ${runs} interleaved rounds of ${seconds}s each" >&2
start_setup one "$one_at_a_time_setup"
one_endpoint=$endpoint
warm_up "$one_endpoint"
# A/A: two identical setups measured in the same rounds differ by the noise of this machine only.
control_key="$one_at_a_time_setup/16/100/pipe/control"
if $control; then
    start_setup control "$one_at_a_time_setup"
    control_endpoint=$endpoint
    warm_up "$control_endpoint"
    headline_keys+=("$control_key")
fi
if [[ -z "$credit_note" ]]; then
    start_setup credit "$credit_setup"
    credit_endpoint=$endpoint
    warm_up "$credit_endpoint"
    headline_keys+=("$credit_key")
fi
if ! $rabbitmq; then
    rabbitmq_note="skipped (--no-rabbitmq)"
elif ! rabbitmq_start; then
    rabbitmq_note="skipped: $rabbitmq_error"
else
    rabbitmq_version=$(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null || echo "version unknown")
    echo "RabbitMQ $rabbitmq_version: private node on 127.0.0.1:$rabbitmq_port, $rabbitmq_servers echo server processes x prefetch $rabbitmq_prefetch" >&2
    for ((p = 1; p <= rabbitmq_servers; p++)); do
        start_class "rabbit$p" "$rabbit_server_main" --port "$rabbitmq_port" --prefetch "$rabbitmq_prefetch"
        if ! await_line "rabbit$p" "rabbitmq echo server ready" > /dev/null; then
            rabbitmq_note="skipped: echo server $p did not start"
            break
        fi
    done
    # The same unmeasured load as each Pirate broker gets: it warms the echo servers' JIT.
    if [[ -z "$rabbitmq_note" ]] && ! rabbit_bench --port "$rabbitmq_port" --concurrency 100 --duration "${warm}s" \
            --warmup 0 > /dev/null 2> "$work/warm.err"; then
        cat "$work/warm.err" >&2
        rabbitmq_note="skipped: its warm-up failed"
    fi
    if [[ -z "$rabbitmq_note" ]]; then
        headline_keys+=("$rabbitmq_key")
    fi
fi

# headline_once KEY: one run of a headline row.
headline_once() {
    case "$1" in
        raw/16/100)
            measure_once "$1" pirate bench-raw --pattern dealer --size 16 --concurrency 100 ;;
        "$one_at_a_time_key")
            measure_once "$1" pirate bench --pipeline --connect "$one_endpoint" --service echo --size 16 --concurrency 100 ;;
        "$control_key")
            measure_once "$1" pirate bench --pipeline --connect "$control_endpoint" --service echo --size 16 --concurrency 100 ;;
        "$credit_key")
            measure_once "$1" pirate bench --pipeline --connect "$credit_endpoint" --service echo --size 16 --concurrency 100 ;;
        "$rabbitmq_key")
            measure_once "$1" rabbit_bench --port "$rabbitmq_port" --size 16 --concurrency 100 ;;
    esac
}

for ((round = 0; round < runs; round++)); do
    count=${#headline_keys[@]}
    for ((i = 0; i < count; i++)); do
        key=${headline_keys[(i + round) % count]}
        if headline_once "$key"; then
            continue
        fi
        if [[ "$key" != "$rabbitmq_key" ]]; then
            exit 1
        fi
        # RabbitMQ is the comparison, not the subject: without it the rest still runs.
        rabbitmq_note="skipped: a run failed"
    done
    if [[ -n "$rabbitmq_note" ]]; then
        kept=()
        for key in "${headline_keys[@]}"; do
            if [[ "$key" != "$rabbitmq_key" ]]; then
                kept+=("$key")
            fi
        done
        headline_keys=("${kept[@]}")
    fi
done
for key in "${headline_keys[@]}"; do
    take_medians "$key"
done
stop_all
rabbitmq_stop
if [[ -n "$rabbitmq_note" ]]; then
    echo "RabbitMQ RPC echo $rabbitmq_note" >&2
fi

echo "Ceilings: plain JeroMQ in one process, ${runs} runs of ${seconds}s each" >&2
for size in "${sizes[@]}"; do
    for inflight in "${inflights[@]}"; do
        if [[ -z "${tput[raw/$size/$inflight]:-}" ]]; then
            measure "raw/$size/$inflight" pirate bench-raw --pattern dealer --size "$size" --concurrency "$inflight"
        fi
    done
    measure "req/$size" pirate bench-raw --pattern req --size "$size" --concurrency 1
    measure "proxy/$size" pirate bench-raw --pattern proxy --size "$size" --concurrency 1
    # MDP gives each worker connection one request at a time: N REQ sockets, one request each, show
    # what plain JeroMQ does in that shape with as many connections as a setup has workers.
    for setup in "${setups[@]}"; do
        parse_setup "$setup"
        n=$((processes * connections))
        if [[ -z "$prefetch" ]] && ((n > 1)) && [[ -z "${tput[req/$size/$n]:-}" ]]; then
            measure "req/$size/$n" pirate bench-raw --pattern req --size "$size" --concurrency "$n"
        fi
    done
done

for setup in "${setups[@]}"; do
    parse_setup "$setup"
    if [[ -n "$prefetch" ]]; then
        echo "Broker with $processes worker process(es) x 1 connection with credit $prefetch, $connections handler threads" >&2
    else
        echo "Broker with $processes worker process(es) x $connections connection(s)" >&2
    fi
    start_setup "$setup" "$setup"
    warm_up "$endpoint"
    for size in "${sizes[@]}"; do
        for inflight in "${inflights[@]}"; do
            measure "$setup/$size/$inflight" pirate bench --connect "$endpoint" --service echo --size "$size" \
                --concurrency "$inflight"
            # The ceiling's client shape: one socket pipelining every request in flight (unless the
            # headline measured it already).
            if ((inflight > 1)) && [[ -z "${tput[$setup/$size/$inflight/pipe]:-}" ]]; then
                measure "$setup/$size/$inflight/pipe" pirate bench --pipeline --connect "$endpoint" --service echo \
                    --size "$size" --concurrency "$inflight"
            fi
        done
    done
    stop_all
done

# The embedded broker's in-process path: PirateClient -> embedded broker -> a local @MajordomoService,
# synchronous, 16 B, over inproc:// (pirate.broker.in-process=true) and over TCP loopback (false), two
# contexts side by side in one JVM measured in alternating rounds (EmbeddedPathBenchmark).
embedded_calls=20000
$quick && embedded_calls=5000
echo "Embedded broker: in-process against TCP loopback in one JVM, ${runs} alternating rounds of ${embedded_calls} calls" >&2
if "$JAVA" "${JAVA_ARGS[@]}" -cp "$spring_jar" dev.pirate.benchmarks.springpath.EmbeddedPathBenchmark "$runs" \
        "$embedded_calls" > "$work/embedded.out" 2> "$work/embedded.err"; then
    while IFS= read -r json; do
        [[ "$json" == '{"path":'* ]] || continue
        case "$json" in
            *'"in-process"'*) key=embedded-inproc/16/1 ;;
            *) key=embedded-tcp/16/1 ;;
        esac
        tput[$key]=$(field "$json" throughput)
        p50[$key]=$(field "$json" p50_us)
        p99[$key]=$(field "$json" p99_us)
        printf '  %-22s %10.0f req/s  p50 %8.1f us  p99 %8.1f us\n' "$key" "${tput[$key]}" "${p50[$key]}" \
            "${p99[$key]}" >&2
    done < "$work/embedded.out"
else
    echo "  EmbeddedPathBenchmark failed:" >&2
    tail -n 20 "$work/embedded.err" >&2
fi

# The Spring path: pirate-core and the starter side by side in one JVM (SpringPathBenchmark), which
# takes the medians of its own alternating rounds and prints one JSON line per variant and load.
echo "Spring path: pirate-core vs PirateClient + @MajordomoService in one JVM, ${runs} alternating rounds" >&2
declare -A spring_tput spring_p50 spring_p99 spring_failed spring_cpu
spring_status=0
"$JAVA" "${JAVA_ARGS[@]}" -cp "$spring_jar" "$spring_main" --control --runs "$runs" --seconds "$seconds" \
    --warm "$warm" --warmup "$warmup" --size "$(IFS=,; echo "${sizes[*]}")" --in-flight "$(IFS=,; echo "${inflights[*]}")" \
    > "$work/spring.out" || spring_status=$?
while IFS= read -r json; do
    [[ "$json" == '{"variant":'* ]] || continue
    variant=$(sed -E 's/.*"variant":"([^"]*)".*/\1/' <<< "$json")
    key="$variant/$(field "$json" size)/$(field "$json" in_flight)"
    spring_tput[$key]=$(field "$json" throughput)
    spring_p50[$key]=$(field "$json" p50_us)
    spring_p99[$key]=$(field "$json" p99_us)
    spring_failed[$key]=$(field "$json" failed)
    spring_cpu[$key]=$(field "$json" cpu_us_per_request)
done < "$work/spring.out"
if [[ -z "${spring_tput[core/${sizes[0]}/${inflights[0]}]:-}" ]]; then
    echo "The Spring path comparison failed (exit $spring_status)" >&2
    exit 1
fi

# ratio A B: A ÷ B to three decimals, or n/a when either was not measured.
ratio() {
    if [[ -z "$1" || -z "$2" ]]; then
        echo "n/a"
        return
    fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'
}

echo "## Throughput: Majordomo broker vs plain JeroMQ DEALER→ROUTER"
echo
echo "Echo service, medians of $runs runs of ${seconds}s each (after $warmup warm-up requests; each new"
echo "broker and its workers first get ${warm}s of unmeasured load)."
echo "Workers: processes × connections per process (\`pirate worker --concurrency N\`), each connection one"
echo "request at a time; or processes × prefetch N, H threads: worker credit, one connection per process"
echo "taking up to N requests at once, handled by H threads (\`pirate worker --prefetch N --concurrency H\`)."
echo "Clients: *threads* = C threads of synchronous Lazy Pirate calls (\`pirate bench\`); *pipelined* = one"
echo "socket keeping C requests in flight (\`pirate bench --pipeline\`), the ceiling's own client shape."
echo
echo "*one-at-a-time floor*: plain JeroMQ REQ/REP with as many sockets as the setup has worker connections,"
echo "one request each at a time, in one process (\`pirate bench-raw --pattern req --concurrency N\`): what"
echo "ZeroMQ itself does in the shape MDP imposes on the broker↔worker hop, with no broker at all."
echo
echo "| workers | body | in flight | ceiling req/s | one-at-a-time floor req/s | threads req/s | ratio | pipelined req/s | ratio | pipelined ÷ floor | threads p50 / p99 µs | pipelined p50 / p99 µs |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for setup in "${setups[@]}"; do
    for size in "${sizes[@]}"; do
        for inflight in "${inflights[@]}"; do
            key="$setup/$size/$inflight"
            ceiling=${tput[raw/$size/$inflight]}
            note=""
            if ((failures[$key] > 0)); then
                note=" (${failures[$key]} failed)"
            fi
            parse_setup "$setup"
            workers=$((processes * connections))
            floor_key="req/$size/$workers"
            ((workers == 1)) && floor_key="req/$size"
            # The one-at-a-time floor is the shape of connections without credit only.
            floor="–"
            if [[ -z "$prefetch" ]]; then
                floor=$(printf '%.0f' "${tput[$floor_key]}")
            fi
            piped="–"; piped_ratio="–"; piped_latency="–"; piped_floor="–"
            if [[ -n "${tput[$key/pipe]:-}" ]]; then
                piped=$(printf '%.0f' "${tput[$key/pipe]}")
                if ((failures[$key/pipe] > 0)); then
                    piped+=" (${failures[$key/pipe]} failed)"
                fi
                piped_ratio=$(ratio "${tput[$key/pipe]}" "$ceiling")
                if [[ -z "$prefetch" ]]; then
                    piped_floor=$(ratio "${tput[$key/pipe]}" "${tput[$floor_key]}")
                fi
                piped_latency=$(printf '%.0f / %.0f' "${p50[$key/pipe]}" "${p99[$key/pipe]}")
            fi
            printf '| %s | %s B | %s | %.0f | %s | %.0f%s | %s | %s | %s | %s | %.0f / %.0f | %s |\n' "$(setup_label "$setup")" \
                "$size" "$inflight" "$ceiling" "$floor" "${tput[$key]}" "$note" "$(ratio "${tput[$key]}" "$ceiling")" \
                "$piped" "$piped_ratio" "$piped_floor" "${p50[$key]}" "${p99[$key]}" "$piped_latency"
        done
    done
done
echo
echo "## Synchronous round trips (1 in flight): broker with one worker vs plain JeroMQ REQ/REP"
echo
echo "p50 and p99 ratios: broker ÷ REQ/REP (two hops). *forwarder*: the same REQ/REP through a plain"
echo "JeroMQ ROUTER/DEALER forwarder (\`pirate bench-raw --pattern proxy\`, in one process): four hops like"
echo "a brokered request, with none of a broker's work."
echo
echo "| body | REQ/REP p50 / p99 µs | forwarder p50 / p99 µs | broker p50 / p99 µs | p50 ratio | p99 ratio | broker ÷ forwarder p50 |"
echo "|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
    key="1x1/$size/1"
    printf '| %s B | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %s | %s | %s |\n' "$size" "${p50[req/$size]}" \
        "${p99[req/$size]}" "${p50[proxy/$size]}" "${p99[proxy/$size]}" "${p50[$key]}" "${p99[$key]}" \
        "$(ratio "${p50[$key]}" "${p50[req/$size]}")" "$(ratio "${p99[$key]}" "${p99[req/$size]}")" \
        "$(ratio "${p50[$key]}" "${p50[proxy/$size]}")"
done
echo
echo "## Worker credit vs one request at a time vs RabbitMQ: 2 worker processes, 100 in flight, 16 B"
echo
echo "Every row has the same client shape: one connection keeping 100 requests in flight (\`pirate bench"
echo "--pipeline\`; for RabbitMQ one channel with direct reply-to, \`RabbitRpcBench\` from the benchmarks jar)."
echo "The rows ran side by side and were measured in $runs interleaved rounds of ${seconds}s each, every round in"
echo "another order (medians shown; the same figures appear in the tables above for the same rows). Every"
echo "broker and its workers first got ${warm}s of unmeasured load."
echo "*raw hop*: plain JeroMQ DEALER→ROUTER echo in one process, no broker (the ceiling above)."
parse_setup "$credit_setup"
echo "*credit*: Pirate broker, $processes worker processes with one connection each, taking up to $prefetch requests"
echo "at once, handled by $connections threads (\`pirate worker --prefetch $prefetch --concurrency $connections\`)."
echo "*one at a time*: Pirate broker, $(setup_label "$one_at_a_time_setup") worker connections, each holding one request (MDP/0.1)."
echo "*RabbitMQ*: RabbitMQ ${rabbitmq_version:-(not run)} RPC echo as its tutorial builds it, $rabbitmq_servers server processes"
echo "each consuming with prefetch $rabbitmq_prefetch and manual acks, on a private node on loopback."
echo
# headline_row LABEL KEY WHY: one row, or why it was not measured.
headline_row() {
    local label=$1 key=$2 why=$3 failed=""
    if [[ -z "${tput[$key]:-}" ]]; then
        printf '| %s | not measured: %s | – | – |\n' "$label" "$why"
        return
    fi
    if ((failures[$key] > 0)); then
        failed=" (${failures[$key]} failed)"
    fi
    printf '| %s | %.0f%s | %.0f / %.0f | %s |\n' "$label" "${tput[$key]}" "$failed" "${p50[$key]}" "${p99[$key]}" \
        "$(ratio "${tput[$key]}" "${tput[raw/16/100]}")"
}
echo "| setup | req/s | p50 / p99 µs | ÷ raw hop |"
echo "|---|---|---|---|"
headline_row "raw hop (plain JeroMQ)" "raw/16/100" ""
headline_row "Pirate, credit ($(setup_label "$credit_setup"))" "$credit_key" "$credit_note"
headline_row "Pirate, one at a time ($(setup_label "$one_at_a_time_setup"))" "$one_at_a_time_key" ""
headline_row "RabbitMQ RPC echo ($rabbitmq_servers × prefetch $rabbitmq_prefetch)" "$rabbitmq_key" "${rabbitmq_note#skipped: }"
if $control; then
    headline_row "A/A: a second, identical one at a time ($(setup_label "$one_at_a_time_setup"))" "$control_key" ""
fi
echo
echo "credit ÷ one at a time: $(ratio "${tput[$credit_key]:-}" "${tput[$one_at_a_time_key]:-}");" \
    "credit ÷ RabbitMQ: $(ratio "${tput[$credit_key]:-}" "${tput[$rabbitmq_key]:-}");" \
    "one at a time ÷ RabbitMQ: $(ratio "${tput[$one_at_a_time_key]:-}" "${tput[$rabbitmq_key]:-}")."
if $control; then
    echo
    echo "A/A (second one at a time ÷ first): $(ratio "${tput[$control_key]:-}" "${tput[$one_at_a_time_key]:-}"):" \
        "how far two identical setups measured in the same rounds came apart in this run."
fi
echo
echo "## Spring path (in-process): PirateClient + @MajordomoService vs pirate-core"
echo
echo "One JVM, one embedded broker (no listener), 4 worker connections on each side, the same load as"
echo "\`pirate bench\`. core: \`MajordomoWorker\` with an echo lambda and \`MajordomoClient\`. Spring: a Boot"
echo "context (no web server) with the starter's auto-configuration, a \`@MajordomoService\` bean whose"
echo "\`@MajordomoHandler\` echoes \`byte[]\` (concurrency 4) and the \`PirateClient\` bean; metrics on, as in"
echo "an application with the starter (Prometheus registry, \`PirateMetrics\` on workers and client)."
echo "A/A: a second, identical pirate-core setup measured in the same rounds, ÷ core; its distance from 1 is"
echo "the noise of this comparison on this machine. Rounds alternate the order (core, Spring, A/A, then A/A,"
echo "Spring, core, ...); medians of $runs rounds of ${seconds}s each after $warmup warm-up requests; each setup"
echo "first gets ${warm}s of unmeasured load. ratio = Spring ÷ core. CPU/req: the JVM's CPU time per request"
echo "(all threads, warm-up included), Spring ÷ core; less disturbed by other programs than throughput."
echo
echo "| body | in flight | core req/s | Spring req/s | ratio | core p50 µs | Spring p50 µs | core p99 µs | Spring p99 µs | A/A | CPU/req |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
    for inflight in "${inflights[@]}"; do
        core="core/$size/$inflight"
        spring="spring/$size/$inflight"
        control="core-b/$size/$inflight"
        note=""
        failed=$(( ${spring_failed[$core]%.*} + ${spring_failed[$spring]%.*} + ${spring_failed[$control]%.*} ))
        if ((failed > 0)); then
            note=" (${failed} failed)"
        fi
        printf '| %s B | %s | %.0f | %.0f%s | %s | %.1f | %.1f | %.1f | %.1f | %s | %s |\n' "$size" "$inflight" \
            "${spring_tput[$core]}" "${spring_tput[$spring]}" "$note" \
            "$(ratio "${spring_tput[$spring]}" "${spring_tput[$core]}")" "${spring_p50[$core]}" "${spring_p50[$spring]}" \
            "${spring_p99[$core]}" "${spring_p99[$spring]}" "$(ratio "${spring_tput[$control]}" "${spring_tput[$core]}")" \
            "$(ratio "${spring_cpu[$spring]}" "${spring_cpu[$core]}")"
    done
done
echo
echo "Machine: $(nproc) cores, Linux $(uname -r), $("$JAVA" -version 2>&1 | head -n 1)."
echo "Load average (1, 5, 15 min): $load_at_start at the start, $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "unknown") at the end."
echo
echo "## Against the benchmark issue's targets (this run)"
echo
# at_least A B: "yes" if A >= B, for the target tables; "not measured" if A is n/a.
at_least() {
    if [[ "$1" == n/a ]]; then
        echo "not measured"
        return
    fi
    awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "yes" : "no" }'
}
headline="2x4/16/100"
echo "| target | measured | met |"
echo "|---|---|---|"
pipe_ratio=$(ratio "${tput[$headline/pipe]}" "${tput[raw/16/100]}")
printf '| brokered echo, 2 worker processes × 4, 100 in flight, 16 B: ≥ 0.10 of the ceiling | pipelined %.0f / %.0f = %s; threads %s (plain JeroMQ with 8 one-at-a-time sockets: %.0f = %s) | %s |\n' \
    "${tput[$headline/pipe]}" "${tput[raw/16/100]}" "$pipe_ratio" "$(ratio "${tput[$headline]}" "${tput[raw/16/100]}")" \
    "${tput[req/16/8]}" "$(ratio "${tput[req/16/8]}" "${tput[raw/16/100]}")" "$(at_least "$pipe_ratio" 0.10)"
for size in "${sizes[@]}"; do
    p50_ratio=$(ratio "${p50[1x1/$size/1]}" "${p50[req/$size]}")
    p99_ratio=$(ratio "${p99[1x1/$size/1]}" "${p99[req/$size]}")
    printf '| synchronous round trip, one worker, %s B: p50 ≤ 3× REQ/REP | %s (a plain forwarder: %s) | %s |\n' "$size" \
        "$p50_ratio" "$(ratio "${p50[proxy/$size]}" "${p50[req/$size]}")" "$(at_least 3 "$p50_ratio")"
    printf '| synchronous round trip, one worker, %s B: p99 ≤ 4× REQ/REP | %s | %s |\n' "$size" "$p99_ratio" \
        "$(at_least 4 "$p99_ratio")"
done
for inflight in "${inflights[@]}"; do
    spring_ratio=$(ratio "${spring_tput[spring/16/$inflight]}" "${spring_tput[core/16/$inflight]}")
    control_ratio=$(ratio "${spring_tput[core-b/16/$inflight]}" "${spring_tput[core/16/$inflight]}")
    # When two identical setups already differ by more than 10 %, this run cannot judge a 10 % target.
    verdict=$(awk -v r="$spring_ratio" -v c="$control_ratio" \
        'BEGIN { if (c < 0.9 || c > 1.1) print "not resolved by this run (A/A off by more than 10 %)"; else print (r >= 0.9) ? "yes" : "no" }')
    printf '| Spring path, 16 B, %s in flight: ≥ 0.90 of pirate-core in the same process | %s (identical core setup, A/A: %s) | %s |\n' \
        "$inflight" "$spring_ratio" "$control_ratio" "$verdict"
done
echo
echo "## Against issue 12's targets (this run)"
echo
echo "| target | measured | met |"
echo "|---|---|---|"
credit_raw=$(ratio "${tput[$credit_key]:-}" "${tput[raw/16/100]}")
credit_one=$(ratio "${tput[$credit_key]:-}" "${tput[$one_at_a_time_key]:-}")
credit_rabbit=$(ratio "${tput[$credit_key]:-}" "${tput[$rabbitmq_key]:-}")
credit_why=${credit_note:+" (${credit_note})"}
rabbit_why=${rabbitmq_note:+" (RabbitMQ ${rabbitmq_note})"}
printf '| credit, 2 worker processes, 100 in flight, 16 B: ≥ 0.10 of the raw JeroMQ hop | %s%s | %s |\n' \
    "$credit_raw" "$credit_why" "$(at_least "$credit_raw" 0.10)"
printf '| credit: ≥ 3× one at a time (%s connections) | %s%s | %s |\n' "$(setup_label "$one_at_a_time_setup")" \
    "$credit_one" "$credit_why" "$(at_least "$credit_one" 3)"
printf '| credit: ≥ 2× a RabbitMQ RPC echo with prefetch | %s%s%s | %s |\n' "$credit_rabbit" "$credit_why" "$rabbit_why" \
    "$(at_least "$credit_rabbit" 2)"
for size in "${sizes[@]}"; do
    tail_ratio=$(ratio "${p99[1x1/$size/1]}" "${p50[1x1/$size/1]}")
    printf '| synchronous through the broker, one worker, %s B: p99 ≤ 3× its own p50 | p99 ÷ p50 = %s (%.0f / %.0f µs) | %s |\n' \
        "$size" "$tail_ratio" "${p99[1x1/$size/1]}" "${p50[1x1/$size/1]}" "$(at_least 3 "$tail_ratio")"
done
# Filled in by the embedded in-process measurement (see "Issue 12, part 2" above) once it exists.
embedded_ratio=$(ratio "${p50[embedded-inproc/16/1]:-}" "${p50[embedded-tcp/16/1]:-}")
if [[ "$embedded_ratio" == n/a ]]; then
    echo "| embedded: PirateClient → embedded broker → local @MajordomoService, synchronous, inproc p50 ≤ ½ of TCP loopback | not measured by this script yet | not measured |"
else
    printf '| embedded: PirateClient → embedded broker → local @MajordomoService, synchronous, inproc p50 ≤ ½ of TCP loopback | inproc ÷ TCP p50 = %s | %s |\n' \
        "$embedded_ratio" "$(at_least 0.5 "$embedded_ratio")"
fi
