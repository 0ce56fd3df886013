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

# policy-rc.d answering 101 tells Debian's maintainer scripts not to start the service; it is only
# created when absent and always removed again.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    created_policy=1
fi
cleanup() {
    if [ "$created_policy" -eq 1 ]; then
        "${as_root[@]}" rm -f "$policy"
    fi
}
trap cleanup EXIT

if ! "${as_root[@]}" apt-get update -qq \
    || ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        prometheus >/dev/null; then
    echo "install-prometheus: apt-get could not install the prometheus package" >&2
    exit 1
fi

if ! command -v prometheus >/dev/null 2>&1; then
    echo "install-prometheus: the prometheus package is installed but 'prometheus' is not on the PATH" >&2
    exit 1
fi

echo "install-prometheus: installed $(prometheus --version 2>&1 | head -n 1)" >&2
