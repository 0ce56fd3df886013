#!/usr/bin/env bash
# Installs Debian's python3-zmq for /usr/bin/python3, which the Python interop peers need.
# Idempotent: does nothing when the module already imports.
set -euo pipefail

PYTHON=/usr/bin/python3

if "$PYTHON" -c 'import zmq' 2>/dev/null; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-python-zmq: apt-get not found; install python3-zmq for $PYTHON by hand" >&2
    exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        echo "install-python-zmq: not root and sudo is missing; cannot install python3-zmq" >&2
        exit 1
    fi
fi

if ! "${as_root[@]}" apt-get update -qq \
    || ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-zmq >/dev/null; then
    echo "install-python-zmq: apt-get could not install python3-zmq" >&2
    exit 1
fi

if ! "$PYTHON" -c 'import zmq' 2>/dev/null; then
    echo "install-python-zmq: python3-zmq installed but '$PYTHON -c \"import zmq\"' still fails" >&2
    exit 1
fi

echo "install-python-zmq: installed python3-zmq for $PYTHON" >&2
