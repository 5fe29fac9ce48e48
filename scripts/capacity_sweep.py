#!/usr/bin/env python3
"""Capacity sweeps of docs/validation.md: the Birmingham baseline with its health visitors (or all
its roles) scaled from 50% to 150%, staff in post and funded posts alike, in steps of 10%.

For each point it writes an overlay of the scenario (scenarios/birmingham_baseline.ron unless
--scenario names another with Birmingham's districts) scaling every district's `staff` and
`establishment` of the swept roles, runs it with the release binary (same seed, so the points
share common random numbers), and pools each review's compliance over April 2020 to March 2022:
the sum of the mean monthly on-time counts over the sum of the mean monthly due counts. It writes
docs/assets/capacity_sweep_<kind>.csv and .svg (capacity_sweep_<kind>_<scenario>.* for another
scenario).

    scripts/capacity_sweep.py [hv|all] [--reps N] [--scenario FILE]    (default: both, 20 replications)

Standard library only; needs `cargo build --release -p caseload` first.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "caseload")
BASELINE = os.path.join(ROOT, "scenarios", "birmingham_baseline.ron")
ROLES = {"hv": ["health_visitor"], "all": ["health_visitor", "staff_nurse", "nursery_nurse", "early_years_worker"]}
REVIEWS = [("antenatal", "C1"), ("new_birth", "C2"), ("six_to_eight_weeks", "C8i"),
           ("twelve_months", "C4"), ("two_year", "C6i")]
LABELS = ["C1 antenatal", "C2 new birth", "C8i 6-8 weeks", "C4 12 months", "C6i 2-2½ years"]
FIRST, LAST = "2020-04", "2022-03"
POINTS = [k / 10 for k in range(5, 16)]


def scaled_map(text, roles, factor):
    """A RON map of role -> WTE with the given roles' values multiplied by factor."""
    pairs = re.findall(r'"(\w+)": ([\d.]+)', text)
    return ", ".join(f'"{r}": {float(v) * (factor if r in roles else 1.0):.4f}' for r, v in pairs)


def overlay(base, roles, factor, extends):
    """An overlay of `extends` (a path) setting the districts of `base` (the baseline's text) with
    the given roles' staff and establishment multiplied by factor."""
    ids = re.findall(r'\(\s*id: "(\w+)",\s*name: "[^"]*",\s*children_by_age', base)
    staff = re.findall(r"staff: \{([^}]*)\}", base)
    funded = re.findall(r"establishment: \{([^}]*)\}", base)
    if not (len(ids) == len(staff) == len(funded) > 0):
        sys.exit("capacity_sweep: could not find each district's staff and establishment")
    districts = ", ".join(
        f'(id: "{d}", staff: {{{scaled_map(s, roles, factor)}}}, '
        f'establishment: {{{scaled_map(e, roles, factor)}}})'
        for d, s, e in zip(ids, staff, funded))
    return f'Scenario(extends: {json.dumps(extends)}, districts: [{districts}])\n'


def months(first, last):
    y, m = map(int, first.split("-"))
    while f"{y:04d}-{m:02d}" <= last:
        yield f"{y:04d}-{m:02d}"
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def pooled(summary, num, den):
    period = set(months(FIRST, LAST))
    n = sum(v for (mo, k), v in summary.items() if k == num and mo in period)
    d = sum(v for (mo, k), v in summary.items() if k == den and mo in period)
    return 100.0 * n / d if d else float("nan")


def run_point(work, roles, factor, reps, extends):
    scenario = os.path.join(work, f"cap{round(factor * 100)}.ron")
    with open(scenario, "w") as f:
        f.write(overlay(open(BASELINE).read(), roles, factor, os.path.abspath(extends)))
    out = os.path.join(work, f"out{round(factor * 100)}")
    subprocess.run([BIN, "run", scenario, "--reps", str(reps), "--seed", "1", "-q",
                    "--summary-only", "--out", out], check=True, stdout=subprocess.DEVNULL)
    summary = {}
    for row in csv.DictReader(open(os.path.join(out, "summary.csv"))):
        if row["district"] == "ALL" and row["mean"]:
            summary[(row["month"], row["metric"])] = float(row["mean"])
    values = []
    for review, _ in REVIEWS:
        if review == "new_birth":  # reported at its last chance, as OHID counts C2
            values.append(pooled(summary, f"review_on_time_at_last_chance:{review}",
                                 f"review_due_at_last_chance:{review}"))
        else:
            values.append(pooled(summary, f"review_on_time:{review}", f"review_due:{review}"))
    return values


COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]


def svg(rows, title, path):
    """A line chart: capacity (%) across, compliance (%) up, one line per review."""
    w, h, left, right, top, bottom = 760, 420, 60, 180, 40, 50
    x = lambda c: left + (c - 50) / 100 * (w - left - right)
    y = lambda v: top + (100 - v) / 100 * (h - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="22" font-size="14" text-anchor="middle">{title}</text>']
    for v in range(0, 101, 20):
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v)}" y2="{y(v)}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{y(v) + 4}" text-anchor="end">{v}%</text>')
    for c in range(50, 151, 10):
        out.append(f'<line x1="{x(c)}" x2="{x(c)}" y1="{h - bottom}" y2="{h - bottom + 5}" stroke="#333"/>')
        out.append(f'<text x="{x(c)}" y="{h - bottom + 18}" text-anchor="middle">{c}%</text>')
    out.append(f'<line x1="{x(100)}" x2="{x(100)}" y1="{top}" y2="{h - bottom}" stroke="#999" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 12}" text-anchor="middle">capacity, % of the baseline\'s staff and funded posts</text>')
    for i in range(len(REVIEWS)):
        pts = " ".join(f"{x(row[0]):.1f},{y(row[i + 1]):.1f}" for row in rows)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLOURS[i]}" stroke-width="2"/>')
        for row in rows:
            out.append(f'<circle cx="{x(row[0]):.1f}" cy="{y(row[i + 1]):.1f}" r="2.5" fill="{COLOURS[i]}"/>')
        ly = top + 20 + 20 * i
        out.append(f'<line x1="{w - right + 15}" x2="{w - right + 40}" y1="{ly}" y2="{ly}" stroke="{COLOURS[i]}" stroke-width="2"/>')
        out.append(f'<text x="{w - right + 46}" y="{ly + 4}">{LABELS[i]}</text>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", nargs="?", choices=["hv", "all"])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--scenario", default=BASELINE,
                        help="an overlay of the baseline that keeps its districts (default: the baseline)")
    args = parser.parse_args()
    if not os.path.isfile(args.scenario):
        sys.exit(f"capacity_sweep: {args.scenario} not found")
    suffix = "" if os.path.samefile(args.scenario, BASELINE) else \
        "_" + os.path.splitext(os.path.basename(args.scenario))[0]
    if not os.path.exists(BIN):
        sys.exit(f"capacity_sweep: {BIN} not found; run `cargo build --release -p caseload` first")
    assets = os.path.join(ROOT, "docs", "assets")
    for kind in [args.kind] if args.kind else ["hv", "all"]:
        with tempfile.TemporaryDirectory() as work:
            rows = [[round(f * 100)] + run_point(work, ROLES[kind], f, args.reps, args.scenario)
                    for f in POINTS]
        with open(os.path.join(assets, f"capacity_sweep_{kind}{suffix}.csv"), "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["capacity_percent"] + [m for _, m in REVIEWS])
            out.writerows([[r[0]] + [f"{v:.1f}" for v in r[1:]] for r in rows])
        who = "health visitors'" if kind == "hv" else "all roles'"
        of = f" ({suffix[1:]})" if suffix else ""
        svg(rows, f"Compliance, April 2020 to March 2022, against {who} capacity{of}",
            os.path.join(assets, f"capacity_sweep_{kind}{suffix}.svg"))
        steps = [max(abs(rows[k][i] - rows[k - 1][i]) for k in range(1, len(rows))) for i in range(1, 6)]
        print(f"{kind}: largest step " + ", ".join(f"{m} {s:.1f}" for (_, m), s in zip(REVIEWS, steps)))


if __name__ == "__main__":
    main()
