#!/usr/bin/env bash
# The board report as a board pack: renders it to PDF with headless Chromium (as printing it from a
# browser would), then each page to a PNG to look at. Installs Chromium and poppler-utils (for
# pdftoppm) with apt-get if they are missing (as root; the report itself needs neither).
#
#   scripts/report_pdf.sh [SCENARIO] [OUT_DIR]    defaults: the embedded baseline, target/report-pdf
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:-}"
out="${2:-target/report-pdf}"
if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium poppler-utils
fi
cargo build --release -q -p caseload
mkdir -p "$out"
out="$(realpath "$out")"
rm -f "$out"/page-*.png
"${CARGO_TARGET_DIR:-target}/release/caseload" report $scenario --reps 40 -q --out "$out/report.html"
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$out/report.pdf" "file://$out/report.html" 2>/dev/null
pdftoppm -png -r 50 "$out/report.pdf" "$out/page"
echo "wrote $out/report.pdf ($(ls "$out"/page-*.png | wc -l) pages, as $out/page-*.png)"
