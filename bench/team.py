#!/usr/bin/env python3
"""The team at scale (issue 13): 50 members × 3 years.

    python3 bench/team.py [--members 50] [--days 1095] [--runs 5] [--saves 15] [--bin target/release/saleslog]

Generates --members journals with ../shared/tools/gen-journal (GEN_JOURNAL
overrides the path), seeds 1000, 1001, ..., each renamed "Rep NN", under a
team.yaml, and measures, as of the latest note's date:
- `team report --format json` (--runs times; target <= 1 s);
- a cold `team build -o OUT` (--runs times, each into a folder never used
  before; all are removed after the last run) against the sum of the
  members' own cold `build -o` run one after another, each into a new
  folder too (target <= 2x), with the peak memory of each;
- in `team serve`, a save of one member's latest note (a temporary file
  renamed over it, its mood changed so the grid's figure changes) until both
  that member's dashboard (members/<slug>/index.html) and the team grid
  (index.html) on disk are new files (target <= 100 ms median).
Prints medians. A benchmark, not a test: nothing here passes or fails.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("GEN_JOURNAL") or os.path.join(ROOT, "..", "shared", "tools", "gen-journal")
BIN = os.path.join(ROOT, "target", "release", "saleslog")


def last_note(journal):
    best = None
    for folder, _, files in os.walk(journal):
        for name in files:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}\.md", name):
                if best is None or name > os.path.basename(best):
                    best = os.path.join(folder, name)
    return best


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def timed(cmd, ok=(0, 1)):
    start = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ms = (time.perf_counter() - start) * 1000
    if p.returncode not in ok:
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    return ms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--saves", type=int, default=15)
    ap.add_argument("--bin", default=BIN)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--team", help="an existing team folder (one --keep left) instead of generating one")
    ap.add_argument("--only", action="append", choices=["report", "build", "serve"],
                    help="measure only this (repeatable); default: all three")
    a = ap.parse_args()
    only = set(a.only or ["report", "build", "serve"])
    if not os.path.exists(a.bin):
        sys.exit(f"{a.bin} not found: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="saleslog-team-bench-")
    team, out = os.path.join(work, "team"), os.path.join(work, "out")
    if a.team:
        team = os.path.abspath(a.team)
        notes = sum(1 for _, _, fs in os.walk(team) for f in fs if f.endswith(".md"))
        a.members = sum(1 for d in os.listdir(team) if os.path.isdir(os.path.join(team, d)))
    else:
        lines = ["name: Bench region", "members:"]
        notes = 0
        for i in range(a.members):
            j = os.path.join(team, f"rep{i:02}")
            subprocess.run([GEN, "--out", j, "--days", str(a.days), "--seed", str(1000 + i), "--layout", "years"],
                           check=True, stdout=subprocess.DEVNULL)
            notes += sum(1 for _, _, fs in os.walk(j) for f in fs if f.endswith(".md"))
            lines.append(f"  - {{name: Rep {i:02}, journal: rep{i:02}}}")
        lines.append("quota: {amount: 15000000, period: quarter}")
        with open(os.path.join(team, "team.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    note = last_note(os.path.join(team, "rep00"))
    today = os.path.basename(note)[:10]
    print(f"team: {a.members} members, {notes} notes ({a.days} days each), as of {today}")
    env_bin = [a.bin, "--today", today]

    try:
        if "report" in only:
            report = [timed(env_bin + ["team", "report", "--format", "json", team]) for _ in range(a.runs)]
            print(f"team report --format json: median {med(report):.0f} ms "
                  f"(runs: {', '.join(f'{x:.0f}' for x in report)})")
        if "build" in only:
            build(a, env_bin, team, out, work)
        if "serve" in only:
            serve(a, env_bin, team, out, note)
    finally:
        if a.keep and not a.team:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def med(xs):
    return statistics.median(xs)


def timed_peak(cmd):
    """(wall ms, peak memory in MB) of one run, the peak from /usr/bin/time -v."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ms = (time.perf_counter() - start) * 1000
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return ms, int(m.group(1)) / 1024 if m else float("nan")


