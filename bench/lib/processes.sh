# Shared by the bench scripts; source it after declaring the array `started`, which holds the PIDs of
# the processes a script started in the background.

# stop_all: SIGTERM to every process started here, SIGKILL to any still running 10 s later.
stop_all() {
    local pid deadline=$((SECONDS + 10))
    for pid in "${started[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${started[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    started=()
}
