#!/usr/bin/env bash
# Installs Debian's rabbitmq-server (3.10 on bookworm), which bench/compare.sh measures Pirate against.
# Idempotent: does nothing when the package's server script is already there. Never starts the
# package's system service (nor leaves it running): the benchmark starts its own private node on
# loopback (bench/lib/rabbitmq.sh) and stops it.
set -euo pipefail

server=/usr/lib/rabbitmq/bin/rabbitmq-server

if [ -x "$server" ]; then
    exit 0
fi

# shellcheck source=lib/as-root.sh
source "$(dirname "$0")/lib/as-root.sh"
require_apt_as_root install-rabbitmq

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
        rabbitmq-server >/dev/null; then
    echo "install-rabbitmq: apt-get could not install the rabbitmq-server package" >&2
    exit 1
fi

if [ ! -x "$server" ]; then
    echo "install-rabbitmq: the rabbitmq-server package is installed but $server is missing" >&2
    exit 1
fi

echo "install-rabbitmq: installed rabbitmq-server $(dpkg-query -W -f '${Version}' rabbitmq-server)" >&2
