#!/usr/bin/env python3
"""Time saleslog against the raw floor, side by side, on generated journals.

    python3 bench/bench.py [--sizes 3650,36500] [--runs 7] [--team 4] [--git]

Generates the journals with ../shared/tools/gen-journal (cached in
/tmp/saleslog-bench unless --journals says otherwise), builds the release
binary and the floor program (examples/floor.rs), then runs, interleaved
(one run of each in turn, the order rotated every round, so machine load
affects all alike):

  - the floor (2 threads) and `build`, each into an EMPTY output folder
    (removed before every run, outside the timing): like for like, the
    cold-build ratio the performance issues track;
  - with --fresh, each cold run writes into a folder never used before,
    and every one is removed only after the last round (see below);
  - `build` into the output folder of its previous run (warm: most pages
    unchanged and not written again). A separate row, compared with
    nothing: it does less work than the floor;
  - `report --format json`;
  - with --team N, `team build` (cold) of a team of N copies of the journal
    (N journals from different seeds), beside N floors run one after the
    other;
  - with --baseline BIN, the same builds and report by another binary
    (the one before a change), in the same rounds;
  - with --git, `report` on a copy of the journal committed one note per
    commit (bench/git_journal.py).

Why --fresh: on an ext4 file system without a journal (this project's
build machine: /proc/fs/jbd2 is empty), creating a file skips every inode
of its group deleted in the last seconds (the kernel's `recently_deleted`
check), so a run right after `rm -rf` of thousands of pages pays a scan
per file that grows with what was just deleted: a cost of the bench, not
of the tool, and larger for the one that writes more files. --fresh takes
the deletions out of the timed window; both protocols are like for like.

and prints the median wall time, the peak memory (max RSS, from
/usr/bin/time -v), for cold builds the ratio to the cold floor, and the
median CPU seconds (user + system, from /usr/bin/time -v) with their
ratio to the floor's: the wall-time ratio moves with the machine (how
fast the kernel creates files, how busy the other core is), the CPU
ratio much less. Medians
over --runs runs of one invocation; nothing here is a test. The
incremental rebuild is measured by `cargo bench` (benches/pipeline.rs) and
the save-to-page latency of `serve` by bench/latency.py.
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


def run(cmds):
    """Wall seconds of running `cmds` one after the other, the largest max
    RSS (KB) among them, and the CPU seconds (user + system) they took."""
    start = time.perf_counter()
    rss, cpu = 0, 0.0
    for cmd in cmds:
        if os.path.exists(TIME):
            p = subprocess.run([TIME, "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for line in p.stderr.splitlines():
                if "Maximum resident set size" in line:
                    rss = max(rss, int(line.rsplit(":", 1)[1]))
                elif "User time (seconds)" in line or "System time (seconds)" in line:
                    cpu += float(line.rsplit(":", 1)[1])
        else:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p.returncode not in (0, 1):
            sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return time.perf_counter() - start, rss, cpu


def last_date(journal):
    dates = []
    for base, _, files in os.walk(journal):
        dates += [f[:10] for f in files if f.endswith(".md") and f[:4].isdigit()]
    return max(dates)


def journal_of(folder, days, seed):
    if not os.path.isdir(folder):
        subprocess.run([sys.executable, GEN, "--out", folder, "--days", str(days), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3650,36500", help="journal sizes in days")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--journals", default="/tmp/saleslog-bench")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--bin", default=BIN, help="the saleslog binary to time (implies --no-build)")
    ap.add_argument("--baseline", help="another saleslog binary (an earlier build) timed in the same rounds")
    ap.add_argument("--floor", default=FLOOR,
                    help="the floor binary (implies --no-build; build it with the same profile as --bin)")
    ap.add_argument("--team", type=int, default=0, help="also time `team build` of N journals of each size")
    ap.add_argument("--fresh", action="store_true",
                    help="cold runs into never-used folders, all removed after the last round")
    ap.add_argument("--git", action="store_true",
                    help="also time `report` on a copy committed one note per commit (SPEC §8's history read)")
    a = ap.parse_args()
    binary = a.bin
    if not a.no_build and binary == BIN and a.floor == FLOOR:
        subprocess.run(["cargo", "build", "--release", "--bin", "saleslog", "--example", "floor"], cwd=ROOT, check=True)
    os.makedirs(a.journals, exist_ok=True)
    how = "a new folder each run, all removed at the end" if a.fresh else "removed before each run, untimed"
    print(f"cold = into an empty output folder ({how}); "
          f"medians of {a.runs} interleaved runs; × floor = cold work / cold floor")
    print(f"{'journal':>8} {'work':<40} {'median':>9} {'max RSS':>9} {'× floor':>8} {'CPU':>9} {'× floor':>8}")
    for days in [int(d) for d in a.sizes.split(",")]:
        journal = journal_of(os.path.join(a.journals, f"j{days}"), days, 1)
        today = last_date(journal)
        out = {k: os.path.join(a.journals, f"{k}{days}") for k in ("floor", "cold", "warm", "teamfloor", "team")}
        # name: (commands, output folder emptied before each run or None, compared with the floor?)
        work = {
            "floor, 2 threads, cold": ([[a.floor, journal, out["floor"], "2"]], out["floor"], True),
            "build, cold": ([[binary, "--today", today, "build", journal, "-o", out["cold"]]], out["cold"], True),
            "build, warm (output of the last run)":
                ([[binary, "--today", today, "build", journal, "-o", out["warm"]]], None, False),
            "report --format json": ([[binary, "--today", today, "report", "--format", "json", journal]], None, False),
        }
        if a.baseline:
            base = os.path.join(a.journals, f"base{days}")
            work["baseline: build, cold"] = (
                [[a.baseline, "--today", today, "build", journal, "-o", base]], base, True)
            work["baseline: build, warm"] = (
                [[a.baseline, "--today", today, "build", journal, "-o", base + "w"]], None, False)
            work["baseline: report --format json"] = (
                [[a.baseline, "--today", today, "report", "--format", "json", journal]], None, False)
        if a.team:
            team = os.path.join(a.journals, f"team{days}x{a.team}")
            members = [journal] + [journal_of(os.path.join(a.journals, f"j{days}s{s}"), days, s)
                                   for s in range(2, a.team + 1)]
            os.makedirs(team, exist_ok=True)
            with open(os.path.join(team, "team.yaml"), "w") as f:
                f.write("name: Bench team\nmembers:\n")
                for i, m in enumerate(members):
                    f.write(f"  - {{name: Rep {i + 1}, journal: {m}}}\n")
            work[f"floor ×{a.team} journals, cold"] = (
                [[a.floor, m, os.path.join(out["teamfloor"], str(i)), "2"] for i, m in enumerate(members)],
                out["teamfloor"], True)
            work[f"team build ({a.team} journals), cold"] = (
                [[binary, "--today", today, "team", "build", team, "-o", out["team"]]], out["team"], True)
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
            work[f"report, git ({commits} commits)"] = (
                [[binary, "--today", today, "report", "--format", "json", repo]], None, False)
        # Warm the page cache (and the warm build's output folder) once.
        for cmds, _, _ in work.values():
            run(cmds)
        times = {k: [] for k in work}
        cpus = {k: [] for k in work}
        rss = {k: 0 for k in work}
        names = list(work)
        used = []
        for r in range(a.runs):
            for name in names[r % len(names):] + names[:r % len(names)]:
                cmds, empty, _ = work[name]
                if empty and a.fresh:
                    fresh = f"{empty}.fresh{r}"
                    shutil.rmtree(fresh, ignore_errors=True)
                    # The output folder and the paths under it, not a
                    # sibling that shares its prefix (`team3650x4`, the
                    # team journal beside the `team3650` output).
                    cmds = [[fresh + arg[len(empty):] if arg == empty or arg.startswith(empty + os.sep) else arg
                             for arg in cmd] for cmd in cmds]
                    used.append(fresh)
                elif empty:
                    shutil.rmtree(empty, ignore_errors=True)
                wall, kb, cpu = run(cmds)
                times[name].append(wall)
                cpus[name].append(cpu)
                rss[name] = max(rss[name], kb)
        for folder in used:
            shutil.rmtree(folder, ignore_errors=True)
        floor_of = {"": "floor, 2 threads, cold", "team": f"floor ×{a.team} journals, cold"}
        floors = {k: (statistics.median(times[n]), statistics.median(cpus[n])) for k, n in floor_of.items()
                  if n in times}
        for name in names:
            m, c = statistics.median(times[name]), statistics.median(cpus[name])
            floor, floor_cpu = floors["team"] if name.startswith("team") else floors[""]
            compared = work[name][2]
            ratio = f"{m / floor:>7.2f}×" if compared else f"{'—':>8}"
            cpu_ratio = f"{c / floor_cpu:>7.2f}×" if compared and floor_cpu > 0 else f"{'—':>8}"
            print(f"{days:>8} {name:<40} {m * 1000:>7.0f}ms {rss[name] / 1024:>7.0f}MB {ratio} "
                  f"{c * 1000:>7.0f}ms {cpu_ratio}", flush=True)


if __name__ == "__main__":
    main()
