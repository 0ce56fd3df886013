# Shared by the bench scripts; source it after setting $work (the folder of the processes' output
# files) and START_DEADLINE_SECONDS.

# await_line NAME PREFIX: prints the rest of the first stdout line of NAME starting with PREFIX,
# polling until the deadline; fails with the process's stderr if the line never comes.
await_line() {
    local name=$1 prefix=$2 line
    local deadline=$((SECONDS + START_DEADLINE_SECONDS))
    while ((SECONDS < deadline)); do
        line=$(grep -m 1 "^$prefix" "$work/$name.out" 2>/dev/null || true)
        if [[ -n "$line" ]]; then
            echo "${line#"$prefix"}"
            return 0
        fi
        sleep 0.05
    done
    echo "$name printed no line '$prefix' within ${START_DEADLINE_SECONDS}s; its stderr:" >&2
    cat "$work/$name.err" >&2
    return 1
}
