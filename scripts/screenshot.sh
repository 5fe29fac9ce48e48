#!/usr/bin/env bash
# Screenshots of the desktop app in a virtual X display (Xvfb): every page at the common NHS laptop
# size (1366x768) and at 1920x1080, the Compare page filled (a budget cut against the scenario it
# extends), and the README's screenshot (the dashboard at 1366x768). Prints
# how long after launch the first forecast was on screen. Installs the display, capture and
# keyboard packages with apt-get if they are missing (as root; building the app needs none).
#
#   scripts/screenshot.sh [OUT_DIR]      default: target/screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/screenshots}"
mkdir -p "$out"
packages=(xvfb xauth libgl1-mesa-dri libgl1 libglx-mesa0 libegl1 libegl-mesa0 libx11-xcb1
    libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 imagemagick xdotool)
if ! command -v xvfb-run >/dev/null || ! command -v import >/dev/null \
    || ! command -v xdotool >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
cargo build --release -q -p caseload-gui
bin="$(realpath "${CARGO_TARGET_DIR:-target}/release/caseload-gui")"
# Each page and where its tab is (the window opens at the top left, 1280 points wide or less).
tabs=(dashboard:47 explore:125 compare:197 districts:272 scenario:362)
for size in 1366x768 1920x1080; do
    # A fresh state directory, so the shots show the defaults rather than the last session.
    state="$(mktemp -d)"
    log="$state/stderr.txt"
    XDG_DATA_HOME="$state" xvfb-run -a -s "-screen 0 ${size}x24" sh -c "
        '$bin' 2>'$log' &
        app=\$!
        sleep 14
        i=1
        for tab in ${tabs[*]}; do
            # No window manager gives the window the keyboard: click the page's tab instead.
            xdotool mousemove \${tab#*:} 36 click 1
            sleep 2
            import -window root '$out/${size}_'\$i'_'\${tab%:*}'.png'
            i=\$((i + 1))
        done
        # Compare, filled: the 10% budget cut against the scenario it extends, in one step.
        xdotool mousemove 145 126 click 1
        sleep 1
        xdotool mousemove 250 222 click 1
        sleep 10
        xdotool mousemove 142 186 click 1
        sleep 30
        import -window root '$out/${size}_6_compare_with_base.png'
        kill \$app
    " || true
    grep 'first forecast' "$log" || { echo "no forecast was reported at $size:"; cat "$log"; exit 1; }
    rm -rf "$state"
done
cp "$out/1366x768_1_dashboard.png" assets/screenshot.png
echo "wrote $out/*.png and assets/screenshot.png"
