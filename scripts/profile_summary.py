#!/usr/bin/env python3
"""Sums the profiler traces written by scripts/profile.sh into one markdown table.

Only top-level ops count (an op inside another op on the same thread is part of it), so the
columns add up to the time spent in PyTorch calls. Usage: profile_summary.py DIR WORKLOAD
"""
import collections
import json
import sys

TRAIN_STEPS = 3  # steps per training trace (Benchmark.PROFILED_STEPS, and profile.sh's loop)


def top_level(path):
    """(name, duration in us) of every op not nested in another op of its thread."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in ("cpu_op", "user_annotation", "operator"):
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    out = []
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        end = -1.0
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            if ts >= end:  # starts after the enclosing op ended: top level
                out.append((e["name"], dur))
                end = ts + dur
    return out


def group(name):
    n = name.lower()
    if "conv" in n:
        return "convolution"
    if any(k in n for k in ("addmm", "aten::mm", "mmbackward", "linear", "bmm", "matmul")):
        return "matrix products"
    return "other"


def summarise(path, per):
    groups = collections.Counter()
    others = collections.Counter()
    for name, dur in top_level(path):
        g = group(name)
        groups[g] += dur / 1000 / per
        if g == "other":
            others[name] += dur / 1000 / per
    return groups, others


def fmt(ms):
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def main():
    folder, workload = sys.argv[1], sys.argv[2]
    print(f"| {workload}, ms per | implementation | convolution | matrix products | other | total | largest other ops |")
    print("|---|---|---|---|---|---|---|")
    for part, per, label in (("train", TRAIN_STEPS, "training step"), ("sample", 1, "sampling run")):
        for impl, suffix in (("scoreflow", ""), ("PyTorch", "-pytorch")):
            g, o = summarise(f"{folder}/{workload}-{part}{suffix}.json", per)
            top = ", ".join(f"{n.replace('autograd::engine::evaluate_function: ', '')} {fmt(v)}"
                            for n, v in o.most_common(4))
            total = sum(g.values())
            print(f"| {label} | {impl} | {fmt(g['convolution'])} | {fmt(g['matrix products'])} | "
                  f"{fmt(g['other'])} | {fmt(total)} | {top} |")


if __name__ == "__main__":
    main()
