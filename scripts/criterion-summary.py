#!/usr/bin/env python3
"""Prints median and spread of every criterion benchmark under target/criterion, those
in groups as `group/function`.

Spread is the median absolute deviation (MAD) of the per-iteration samples, and the
95 % confidence interval of the median. Usage: scripts/criterion-summary.py [filter]
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "criterion")


def fmt(ns):
    if ns >= 1e6:
        return "%.3f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f µs" % (ns / 1e3)
    return "%.2f ns" % ns


def main():
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    print("| benchmark | median | MAD | 95 % CI of median |")
    print("|---|---|---|---|")
    # Benchmarks in a group sit one level down (`group/function/new`); "report" holds
    # criterion's HTML pages, not results.
    names = []
    for top, dirs, _ in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in ("new", "base", "change", "report"))
        if os.path.exists(os.path.join(top, "new", "estimates.json")):
            names.append(os.path.relpath(top, ROOT))
    for name in sorted(names):
        path = os.path.join(ROOT, name, "new", "estimates.json")
        if wanted not in name:
            continue
        with open(path) as f:
            e = json.load(f)
        med = e["median"]
        ci = med["confidence_interval"]
        print("| %s | %s | %s | %s – %s |" % (name, fmt(med["point_estimate"]),
              fmt(e["median_abs_dev"]["point_estimate"]), fmt(ci["lower_bound"]), fmt(ci["upper_bound"])))


if __name__ == "__main__":
    main()
