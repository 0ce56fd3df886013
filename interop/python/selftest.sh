#!/usr/bin/env bash
# Self-test of the Python interop peers: runs them against each other on free loopback ports.
# Synchronises on the READY lines the peers print (with deadlines), never on fixed sleeps.
# Last line: "N passed, N failed"; exit status 1 if anything failed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
WORK=$(mktemp -d)
CLIENT_DEADLINE=30 # seconds any one-shot client may run before it counts as hung

declare -A PID=()
CLIENT_PID=
passed=0
failed=0

cleanup() {
    local pid
    for pid in "${PID[@]}" $CLIENT_PID; do
        kill -TERM "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
# Turn a signal into an ordinary exit, so that the EXIT trap cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME PROGRAM ARGS...: runs a peer in the background, output in $WORK/NAME.{out,err}.
start() {
    local name=$1 program=$2
    shift 2
    "$PY" "$HERE/$program" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PID[$name]=$!
}

# wait_ready NAME: waits up to 10 s for the peer's READY line; fails early if it died.
wait_ready() {
    local name=$1 deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        grep -qx READY "$WORK/$name.out" 2>/dev/null && return 0
        kill -0 "${PID[$name]}" 2>/dev/null || { echo "  $name died before READY" >&2; return 1; }
        sleep 0.02
    done
    echo "  $name not READY within 10 s" >&2
    return 1
}

# start_ready NAME PROGRAM ARGS...: start, then wait_ready.
start_ready() {
    start "$@" && wait_ready "$1"
}

# stop NAME: SIGTERM, then requires exit status 0 within 1 s.
stop() {
    local name=$1 pid=${PID[$1]} status
    kill -TERM "$pid" 2>/dev/null
    wait_exit "$name" 1 || return 1
    wait "$pid"
    status=$?
    unset "PID[$name]"
    ((status == 0)) || { echo "  $name exited with $status after SIGTERM" >&2; return 1; }
}

# wait_exit NAME SECONDS: waits for the peer to end by itself (or after a signal).
wait_exit() {
    local name=$1 deadline=$(($(date +%s%N) + $2 * 1000000000))
    while kill -0 "${PID[$name]}" 2>/dev/null; do
        (($(date +%s%N) < deadline)) || { echo "  $name still running after $2 s" >&2; return 1; }
        sleep 0.02
    done
}

stop_all() {
    local name
    for name in "${!PID[@]}"; do
        stop "$name" || true
    done
}

# client NAME PROGRAM ARGS...: runs a one-shot program to its end; its output goes to
# $WORK/NAME.{out,err} and its exit status is returned. It runs in the background only so that
# a signal to this script is handled at once rather than when the program ends.
client() {
    local name=$1 program=$2 status
    shift 2
    timeout "$CLIENT_DEADLINE" "$PY" "$HERE/$program" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    CLIENT_PID=$!
    wait "$CLIENT_PID"
    status=$?
    CLIENT_PID=
    return $status
}

# expect_out NAME EXPECTED: the one-shot's stdout equals EXPECTED (lines joined by newlines).
expect_out() {
    local actual
    actual=$(cat "$WORK/$1.out")
    [[ $actual == "$2" ]] || { printf '  %s printed:\n%s\n  expected:\n%s\n' "$1" "$actual" "$2" >&2; return 1; }
}

expect_status() {
    [[ $1 -eq $2 ]] || { echo "  exit status $1, expected $2" >&2; return 1; }
}

# run_test NAME: runs function NAME, counts the result, shows the peers' logs on failure and
# stops whatever the test left running.
run_test() {
    local name=$1
    if "$name"; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        failed=$((failed + 1))
        local log
        for log in "$WORK"/*.err; do
            [[ -s $log ]] && { echo "  --- $(basename "$log")"; sed 's/^/    /' "$log"; }
        done
    fi
    stop_all
    rm -f "$WORK"/*.out "$WORK"/*.err
}

seq_ok() {
    local i
    for ((i = 1; i <= $1; i++)); do
        echo "OK $i"
    done
}

# ---- Majordomo ----------------------------------------------------------------------------------

mdp_broker_speaks_rfc_frames() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready broker mdp_broker.py --bind "$ep" --heartbeat-ms 200 || return 1
    client checks frame_checks.py broker --connect "$ep" || { cat "$WORK/checks.out" >&2; return 1; }
    stop broker
}

mdp_worker_speaks_rfc_frames() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready checks frame_checks.py mdp-worker --bind "$ep" || return 1
    start_ready worker mdp_worker.py --connect "$ep" --service golden --heartbeat-ms 200 --reconnect-ms 100 || return 1
    wait_exit checks 20 || return 1
    wait "${PID[checks]}" || { cat "$WORK/checks.out" >&2; return 1; }
    unset "PID[checks]"
    stop worker
}

ppworker_speaks_rfc_frames() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready checks frame_checks.py pp-worker --bind "$ep" || return 1
    start_ready worker ppworker.py --connect "$ep" --heartbeat-ms 200 --interval-init-ms 100 || return 1
    wait_exit checks 20 || return 1
    wait "${PID[checks]}" || { cat "$WORK/checks.out" >&2; return 1; }
    unset "PID[checks]"
    stop worker
}

mdp_round_trips() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready broker mdp_broker.py --bind "$ep" --heartbeat-ms 300 || return 1
    start_ready echo mdp_worker.py --connect "$ep" --service echo --heartbeat-ms 300 || return 1
    start_ready tagged mdp_worker.py --connect "$ep" --service tagged --heartbeat-ms 300 --prefix py: || return 1
    client one mdp_client.py --connect "$ep" --service echo hello && expect_out one hello || return 1
    client multi mdp_client.py --connect "$ep" --service echo a "" c && expect_out multi $'a\n\nc' || return 1
    client count mdp_client.py --connect "$ep" --service echo --count 3 x && expect_out count $'x\nx\nx' || return 1
    client prefix mdp_client.py --connect "$ep" --service tagged first second &&
        expect_out prefix $'py:first\nsecond' || return 1
    stop echo && stop tagged && stop broker
}

mdp_mmi_answers_200_404_501() {
    local ep=tcp://127.0.0.1:$(free_port) deadline=$((SECONDS + 10))
    start_ready broker mdp_broker.py --bind "$ep" || return 1
    start_ready worker mdp_worker.py --connect "$ep" --service echo || return 1
    # The worker's READY line means READY was sent, not yet that the broker has seen it.
    until client mmi mdp_client.py --connect "$ep" --service mmi.service echo && expect_out mmi 200 2>/dev/null; do
        ((SECONDS < deadline)) || { expect_out mmi 200; return 1; }
        sleep 0.05
    done
    client absent mdp_client.py --connect "$ep" --service mmi.service nothing && expect_out absent 404 || return 1
    client other mdp_client.py --connect "$ep" --service mmi.whatever x && expect_out other 501 || return 1
    stop worker && stop broker
}

mdp_client_gives_up_with_status_2() {
    local ep=tcp://127.0.0.1:$(free_port) status
    start_ready broker mdp_broker.py --bind "$ep" || return 1
    client gone mdp_client.py --connect "$ep" --service nobody --timeout-ms 200 --retries 2 x
    status=$?
    expect_status $status 2 && expect_out gone "" || return 1
    stop broker
}

mdp_client_rejects_malformed_replies_with_status_3() {
    local ep reply frame status
    local -a reply_args
    # Wrong service, wrong header, no body: each word is one reply frame.
    for reply in "MDPC01 other x" "MDPC02 echo x" "MDPC01 echo"; do
        ep=tcp://127.0.0.1:$(free_port)
        reply_args=()
        for frame in $reply; do
            reply_args+=(--reply "$frame")
        done
        start_ready bad frame_checks.py bad-server --bind "$ep" "${reply_args[@]}" || return 1
        client wrong mdp_client.py --connect "$ep" --service echo x
        status=$?
        expect_status $status 3 || { echo "  for reply frames: $reply" >&2; return 1; }
        stop bad || return 1
    done
}

mdp_worker_reregisters_after_broker_restart() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready broker mdp_broker.py --bind "$ep" --heartbeat-ms 200 || return 1
    start_ready worker mdp_worker.py --connect "$ep" --service echo --heartbeat-ms 200 --reconnect-ms 100 || return 1
    client before mdp_client.py --connect "$ep" --service echo one && expect_out before one || return 1
    stop broker || return 1
    start_ready broker mdp_broker.py --bind "$ep" --heartbeat-ms 200 || return 1
    client after mdp_client.py --connect "$ep" --service echo --timeout-ms 1000 --retries 5 two &&
        expect_out after two || return 1
    stop worker && stop broker
}

# ---- Lazy Pirate --------------------------------------------------------------------------------

lazy_pirate_round_trips() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready server lpserver.py --bind "$ep" || return 1
    client lp lpclient.py --connect "$ep" --requests 5 && expect_out lp "$(seq_ok 5)" || return 1
    stop server
}

lazy_pirate_abandons_after_server_crash() {
    local ep=tcp://127.0.0.1:$(free_port) status
    start_ready server lpserver.py --bind "$ep" --crash-after 3 || return 1
    client lp lpclient.py --connect "$ep" --requests 5 --timeout-ms 300 --retries 3
    status=$?
    expect_status $status 2 && expect_out lp "$(seq_ok 3)"$'\nABANDONED 4' || return 1
    wait_exit server 1 && wait "${PID[server]}" && unset "PID[server]"
}

lazy_pirate_resends_through_overload() {
    local ep=tcp://127.0.0.1:$(free_port)
    start_ready server lpserver.py --bind "$ep" --overload-after 2 --overload-ms 500 || return 1
    client lp lpclient.py --connect "$ep" --requests 4 --timeout-ms 400 --retries 3 &&
        expect_out lp "$(seq_ok 4)" || return 1
    grep -q "no reply within 400 ms" "$WORK/lp.err" || { echo "  the client never had to resend" >&2; return 1; }
    stop server
}

lazy_pirate_client_rejects_mismatch_with_status_3() {
    local ep=tcp://127.0.0.1:$(free_port) status
    start_ready bad frame_checks.py bad-server --bind "$ep" --reply 7 || return 1
    client lp lpclient.py --connect "$ep" --requests 1
    status=$?
    expect_status $status 3 && expect_out lp "" || return 1
    stop bad
}

# ---- Paranoid Pirate ----------------------------------------------------------------------------

paranoid_pirate_round_trips() {
    local front=tcp://127.0.0.1:$(free_port) back=tcp://127.0.0.1:$(free_port)
    start_ready queue ppqueue.py --frontend "$front" --backend "$back" --heartbeat-ms 200 || return 1
    start_ready w1 ppworker.py --connect "$back" --heartbeat-ms 200 || return 1
    start_ready w2 ppworker.py --connect "$back" --heartbeat-ms 200 || return 1
    client lp lpclient.py --connect "$front" --requests 10 && expect_out lp "$(seq_ok 10)" || return 1
    stop w1 && stop w2 && stop queue
}

paranoid_pirate_survives_worker_crash() {
    local front=tcp://127.0.0.1:$(free_port) back=tcp://127.0.0.1:$(free_port)
    start_ready queue ppqueue.py --frontend "$front" --backend "$back" --heartbeat-ms 200 || return 1
    start_ready doomed ppworker.py --connect "$back" --heartbeat-ms 200 --crash-after 2 || return 1
    start_ready steady ppworker.py --connect "$back" --heartbeat-ms 200 || return 1
    client lp lpclient.py --connect "$front" --requests 10 --timeout-ms 500 --retries 3 &&
        expect_out lp "$(seq_ok 10)" || return 1
    wait_exit doomed 1 && wait "${PID[doomed]}" && unset "PID[doomed]" || return 1
    stop steady && stop queue
}

paranoid_pirate_worker_reconnects_after_queue_restart() {
    local front=tcp://127.0.0.1:$(free_port) back=tcp://127.0.0.1:$(free_port)
    start_ready queue ppqueue.py --frontend "$front" --backend "$back" --heartbeat-ms 200 || return 1
    start_ready worker ppworker.py --connect "$back" --heartbeat-ms 200 --interval-init-ms 100 || return 1
    client before lpclient.py --connect "$front" --requests 1 && expect_out before "OK 1" || return 1
    stop queue || return 1
    start_ready queue ppqueue.py --frontend "$front" --backend "$back" --heartbeat-ms 200 || return 1
    client after lpclient.py --connect "$front" --requests 3 --timeout-ms 1000 --retries 5 &&
        expect_out after "$(seq_ok 3)" || return 1
    grep -q "reconnecting" "$WORK/worker.err" || { echo "  the worker never reconnected" >&2; return 1; }
    stop worker && stop queue
}

# ---- Simple Pirate ------------------------------------------------------------------------------

simple_pirate_survives_worker_crash() {
    local front=tcp://127.0.0.1:$(free_port) back=tcp://127.0.0.1:$(free_port)
    start_ready queue spqueue.py --frontend "$front" --backend "$back" || return 1
    start_ready doomed spworker.py --connect "$back" --crash-after 2 || return 1
    start_ready steady spworker.py --connect "$back" || return 1
    client lp lpclient.py --connect "$front" --requests 10 --timeout-ms 500 --retries 3 &&
        expect_out lp "$(seq_ok 10)" || return 1
    stop steady && stop queue
}

# ---- signals ------------------------------------------------------------------------------------

every_peer_stops_within_1s_of_sigterm() {
    local a=tcp://127.0.0.1:$(free_port) b=tcp://127.0.0.1:$(free_port) c=tcp://127.0.0.1:$(free_port)
    start_ready broker mdp_broker.py --bind "$a" || return 1
    start_ready mdpworker mdp_worker.py --connect "$a" --service echo || return 1
    start_ready ppqueue ppqueue.py --frontend "$b" --backend "$c" || return 1
    start_ready ppworker ppworker.py --connect "$c" || return 1
    start_ready spworker spworker.py --connect "tcp://127.0.0.1:$(free_port)" || return 1
    start_ready spqueue spqueue.py --frontend "tcp://127.0.0.1:$(free_port)" --backend "tcp://127.0.0.1:$(free_port)" ||
        return 1
    start_ready lpserver lpserver.py --bind "tcp://127.0.0.1:$(free_port)" || return 1
    local name ok=0
    for name in mdpworker broker ppworker ppqueue spworker spqueue lpserver; do
        stop "$name" || ok=1
    done
    return $ok
}

main() {
    if ! "$PY" -c 'import zmq' 2>/dev/null; then
        echo "$PY cannot import zmq: run scripts/install-python-zmq.sh" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    local test
    for test in \
        mdp_broker_speaks_rfc_frames \
        mdp_worker_speaks_rfc_frames \
        ppworker_speaks_rfc_frames \
        mdp_round_trips \
        mdp_mmi_answers_200_404_501 \
        mdp_client_gives_up_with_status_2 \
        mdp_client_rejects_malformed_replies_with_status_3 \
        mdp_worker_reregisters_after_broker_restart \
        lazy_pirate_round_trips \
        lazy_pirate_abandons_after_server_crash \
        lazy_pirate_resends_through_overload \
        lazy_pirate_client_rejects_mismatch_with_status_3 \
        paranoid_pirate_round_trips \
        paranoid_pirate_survives_worker_crash \
        paranoid_pirate_worker_reconnects_after_queue_restart \
        simple_pirate_survives_worker_crash \
        every_peer_stops_within_1s_of_sigterm; do
        run_test "$test"
    done
    echo "$passed passed, $failed failed"
    ((failed == 0))
}

main
