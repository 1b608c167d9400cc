#!/usr/bin/env bash
# Renders an HTML report with headless Chromium to PNG, to check it in a real browser.
# Usage: bench/screenshot_report.sh [REPORT.html] [OUT.png]
#   default: demo-out/report.html (from `make demo`) -> docs/images/report-trec.png
# Needs Chromium: sudo apt-get install chromium
set -euo pipefail
cd "$(dirname "$0")/.."
REPORT=${1:-demo-out/report.html}
OUT=${2:-docs/images/report-trec.png}
BROWSER=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$BROWSER" ]; then
  echo "no Chromium found: sudo apt-get install chromium" >&2
  exit 1
fi
[ -f "$REPORT" ] || { echo "$REPORT does not exist: run make demo first" >&2; exit 1; }
"$BROWSER" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,3000 \
  --screenshot="$OUT" "file://$(realpath "$REPORT")" 2>/dev/null
echo "wrote $OUT"
