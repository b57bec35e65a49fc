#!/usr/bin/env bash
# Convert the Polish man pages (Debian package manpages-pl, plus whatever other
# packages installed under /usr/share/man/pl) into Markdown with pandoc:
#   .cache/corpus/manpages-pl/<section>/<name>.md   (section: 1, 2, 3, 5, 8, ...)
# Idempotent: does nothing when the folder already holds >= 300 files.
# Needs: pandoc, gzip, and the man pages (apt-get install -y pandoc manpages-pl).
# Env: MAN_PL (source folder, default /usr/share/man/pl), JOBS (default: nproc).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${MAN_PL:-/usr/share/man/pl}"
out="$root/.cache/corpus/manpages-pl"
min_files=300
min_bytes=400   # smaller results are redirects or empty stubs

count_files() { find "$out" -type f -name '*.md' 2>/dev/null | wc -l; }
report() {
  local files bytes
  files=$(count_files)
  bytes=$(find "$out" -type f -name '*.md' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
  echo "manpages-pl corpus: $files files, $bytes bytes in ${out#"$root"/}"
  if [ "$files" -lt "$min_files" ]; then
    echo "error: fewer than $min_files man pages converted (is manpages-pl installed?)" >&2
    exit 1
  fi
}

if [ "$(count_files)" -ge "$min_files" ]; then report; exit 0; fi

command -v pandoc >/dev/null || { echo "error: pandoc not found (apt-get install -y pandoc)" >&2; exit 1; }
[ -d "$src" ] || { echo "error: $src not found (apt-get install -y manpages-pl)" >&2; exit 1; }

mkdir -p "$out"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

# One page: $1 = path of the .gz. Symlinks are skipped by find -type f; `.so`
# redirects and pages pandoc cannot read are skipped here.
convert_one() {
  local file="$1" out="$2" min_bytes="$3"
  local base section name target tmp
  base="$(basename "$file")"
  base="${base%.gz}"
  section="$(basename "$(dirname "$file")")"
  section="${section#man}"
  name="${base%.*}"
  target="$out/$section/$name.md"
  [ -s "$target" ] && return 0
  mkdir -p "$out/$section"
  tmp="$target.tmp.$$"
  if zcat -f -- "$file" 2>/dev/null | head -c 4096 | grep -q '^\.so '; then return 0; fi
  if zcat -f -- "$file" 2>/dev/null | timeout 60 pandoc -f man -t gfm --wrap=preserve -o "$tmp" 2>/dev/null \
     && [ "$(stat -c %s "$tmp")" -ge "$min_bytes" ]; then
    mv -f "$tmp" "$target"
  else
    rm -f "$tmp"
  fi
  return 0
}
export -f convert_one

find "$src" -type f \( -name '*.gz' -o -name '*.[0-9]*' \) -print0 \
  | xargs -0 -r -n 8 -P "$jobs" bash -c 'for f in "$@"; do convert_one "$f" "'"$out"'" "'"$min_bytes"'"; done' _

report
