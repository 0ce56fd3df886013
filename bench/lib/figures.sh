# Shared by the bench scripts: reading figures from `pirate bench`'s JSON lines.

# field JSON NAME: one number from a bench JSON line.
field() {
    sed -E "s/.*\"$2\":([0-9.]+).*/\\1/" <<< "$1"
}

# median VALUES...: the middle value (the mean of the two middle ones for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
