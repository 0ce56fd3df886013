# Shared by the bench scripts: the CPU time and context switches of running processes, from /proc
# (Linux only), to tell per request where a setup spends the machine.

CLOCK_TICKS=$(getconf CLK_TCK)

# ticks PID: user + system clock ticks the process has used.
ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# cpu_micros PID...: user + system CPU time of the processes so far, in microseconds (0 if gone).
cpu_micros() {
    local pid total=0 used
    for pid in "$@"; do
        used=$(ticks "$pid" 2>/dev/null || echo 0)
        total=$((total + used))
    done
    echo $((total * 1000000 / CLOCK_TICKS))
}

# switches PID...: voluntary and involuntary context switches of every thread of the processes so far.
switches() {
    local pid total=0 count
    for pid in "$@"; do
        count=$(cat /proc/"$pid"/task/*/status 2>/dev/null \
            | awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }')
        total=$((total + count))
    done
    echo "$total"
}
