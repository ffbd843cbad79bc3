#!/usr/bin/env bash
# Copy the pinned Chart.js UMD build and its time-scale date adapter (with their licences) from npm
# into static/vendor/. Run after changing package.json; commit the result. The service never needs Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts >/dev/null
dest=static/vendor
mkdir -p "$dest"
# Without its sourceMappingURL comment: we ship no .map file, and collectstatic's manifest storage
# (DEBUG=false) refuses a JS file that names a file it cannot find.
sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js > "$dest/chart.umd.min.js"
cp node_modules/chart.js/LICENSE.md "$dest/chart.js.LICENSE.md"
cp node_modules/chartjs-adapter-date-fns/dist/chartjs-adapter-date-fns.bundle.min.js "$dest/chartjs-adapter-date-fns.bundle.min.js"
cp node_modules/chartjs-adapter-date-fns/LICENSE.md "$dest/chartjs-adapter-date-fns.LICENSE.md"
node -e 'for (const p of ["chart.js", "chartjs-adapter-date-fns"]) console.log(p, require(`./node_modules/${p}/package.json`).version)' \
  > "$dest/VERSIONS.txt"
echo "Vendored into $dest:"; ls -1 "$dest"
