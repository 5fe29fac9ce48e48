#!/usr/bin/env bash
# Takes the README's screenshot of the desktop app in a virtual X display (Xvfb), and prints how
# long after launch the first forecast was on screen. Installs the display and capture packages
# with apt-get if they are missing (as root; building the app itself needs none of them).
#
#   scripts/screenshot.sh [OUT.png]      default: assets/screenshot.png
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-assets/screenshot.png}"
packages=(xvfb xauth libgl1-mesa-dri libgl1 libglx-mesa0 libegl1 libegl-mesa0 libx11-xcb1
    libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 imagemagick)
if ! command -v xvfb-run >/dev/null || ! command -v import >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
cargo build --release -q -p caseload-gui
bin="${CARGO_TARGET_DIR:-target}/release/caseload-gui"
# A fresh state directory, so the shot shows the defaults rather than the last session.
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
log="$state/stderr.txt"
XDG_DATA_HOME="$state" xvfb-run -a -s "-screen 0 1280x900x24" sh -c "
    '$bin' 2>'$log' &
    app=\$!
    sleep 12
    import -window root '$out'
    kill \$app
" || true
grep 'first forecast' "$log" || { echo "no forecast was reported:"; cat "$log"; exit 1; }
echo "wrote $out"
