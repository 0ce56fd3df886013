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

# shellcheck source=lib/apt-package.sh
source "$(dirname "$0")/lib/apt-package.sh"
install_package_quietly install-rabbitmq rabbitmq-server

if [ ! -x "$server" ]; then
    echo "install-rabbitmq: the rabbitmq-server package is installed but $server is missing" >&2
    exit 1
fi

echo "install-rabbitmq: installed rabbitmq-server $(dpkg-query -W -f '${Version}' rabbitmq-server)" >&2
