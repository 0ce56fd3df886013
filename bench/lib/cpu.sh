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

# machine_ticks: "BUSY STEAL ALL" clock ticks of the whole machine so far: busy (user, nice, system,
# irq, softirq of every core, so a setup's cost per request includes the client's), stolen (time a
# hypervisor gave to other guests: a virtual machine's noisy neighbours, which make figures vary from
# run to run) and all of it. Subtract two readings.
machine_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}

# thread_cpu_micros PREFIX PID...: user + system CPU time so far of the processes' threads whose name
# starts with PREFIX (for example iothread- for ZeroMQ's I/O threads), in microseconds.
thread_cpu_micros() {
    local prefix=$1 pid task total=0 used
    shift
    for pid in "$@"; do
        for task in /proc/"$pid"/task/*; do
            [[ "$(cat "$task/comm" 2>/dev/null)" == "$prefix"* ]] || continue
            used=$(awk '{ print $14 + $15 }' "$task/stat" 2>/dev/null || echo 0)
            total=$((total + used))
        done
    done
    echo $((total * 1000000 / CLOCK_TICKS))
}
