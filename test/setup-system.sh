#!/usr/bin/env bash
# What the test suite needs from Debian, then the man-page corpus built from it.
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
command -v pandoc >/dev/null || missing+=(pandoc)
[ -d /usr/share/man/pl ] || missing+=(manpages-pl)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v pocount >/dev/null || missing+=(translate-toolkit)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash "$root/test/corpus/build-manpages.sh"
