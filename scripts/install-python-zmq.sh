#!/usr/bin/env bash
# Installs Debian's python3-zmq for /usr/bin/python3, which the Python interop peers need.
# Idempotent: does nothing when the module already imports.
set -euo pipefail

PYTHON=/usr/bin/python3

if "$PYTHON" -c 'import zmq' 2>/dev/null; then
    exit 0
fi

# shellcheck source=lib/as-root.sh
source "$(dirname "$0")/lib/as-root.sh"
require_apt_as_root install-python-zmq

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
