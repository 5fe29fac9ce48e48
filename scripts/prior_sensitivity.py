#!/usr/bin/env python3
"""One-at-a-time sensitivity of observed figures to a scenario's estimates: which inputs to give
priors before `caseload calibrate` (docs/calibration.md, section 1).

Each estimate is swept to 0.8 and 1.2 times its written value, or to the two values given
(`caseload sweep`, the same seed at every point, so the points share common random numbers), and each row of the observed file is read
at both points: the change between them, in units of the row's sd, is how strongly the observation
speaks about that estimate. Rows must be single months (no spans) with an sd.

    scripts/prior_sensitivity.py SCENARIO OBSERVED.csv PATH=VALUE|PATH=LOW,HIGH... [--reps N]

Standard library only; needs `cargo build --release -p caseload` first. Prints a table: one row per
estimate, one column per observation, and the largest change.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "caseload")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("observed")
    parser.add_argument("estimates", nargs="+",
                        help="PATH=VALUE (swept to x0.8 and x1.2) or PATH=LOW,HIGH: a lever path")
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.observed)))
    for r in rows:
        if ".." in r["month"] or not r.get("sd"):
            sys.exit(f"prior_sensitivity: row {r} needs a single month and an sd")
    print("estimate".ljust(52) + "".join(f"{r['metric'][:22]:>24}" for r in rows) + "   largest")
    for estimate in args.estimates:
        path, value = estimate.rsplit("=", 1)
        if "," in value:
            low, high = map(float, value.split(","))
            label = f"{path} {low:g} to {high:g}"
        else:
            low, high = 0.8 * float(value), 1.2 * float(value)
            label = f"{path} {value} (x0.8, x1.2)"
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([BIN, "sweep", args.scenario, "--vary", f"{path}={low},{high}", "--reps",
                            str(args.reps), "--seed", "1", "--out", out, "-q"], check=True,
                           stdout=subprocess.DEVNULL)
            means = {}
            for row in csv.DictReader(open(os.path.join(out, "sweep.csv"))):
                means[(row[path], row["month"], row["district"], row["metric"])] = float(row["mean"] or "nan")
        keys = sorted({k[0] for k in means}, key=float)
        effects = []
        for r in rows:
            at = [means[(k, r["month"], r["district"], r["metric"])] for k in keys]
            effects.append((at[1] - at[0]) / float(r["sd"]))
        largest = max(abs(e) for e in effects)
        print(label.ljust(52)
              + "".join(f"{e:>+24.2f}" for e in effects) + f"{largest:>10.2f}")


if __name__ == "__main__":
    main()
