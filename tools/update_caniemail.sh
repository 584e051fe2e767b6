#!/usr/bin/env bash
# Update the pinned caniemail snapshot: tools/update_caniemail.sh VERSION (e.g. 2.0.2).
#
# Downloads the npm package caniemail@VERSION with `npm pack` into a temporary folder (never
# from a git clone, so the data is exactly what the registry serves for that version), checks
# that it is MIT-licensed and that data/caniemail.json has the shape micromoments reads, then
# copies it to plugins/micromoments/data/caniemail.json and refreshes the facts table of
# plugins/micromoments/data/CANIEMAIL-LICENSE.md. Nothing is changed when a check fails.
set -euo pipefail

version="${1:-}"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "usage: $0 VERSION   (an exact version such as 2.0.2; ranges are not pinned)" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="$root/plugins/micromoments/data"
target="$data_dir/caniemail.json"
notice="$data_dir/CANIEMAIL-LICENSE.md"
python="$root/.venv/bin/python"
[[ -x "$python" ]] || python="$(command -v python3)"
command -v npm >/dev/null || { echo "npm is needed to fetch caniemail@$version" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Fetching caniemail@$version with npm pack"
tarball="$(cd "$tmp" && npm pack --silent "caniemail@$version" 2>/dev/null | tail -n 1)"
[[ -f "$tmp/$tarball" ]] || { echo "npm pack caniemail@$version produced no tarball" >&2; exit 1; }
tar -xzf "$tmp/$tarball" -C "$tmp"
json="$tmp/package/data/caniemail.json"
[[ -f "$json" ]] || { echo "caniemail@$version has no data/caniemail.json" >&2; exit 1; }

# The package must be the version asked for and MIT-licensed; then the JSON must parse into the
# index micromoments builds (the same code the check uses).
PYTHONPATH="$root/plugins" "$python" - "$tmp/package/package.json" "$version" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1], encoding="utf-8"))
if meta.get("version") != sys.argv[2]:
    sys.exit(f"package.json says version {meta.get('version')!r}, expected {sys.argv[2]!r}")
if meta.get("license") != "MIT":
    sys.exit(f"caniemail is licensed {meta.get('license')!r}, not MIT: review before shipping it")
PY
PYTHONPATH="$root/plugins" "$python" -c \
    'import sys; from micromoments.clients.data import main; sys.exit(main(sys.argv[1:]))' "$json"

facts="$(PYTHONPATH="$root/plugins" "$python" - "$json" "$tmp/$tarball" <<'PY'
import base64, hashlib, json, sys
raw = open(sys.argv[1], "rb").read()
data = json.loads(raw)
tgz = open(sys.argv[2], "rb").read()
print(hashlib.sha256(raw).hexdigest())
print("sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode())
print(f"api_version {data['api_version']}, last_update_date {data['last_update_date']}, "
      f"{len(data['data'])} features")
PY
)"
sha256="$(sed -n 1p <<<"$facts")"
integrity="$(sed -n 2p <<<"$facts")"
summary="$(sed -n 3p <<<"$facts")"

old="$(sha256sum "$target" 2>/dev/null | cut -d' ' -f1 || true)"
cp "$json" "$target.tmp"
mv "$target.tmp" "$target"

if [[ -f "$notice" ]]; then
    today="$(date -u +%F)"
    sed -i \
        -e "s#^package \*\*caniemail [0-9.]*\*\*#package **caniemail $version**#" \
        -e "s#^| package | .*#| package | \`caniemail@$version\` (npm; repository shellscape/caniemail) |#" \
        -e "s#^| file | .*#| file | \`package/data/caniemail.json\` of \`caniemail-$version.tgz\` |#" \
        -e "s#^| tarball integrity | .*#| tarball integrity | \`$integrity\` |#" \
        -e "s#^| file sha256 | .*#| file sha256 | \`$sha256\` |#" \
        -e "s#^| data | .*#| data | $summary |#" \
        -e "s#^| fetched | .*#| fetched | $today, with \`npm pack caniemail@$version\` |#" \
        -e "s#^| update | .*#| update | \`make update-caniemail\` (runs \`tools/update_caniemail.sh $version\`) |#" \
        "$notice"
fi

if [[ "$old" == "$sha256" ]]; then
    echo "caniemail.json is already caniemail@$version ($summary)"
else
    echo "Updated $target to caniemail@$version ($summary)"
    echo "Review: git diff --stat plugins/micromoments/data; then run the client tests:"
    echo "  .venv/bin/python -m pytest tests/test_clients.py"
fi
