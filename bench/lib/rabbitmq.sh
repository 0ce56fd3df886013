# Shared by the bench scripts: a private RabbitMQ node for one benchmark run, on loopback only, with
# its own data, logs, Erlang cookie and epmd, stopped by rabbitmq_stop (call it from the EXIT trap).
# Source it after setting $work (a folder the run deletes at exit) and $ROOT.
#
#   rabbitmq_start || echo "no RabbitMQ: $rabbitmq_error"
#   ... connect to 127.0.0.1:$rabbitmq_port (user guest, which RabbitMQ accepts from loopback only) ...
#   rabbitmq_stop
#
# Erlang distribution: a RabbitMQ node is always a distributed Erlang node. It registers with epmd,
# which Erlang would otherwise start as a daemon on port 4369 of every interface, shared with any
# other node on the machine and left running after ours stops. This node gets an epmd of its own,
# started here in the foreground on a free loopback port (ERL_EPMD_PORT, ERL_EPMD_ADDRESS) and
# stopped with the node; the node's distribution listener is on a free loopback port too
# (RABBITMQ_DIST_PORT, inet_dist_use_interface), and its cookie lives in the node's own $HOME.

RABBITMQ_SERVER=${RABBITMQ_SERVER:-/usr/lib/rabbitmq/bin/rabbitmq-server}
RABBITMQ_START_DEADLINE_SECONDS=${RABBITMQ_START_DEADLINE_SECONDS:-90}
rabbitmq_pid=""
rabbitmq_epmd_pid=""
rabbitmq_port=""
rabbitmq_error=""

# rabbitmq_listening_ports: every TCP port something listens on (IPv4 and IPv6), one per line.
rabbitmq_listening_ports() {
    local _ local_address _ state _
    # State 0A is LISTEN; the local port is the hex after the last colon of the second column.
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | while read -r _ local_address _ state _; do
        if [[ "$state" == 0A ]]; then
            echo $((16#${local_address##*:}))
        fi
    done
}

# rabbitmq_free_ports N: N distinct ports in 20000-59999 that nothing listens on now. Another program
# may take one before the node binds it: the node then fails to start, and rabbitmq_start tries anew.
rabbitmq_free_ports() {
    local n=$1 port taken chosen=()
    taken=" $(rabbitmq_listening_ports | tr '\n' ' ') "
    while ((${#chosen[@]} < n)); do
        port=$((20000 + RANDOM % 40000))
        if [[ "$taken" != *" $port "* && " ${chosen[*]} " != *" $port "* ]]; then
            chosen+=("$port")
        fi
    done
    echo "${chosen[@]}"
}

# rabbitmq_available: true if the server is installed, after trying scripts/install-rabbitmq.sh once;
# if not, says why in $rabbitmq_error.
rabbitmq_available() {
    if [[ -x "$RABBITMQ_SERVER" ]]; then
        return 0
    fi
    if ! "$ROOT/scripts/install-rabbitmq.sh" > "$work/rabbitmq-install.log" 2>&1 || [[ ! -x "$RABBITMQ_SERVER" ]]; then
        rabbitmq_error="rabbitmq-server is not installed and scripts/install-rabbitmq.sh could not install it: $(tail -n 1 "$work/rabbitmq-install.log")"
        return 1
    fi
}

# rabbitmq_start: installs the server if need be, starts the node and waits until it accepts AMQP
# connections on 127.0.0.1:$rabbitmq_port. On failure returns 1 with the reason in $rabbitmq_error,
# having stopped whatever it started.
rabbitmq_start() {
    rabbitmq_available || return 1
    local attempt
    for attempt in 1 2 3; do
        if rabbitmq_start_once "$attempt"; then
            return 0
        fi
        rabbitmq_stop
    done
    return 1
}

rabbitmq_start_once() {
    local attempt=$1 ports amqp dist epmd_port
    read -r amqp dist epmd_port <<< "$(rabbitmq_free_ports 3)"
    local base="$work/rabbitmq-$attempt"
    mkdir -p "$base/home" "$base/mnesia" "$base/log"
    # No plugins (Debian enables none either), no configuration files of the machine's.
    echo '[].' > "$base/enabled_plugins"

    epmd -port "$epmd_port" -address 127.0.0.1 > "$base/epmd.out" 2>&1 &
    rabbitmq_epmd_pid=$!

    # setsid: the node (a shell script that starts the Erlang VM as its child) gets its own process
    # group, so that rabbitmq_stop can end the VM too if the script does not stop it in time.
    env HOME="$base/home" \
        ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_NODENAME="pirate-bench-$$-$attempt@localhost" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
        RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" RABBITMQ_CONFIG_FILE="$base/rabbitmq" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$base/advanced.config" RABBITMQ_CONF_ENV_FILE="$base/rabbitmq-env.conf" \
        setsid "$RABBITMQ_SERVER" > "$base/server.out" 2> "$base/server.err" &
    rabbitmq_pid=$!

    # The banner's last line comes once the broker listens.
    local deadline=$((SECONDS + RABBITMQ_START_DEADLINE_SECONDS))
    while ((SECONDS < deadline)); do
        if grep -q 'Starting broker\.\.\. completed' "$base/server.out" 2>/dev/null; then
            rabbitmq_port=$amqp
            return 0
        fi
        if ! kill -0 "$rabbitmq_pid" 2>/dev/null; then
            break
        fi
        sleep 0.2
    done
    rabbitmq_error="the RabbitMQ node did not start within ${RABBITMQ_START_DEADLINE_SECONDS}s (attempt $attempt, ports $amqp/$dist/$epmd_port); its last lines: $(tail -n 5 "$base/server.out" "$base/server.err" "$base/log/"*.log 2>/dev/null | tr '\n' ' ' | cut -c 1-1500)"
    return 1
}

# rabbitmq_stop: stops the node (SIGTERM to its script, which stops the VM gracefully; SIGKILL to
# its whole process group 15 s later) and its epmd. Does nothing if none runs.
rabbitmq_stop() {
    local deadline
    if [[ -n "$rabbitmq_pid" ]]; then
        kill -TERM "$rabbitmq_pid" 2>/dev/null || true
        deadline=$((SECONDS + 15))
        while kill -0 "$rabbitmq_pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.1
        done
        kill -KILL -- "-$rabbitmq_pid" 2>/dev/null || true
        wait "$rabbitmq_pid" 2>/dev/null || true
        rabbitmq_pid=""
    fi
    if [[ -n "$rabbitmq_epmd_pid" ]]; then
        kill -TERM "$rabbitmq_epmd_pid" 2>/dev/null || true
        wait "$rabbitmq_epmd_pid" 2>/dev/null || true
        rabbitmq_epmd_pid=""
    fi
    rabbitmq_port=""
}
