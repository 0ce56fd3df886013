#!/usr/bin/env bash
# Installs Debian's prometheus package, which the sample app's Prometheus integration test runs.
# Idempotent: does nothing when a prometheus binary is already on the PATH. Never starts the
# package's system service: the test runs its own prometheus on loopback and stops it.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1; then
    exit 0
fi

# shellcheck source=lib/as-root.sh
source "$(dirname "$0")/lib/as-root.sh"
require_apt_as_root install-prometheus

# shellcheck source=lib/apt-package.sh
source "$(dirname "$0")/lib/apt-package.sh"
install_package_quietly install-prometheus prometheus

if ! command -v prometheus >/dev/null 2>&1; then
    echo "install-prometheus: the prometheus package is installed but 'prometheus' is not on the PATH" >&2
    exit 1
fi

echo "install-prometheus: installed $(prometheus --version 2>&1 | head -n 1)" >&2
