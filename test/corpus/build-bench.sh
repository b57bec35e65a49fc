#!/usr/bin/env bash
# Assemble the benchmark project: >= 4 MiB of Polish Markdown in
#   .cache/corpus/bench/content/pl/**.md  (+ hansa.config.json)
# made of the converted man pages (build-manpages.sh), the project's own
# content/pl articles, and numbered copies of both whose last line differs,
# so that every file has distinct bytes (no two files share a content hash).
# Idempotent: does nothing when the corpus is already there and big enough.
# Env: BENCH_MIB (default 4.5).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bench="$root/.cache/corpus/bench"
content="$bench/content/pl"
target=$(awk -v m="${BENCH_MIB:-4.5}" 'BEGIN {printf "%d", m * 1048576}')

total_bytes() { find "$1" -type f -name '*.md' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
report() {
  local files bytes
  files=$(find "$content" -type f -name '*.md' | wc -l)
  bytes=$(total_bytes "$content")
  awk -v f="$files" -v b="$bytes" -v p="${content#"$root"/}" 'BEGIN {printf "bench corpus: %d files, %.2f MB (%d bytes) in %s\n", f, b / 1048576, b, p}'
}

if [ -d "$content" ] && [ "$(total_bytes "$content")" -ge "$target" ]; then report; exit 0; fi

"$here/build-manpages.sh"
man="$root/.cache/corpus/manpages-pl"

tmp="$bench.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/content/pl"
trap 'rm -rf "$tmp"' EXIT
cp -r "$man" "$tmp/content/pl/man"
if [ -d "$root/content/pl" ]; then cp -r "$root/content/pl" "$tmp/content/pl/witryna"; fi

# Copies with a varying closing line, file by file, until the target size is reached.
total=$(total_bytes "$tmp/content/pl")
copy=1
while [ "$total" -lt "$target" ]; do
  dest="$tmp/content/pl/kopia-$copy"
  while IFS= read -r -d '' file && [ "$total" -lt "$target" ]; do
    mkdir -p "$dest/$(dirname "$file")"
    { cat "$tmp/content/pl/$file"; printf '\nTo jest kopia numer %d tego dokumentu, przygotowana do pomiarów.\n' "$copy"; } > "$dest/$file"
    total=$((total + $(stat -c %s "$dest/$file")))
  done < <(cd "$tmp/content/pl" && find man witryna -type f -name '*.md' -print0 2>/dev/null | sort -z)
  copy=$((copy + 1))
done

printf '{\n  "sourceLanguage": "pl",\n  "targetLanguages": ["en", "sv"],\n  "contentDir": "content/{lang}",\n  "workers": "auto"\n}\n' > "$tmp/hansa.config.json"
rm -rf "$bench"
mv "$tmp" "$bench"
trap - EXIT
report
