# Shared by the install scripts; source it after lib/as-root.sh and require_apt_as_root.

# install_package_quietly TOOL PACKAGE: installs a Debian package with apt-get, without letting its
# maintainer scripts start a system service (a policy-rc.d answering 101, created only when absent and
# always removed again). TOOL names the calling script in the error message.
install_package_quietly() {
    local tool=$1 package=$2 policy=/usr/sbin/policy-rc.d created_policy=0 status=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
        "${as_root[@]}" chmod 755 "$policy"
        created_policy=1
    fi
    if ! "${as_root[@]}" apt-get update -qq \
        || ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "$package" >/dev/null; then
        echo "$tool: apt-get could not install the $package package" >&2
        status=1
    fi
    if [ "$created_policy" -eq 1 ]; then
        "${as_root[@]}" rm -f "$policy"
    fi
    return "$status"
}
