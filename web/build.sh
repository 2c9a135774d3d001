#!/usr/bin/env bash
# Vendor the dashboard's third-party files from npm into src/sitrep/web/static/vendor/.
# The copied files are committed: the dashboard needs no build step, no CDN and no tile server at run time.
# Rerun this script (Node and npm needed) to update them; change the pinned versions below.
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET=1.9.4
WORLD_ATLAS=2.0.2
TOPOJSON_CLIENT=3.1.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-audit --no-fund --no-save --ignore-scripts \
  "leaflet@$LEAFLET" "world-atlas@$WORLD_ATLAS" "topojson-client@$TOPOJSON_CLIENT" >&2
modules="$work/node_modules"
vendor=src/sitrep/web/static/vendor
rm -rf "$vendor"
mkdir -p "$vendor/leaflet/images" "$vendor/world-atlas" "$vendor/topojson-client"
cp "$modules/leaflet/dist/leaflet.js" "$modules/leaflet/dist/leaflet.css" "$modules/leaflet/LICENSE" "$vendor/leaflet/"
cp "$modules/leaflet/dist/images/"*.png "$vendor/leaflet/images/"
cp "$modules/world-atlas/countries-110m.json" "$modules/world-atlas/LICENSE" "$vendor/world-atlas/"
cp "$modules/topojson-client/dist/topojson-client.min.js" "$modules/topojson-client/LICENSE" "$vendor/topojson-client/"
cat > "$vendor/VERSIONS" <<VERSIONS
leaflet $LEAFLET (BSD-2-Clause)
world-atlas $WORLD_ATLAS (ISC; Natural Earth data, public domain) countries-110m.json
topojson-client $TOPOJSON_CLIENT (ISC)
VERSIONS
echo "vendored into $vendor:" >&2
find "$vendor" -type f | sort >&2
