#!/usr/bin/env bash
# Debian's headless Chromium for the web page tests (tests/Finsam.Web.Tests).
#
#   bash .ci/chromium.sh
#
# Does nothing when /usr/bin/chromium (or $FINSAM_CHROMIUM) is there. Otherwise, as root, installs Debian's
# `chromium` package with apt-get; not as root, says what to install and fails. The tests drive that binary
# through Playwright's Node driver, which ships inside the Microsoft.Playwright NuGet package: no browser is
# ever downloaded (never run `playwright install`). Progress goes to stderr; exit 0 when Chromium is there.
set -uo pipefail

_chromium_log() { printf 'chromium.sh: %s\n' "$*" >&2; }
# Debian's launcher script prints a harmless shell warning on some machines; keep only the version line.
_chromium_version() { "$1" --version 2>/dev/null | head -1; }

chromium=${FINSAM_CHROMIUM:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
    _chromium_log "using $(_chromium_version "$chromium") ($chromium)"
    exit 0
fi
if [ "$chromium" != /usr/bin/chromium ]; then
    _chromium_log "FINSAM_CHROMIUM=$chromium does not exist; unset it to use Debian's /usr/bin/chromium"
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    _chromium_log "/usr/bin/chromium is missing and we are not root: install Debian's 'chromium' package first (apt-get install -y chromium)"
    exit 1
fi
_chromium_log "installing Chromium from Debian packages (apt-get install chromium) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || { _chromium_log "apt-get update failed"; exit 1; }
apt-get install -y -qq --no-install-recommends chromium >&2 || { _chromium_log "apt-get install chromium failed"; exit 1; }
if [ ! -x /usr/bin/chromium ]; then
    _chromium_log "installed the chromium package, but /usr/bin/chromium is missing"
    exit 1
fi
_chromium_log "installed $(_chromium_version /usr/bin/chromium)"
