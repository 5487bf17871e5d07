#!/usr/bin/env bash
# Debian's Chromium for the browser tests and the screenshots (Playwright drives it through
# executable_path: Playwright's own browser download is not reachable here and never used).
#
#   scripts/chromium.sh    install Debian's `chromium` with apt-get when it is missing, then print
#                          the path of the real browser binary (the only thing written to stdout)
#
# The `chromium` command on PATH is a wrapper shell script that reads /etc/chromium.d and prints a
# harmless error when run by Playwright; the binary it starts is found with `dpkg -L chromium`.
# Messages go to stderr; the exit status is non-zero when no browser can be found or installed.
set -euo pipefail

say() { echo "chromium.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

find_binary() {  # the executable ELF file named chromium among the package's files
    local path
    dpkg -L chromium 2>/dev/null | grep -E '/chromium$' | while read -r path; do
        if [ -f "$path" ] && [ -x "$path" ] && head -c 4 "$path" | grep -q 'ELF'; then
            echo "$path"
            break
        fi
    done
}

binary="$(find_binary || true)"
if [ -z "$binary" ]; then
    [ "$(id -u)" -eq 0 ] ||
        die "Chromium is not installed; install it with: sudo apt-get install chromium"
    command -v apt-get >/dev/null 2>&1 ||
        die "Chromium is not installed and apt-get is not available to install it"
    say "Chromium not found: installing Debian's chromium (apt-get update, apt-get install)"
    apt-get update >&2 || die "apt-get update failed: is Debian's package registry reachable?"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2 ||
        die "apt-get install chromium failed (see the apt output above)"
    binary="$(find_binary || true)"
    [ -n "$binary" ] || die "chromium is installed but no browser binary was found by dpkg -L"
fi
echo "$binary"
