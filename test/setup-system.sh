#!/usr/bin/env bash
# What the test suite needs from Debian, then the man-page corpus built from it.
# Installs only the packages dpkg does not report as installed (a command or a
# folder is no proof: other packages ship Polish man pages under
# /usr/share/man/pl, and a command may come from elsewhere); uses sudo when not root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# pandoc: man pages to Markdown; manpages-pl: the corpus; libxml2-utils: xmllint;
# gettext: msgfmt; translate-toolkit: pocount, pofilter, po2xliff and the other converters;
# omegat: a real CAT tool for the round-trip tests (test/formats/omegat.test.ts);
# chromium and fonts-dejavu-core: the review page's browser tests and screenshots
# (test/review/browser.test.ts drives /usr/bin/chromium with playwright-core).
packages=(pandoc manpages-pl libxml2-utils gettext translate-toolkit omegat chromium fonts-dejavu-core)
is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
missing=()
for package in "${packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash "$root/test/corpus/build-manpages.sh"