def build(a, env_bin, team, out, work):
    # Like for like: every cold build, the team's and each member's own,
    # writes into a folder never used before, and all of them are removed
    # only after the last run. Removing the last run's output first (62,000
    # files for 50 members) would make the next run's file creation pay
    # ext4's scan of recently deleted inodes, a cost of the bench that the
    # team build, which follows the largest removal, paid most (see
    # bench/bench.py --fresh): measured that way the ratio was 2.2x.
    used = []
    cold, peaks = [], []
    for r in range(a.runs):
        o = f"{out}.fresh{r}"
        used.append(o)
        ms, peak = timed_peak(env_bin + ["team", "build", team, "-o", o])
        cold.append(ms)
        peaks.append(peak)
    own = 0.0
    own_peak = 0.0
    for i in range(a.members):
        o = os.path.join(work, "own", f"rep{i:02}")
        ms, peak = timed_peak(env_bin + ["build", os.path.join(team, f"rep{i:02}"), "-o", o])
        own += ms
        own_peak = max(own_peak, peak)
    used.append(os.path.join(work, "own"))
    for o in used:
        shutil.rmtree(o, ignore_errors=True)
    print(f"cold team build (each into a new folder): median {med(cold):.0f} ms, peak {med(peaks):.0f} MB; "
          f"the members' own cold builds one after another: {own:.0f} ms (largest peak {own_peak:.0f} MB); "
          f"ratio {med(cold) / own:.2f}x")


def serve(a, env_bin, team, out, note):
    shutil.rmtree(out, ignore_errors=True)
    server = subprocess.Popen(env_bin + ["team", "serve", team, "-o", out, "--port", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NO_COLOR": "1"})
    log, cond = [], threading.Condition()

    def collect():
        for line in server.stderr:
            with cond:
                log.append(line.rstrip("\n"))
                cond.notify_all()

    threading.Thread(target=collect, daemon=True).start()
    with cond:
        deadline = time.monotonic() + 300
        # the first build's line: "... written, N unchanged, N removed in N ms"
        while not any(re.search(r" written, \d+ unchanged, \d+ removed in \d+ ms", x) for x in log):
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("team serve did not start:\n" + "\n".join(log))
            cond.wait(1)
    original = open(note, encoding="utf-8").read()
    try:
        dash = os.path.join(out, "members", "rep-00", "index.html")
        grid = os.path.join(out, "index.html")
        for path in (dash, grid):
            if not os.path.exists(path):
                sys.exit(f"{path} not written by team serve")
        m = re.search(r"^mood: (\S+)$", original, re.M)
        if not m:
            sys.exit(f"{note} has no `mood:` to change")
        latencies = []
        for run in range(a.saves):
            mood = ("1", "5")[run % 2] if m.group(1) != "1" else ("5", "1")[run % 2]
            text = original[:m.start(1)] + mood + original[m.end(1):]
            before = inode(dash), inode(grid)
            tmp = os.path.join(os.path.dirname(note), f".{os.path.basename(note)}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.rename(tmp, note)
            start = time.perf_counter()
            done = [None, None]
            while None in done:
                now = time.perf_counter()
                if now - start > 30:
                    sys.exit("the pages did not change within 30 s:\n" + "\n".join(log[-10:]))
                for k, path in enumerate((dash, grid)):
                    if done[k] is None and inode(path) != before[k]:
                        done[k] = now
                time.sleep(0.0005)
            latencies.append((max(done) - start) * 1000)
            time.sleep(0.4)
        xs = sorted(latencies)
        print(f"team serve, save → member dashboard and team grid on disk ({a.saves} saves): "
              f"median {med(xs):.0f} ms, max {xs[-1]:.0f} ms")
        logged = [x for x in log if " ms;" in x][-3:]
        for x in logged:
            print(f"  saleslog logged: {x}")
    finally:
        server.terminate()
        server.wait()
        with open(note, "w", encoding="utf-8") as f:
            f.write(original)


if __name__ == "__main__":
    main()
