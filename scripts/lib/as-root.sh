# Sourced by the install scripts: sets the array as_root to run a command as root (empty when
# already root, sudo otherwise), and checks that apt-get exists. $1 names the caller for messages.
require_apt_as_root() {
    local caller=$1
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$caller: apt-get not found; install the package by hand" >&2
        exit 1
    fi
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            as_root=(sudo)
        else
            echo "$caller: not root and sudo is missing; cannot install with apt-get" >&2
            exit 1
        fi
    fi
}
