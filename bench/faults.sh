#!/usr/bin/env bash
# The fault suite of issue 10: hurts a real broker process (kill -9, SIGSTOP, poison requests,
# floods, malformed traffic) and counts what became of every request. Prints a Markdown table and
# writes it to bench/FAULTS.md with the date, the machine and the command.
#
#   bench/faults.sh                      every scenario, full counts (about 15 minutes on 2 cores)
#   bench/faults.sh --quick              counts scaled down about 10x (about 5 minutes)
#   bench/faults.sh --scenario poison    one scenario (repeatable)
#
# Options: --quick, --scenario NAME (worker-kill, credit-worker-kill, worker-freeze, broker-restart,
#          second-broker-kill, poison, reply-over-limit, unknown-services, queue-flood, read-later,
#          worker-churn, malformed), --broker-jvm-opts "..." (options for every broker JVM),
#          --no-write (print only).
# Environment: JAVA (default java).
#
# The driver is dev.pirate.benchmarks.faults.FaultSuite in the benchmarks jar; brokers run from the
# pirate CLI jar. Both are rebuilt when missing or older than a source file. Everything binds
# 127.0.0.1; every process started is stopped at the end (the driver's shutdown hook).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}

# Recorded before the options are shifted away, for FAULTS.md.
command_line="bench/faults.sh${*:+ $*}"
quick=false
write=true
suite_args=()
broker_opts=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true; suite_args+=(--quick) ;;
        --scenario) suite_args+=(--scenario "$2"); shift ;;
        --broker-jvm-opts) broker_opts=$2; shift ;;
        --no-write) write=false ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Unknown option: $1 (try --help)" >&2; exit 64 ;;
    esac
    shift
done
if [[ -n "$broker_opts" ]]; then
    suite_args+=(--broker-jvm-opts "$broker_opts")
fi

bench_jar=$ROOT/pirate-benchmarks/target/benchmarks.jar
# shellcheck source=lib/cli-jar.sh
source "$ROOT/bench/lib/cli-jar.sh"
cli_jar=$(cli_jar_path)
# Stale: a source or pom of the modules the jars hold is newer than the older of the two jars.
stale=false
if [[ -z "$cli_jar" || ! -f "$bench_jar" ]]; then
    stale=true
else
    oldest=$bench_jar
    [[ "$cli_jar" -ot "$oldest" ]] && oldest=$cli_jar
    if [[ -n "$(find "$ROOT"/pom.xml "$ROOT"/pirate-core "$ROOT"/pirate-cli "$ROOT"/pirate-benchmarks \
            \( -path '*/target' -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$oldest" -print \) \
            | head -n 1)" ]]; then
        stale=true
    fi
fi
if $stale; then
    echo "Building the pirate CLI jar and the benchmarks jar..." >&2
    (cd "$ROOT" && ./mvnw -o -q -B -pl pirate-cli,pirate-benchmarks -am package -DskipTests)
    cli_jar=$(cli_jar_path)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pirate-faults.XXXXXX")
cleanup() {
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date -u '+%Y-%m-%d %H:%M UTC')
start_seconds=$SECONDS
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "unknown")

# The driver's stderr (progress) goes straight through; its stdout is the table.
"$JAVA" -Xmx1g -cp "$bench_jar" dev.pirate.benchmarks.faults.FaultSuite --cli-jar "$cli_jar" --work "$work" \
    "${suite_args[@]}" > "$work/table.md"
cat "$work/table.md"

if $write; then
    cpu=$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo "unknown CPU")
    memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "unknown")
    java_version=$("$JAVA" -version 2>&1 | head -n 1)
    {
        echo "# Fault suite results"
        echo
        echo "What every request became when the broker or its workers are hurt (issue 10)."
        echo
        echo "- Date: $started; the run took $(((SECONDS - start_seconds) / 60)) min $(((SECONDS - start_seconds) % 60)) s"
        echo "- Machine: $(uname -srm), $(nproc) cores ($cpu), $memory; load average at start: $load_at_start"
        echo "- Java: $java_version"
        echo "- Commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "- Command: \`$command_line\`$($quick && echo ' (counts scaled down about 10x)')"
        echo
        echo "Definitions: *answered* = at least one reply carrying the request id; *refused* = no reply but a"
        echo "clear error (a PIRATE-REFUSED or PIRATE-ERROR reply, or a MajordomoClient exception other than a"
        echo "timeout); *lost* = neither by the scenario's deadline (a client's timeout counts as lost);"
        echo "*duplicated* = more than one reply for one id; *handler executions* = lines the workers wrote,"
        echo "one per execution of a request of the scenario; RSS from /proc/PID/status VmRSS; *recovery* ="
        echo "time from the end of the fault until a fresh request is answered; *broker after* = a fresh"
        echo "echo request within 30 s (serving), the process gone (exited), or neither (HALF-ALIVE)."
        echo "Refusals carry no request id, so a raw client's refusals are charged to its unanswered requests."
        echo
        cat "$work/table.md"
    } > "$ROOT/bench/FAULTS.md"
    echo "Wrote bench/FAULTS.md" >&2
fi
