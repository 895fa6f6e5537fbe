#!/usr/bin/env python3
"""Time saleslog against the raw floor, side by side, on generated journals.

    python3 bench/bench.py [--sizes 3650,36500] [--runs 7] [--keep-journals DIR]

Generates the journals with ../shared/tools/gen-journal (cached in
/tmp/saleslog-bench unless --journals says otherwise), builds the release
binary and the floor program (examples/floor.rs), then runs, alternating so
machine load affects all alike:

  floor (2 threads), floor (1 thread), `build` (warm output), `build` (cold
  output), `report --format json`, and with --git `report` on a copy of the
  journal committed one note per commit (bench/git_journal.py): the
  difference between the two reports is the cost of reading the history

and prints the median wall time, the peak memory (max RSS) and the ratio to
the 2-thread floor. Medians over --runs runs; nothing here is a test.
The incremental rebuild is measured by `cargo bench` (benches/pipeline.rs)
and the save-to-page latency of `serve` by bench/latency.py.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("GEN_JOURNAL") or os.path.join(ROOT, "..", "shared", "tools", "gen-journal")
BIN = os.path.join(ROOT, "target", "release", "saleslog")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "floor")
TIME = "/usr/bin/time"


def run(cmd):
    """Wall seconds and max RSS (KB) of one run."""
    start = time.perf_counter()
    if os.path.exists(TIME):
        p = subprocess.run([TIME, "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        rss = int(p.stderr.strip().splitlines()[-1])
    else:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        rss = 0
    if p.returncode not in (0, 1):
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return wall, rss


def last_date(journal):
    dates = []
    for base, _, files in os.walk(journal):
        dates += [f[:10] for f in files if f.endswith(".md") and f[:4].isdigit()]
    return max(dates)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3650,36500", help="journal sizes in days")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--journals", default="/tmp/saleslog-bench")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--git", action="store_true",
                    help="also time `report` on a copy committed one note per commit (SPEC §8's history read)")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "saleslog", "--example", "floor"], cwd=ROOT, check=True)
    os.makedirs(a.journals, exist_ok=True)
    print(f"{'journal':>8} {'work':<34} {'median':>9} {'max RSS':>9} {'× floor':>8}")
    for days in [int(d) for d in a.sizes.split(",")]:
        journal = os.path.join(a.journals, f"j{days}")
        if not os.path.isdir(journal):
            subprocess.run([sys.executable, GEN, "--out", journal, "--days", str(days), "--seed", "1"], check=True,
                           stdout=subprocess.DEVNULL)
        today = last_date(journal)
        out_floor = os.path.join(a.journals, f"floor{days}")
        out_site = os.path.join(a.journals, f"site{days}")
        out_cold = os.path.join(a.journals, f"cold{days}")
        work = {
            "floor, 2 threads": [FLOOR, journal, out_floor, "2"],
            "floor, 1 thread": [FLOOR, journal, out_floor, "1"],
            "build (output present)": [BIN, "--today", today, "build", journal, "-o", out_site],
            "build (empty output folder)": [BIN, "--today", today, "build", journal, "-o", out_cold],
            "report --format json": [BIN, "--today", today, "report", "--format", "json", journal],
        }
        if a.git:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import git_journal
            repo = os.path.join(a.journals, f"j{days}-git")
            if not os.path.isdir(os.path.join(repo, ".git")):
                shutil.rmtree(repo, ignore_errors=True)
                shutil.copytree(journal, repo)
                commits = git_journal.commit_history(repo)
            else:
                commits = int(subprocess.run(["git", "-C", repo, "rev-list", "--count", "HEAD"],
                                             capture_output=True, text=True).stdout)
            work[f"report, git ({commits} commits)"] = [BIN, "--today", today, "report", "--format", "json", repo]
        # Warm the page cache and the output folder once.
        for cmd in work.values():
            run(cmd)
        times = {k: [] for k in work}
        rss = {k: 0 for k in work}
        for _ in range(a.runs):
            for name, cmd in work.items():
                if name.startswith("build (empty"):
                    shutil.rmtree(out_cold, ignore_errors=True)
                wall, kb = run(cmd)
                times[name].append(wall)
                rss[name] = max(rss[name], kb)
        floor = statistics.median(times["floor, 2 threads"])
        for name in work:
            m = statistics.median(times[name])
            print(f"{days:>8} {name:<34} {m * 1000:>7.0f}ms {rss[name] / 1024:>7.0f}MB {m / floor:>7.2f}×")


if __name__ == "__main__":
    main()
