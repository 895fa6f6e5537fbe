#!/usr/bin/env python3
"""Cross-check `saleslog report --format json` against the Python oracle.

    python3 tools/oracle/compare.py --journal /tmp/j --dates 2017-03-15,2018-01-01 \
        [--bin target/release/saleslog] [--cmd '... {today} ... {journal}']
    python3 tools/oracle/compare.py --gen 1,2,3 --days 400 [--dates-per-seed 12]
    python3 tools/oracle/compare.py --gen 4 --days 200 --git    # with a git history (SPEC §8)

Prints every difference field by field (ints and strings equal, floats within
1e-9 relative, nulls equal); keys the binary adds beyond the oracle's are
allowed (SPEC §7: "Keys may be added"). Exit 0 when everything agrees, 1 on
any difference.
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "oracle.py")
# gen-journal lives in the workplace's shared/ folder, beside the repository.
GEN = os.environ.get("GEN_JOURNAL") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "tools", "gen-journal")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    out = None
    if p.returncode == 0:
        try:
            out = json.loads(p.stdout)
        except ValueError as e:
            out = f"<invalid JSON: {e}>"
    return p.returncode, out, p.stderr


def num_eq(a, b):
    if a == b:
        return True
    if isinstance(a, int) and isinstance(b, int):
        return False  # ints must be equal
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or abs(a - b) <= 1e-12


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def diff(expected, got, path, out):
    if is_num(expected) and is_num(got):
        if not num_eq(expected, got):
            out.append(f"{path}: oracle {expected!r} != bin {got!r}")
    elif isinstance(expected, dict) and isinstance(got, dict):
        for k in expected:
            if k not in got:
                out.append(f"{path}.{k}: missing in bin (oracle {expected[k]!r})")
            else:
                diff(expected[k], got[k], f"{path}.{k}", out)
    elif isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            out.append(f"{path}: oracle has {len(expected)} items, bin {len(got)}")
        for i, (e, g) in enumerate(zip(expected, got)):
            diff(e, g, f"{path}[{i}]", out)
    elif isinstance(expected, (dict, list)) or isinstance(got, (dict, list)):
        out.append(f"{path}: oracle has a {type(expected).__name__}, bin {str(got)[:200]!r}")
    elif type(expected) is not type(got) or expected != got:
        out.append(f"{path}: oracle {expected!r} != bin {got!r}")


def compare_one(journal, today, bin_cmd, verbose):
    ocmd = [sys.executable, ORACLE, journal, "--today", today]
    bcmd = [a.format(today=today, journal=journal) for a in bin_cmd]
    orc, oout, oerr = run(ocmd)
    brc, bout, berr = run(bcmd)
    problems = []
    if orc != brc:
        problems.append(f"exit code: oracle {orc} != bin {brc}")
        if orc not in (0,):
            problems.append(f"  oracle stderr: {oerr.strip()[:500]}")
        if brc not in (0,):
            problems.append(f"  bin stderr: {berr.strip()[:500]}")
    elif orc == 0:
        diff(oout, bout, "$", problems)
    label = f"{journal} --today {today}"
    if problems:
        print(f"DIFF {label}")
        for p in problems:
            print(f"  {p}")
    elif verbose:
        print(f"ok   {label}")
    return not problems


def journal_dates(journal):
    """Dates of the .md files' names in a generated journal (cheap, good enough for picking)."""
    ds = []
    for dirpath, _, files in os.walk(journal):
        for f in files:
            if f.endswith(".md") and len(f) >= 13:
                try:
                    ds.append(dt.date.fromisoformat(f[:10]))
                except ValueError:
                    pass
    return sorted(set(ds))


def pick_dates(journal, rng, n):
    ds = journal_dates(journal)
    if not ds:
        return [dt.date.today().isoformat()]
    first, last = ds[0], ds[-1]
    span = (last - first).days
    picks = {first, last, first - dt.timedelta(days=1), first + dt.timedelta(days=1),
             last + dt.timedelta(days=1), last + dt.timedelta(days=40)}
    # weekends inside the journal (a Saturday and a Sunday)
    for _ in range(2):
        d = first + dt.timedelta(days=rng.randint(0, max(span, 0)))
        sat = d + dt.timedelta(days=(5 - d.weekday()) % 7)
        picks.add(sat)
        picks.add(sat + dt.timedelta(days=1))
    # a quarter end and a quarter start inside the journal, and a Monday
    mid = first + dt.timedelta(days=span // 2)
    qs = mid.replace(month=(mid.month - 1) // 3 * 3 + 1, day=1)
    picks.add(qs)
    picks.add(qs - dt.timedelta(days=1))
    picks.add(mid - dt.timedelta(days=mid.weekday()))
    # Random dates; a short journal has few distinct ones, so look a little
    # around it too and stop after a bounded number of tries.
    for _ in range(50 * (n + 11)):
        if len(picks) >= n + 11:
            break
        picks.add(first + dt.timedelta(days=rng.randint(-14, max(span, 0) + 30)))
    return sorted(d.isoformat() for d in picks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--journal", help="journal folder (with --dates)")
    ap.add_argument("--dates", help="comma-separated YYYY-MM-DD list")
    ap.add_argument("--bin", default="target/release/saleslog")
    ap.add_argument("--cmd", help="full command with {today} and {journal} placeholders "
                                  "(default: BIN report --format json --today {today} {journal})")
    ap.add_argument("--gen", help="comma-separated seeds: generate journals with gen-journal")
    ap.add_argument("--days", type=int, default=400)
    ap.add_argument("--layout", default=None, choices=["flat", "years"])
    ap.add_argument("--dates-per-seed", type=int, default=8, help="random dates besides the fixed picks")
    ap.add_argument("--keep", action="store_true", help="keep generated journals")
    ap.add_argument("--git", action="store_true",
                    help="give each generated journal a git history (git_history.py) first (SPEC §8)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    if a.cmd:
        bin_cmd = shlex.split(a.cmd)
    else:
        bin_cmd = [a.bin, "report", "--format", "json", "--today", "{today}", "{journal}"]
    # `--today` before the subcommand is the SPEC §5 form; both are accepted by the spec's CLI
    total = bad = 0
    jobs = []
    if a.journal:
        if a.dates:
            dates = a.dates.split(",")
        else:
            dates = pick_dates(a.journal, random.Random(0), a.dates_per_seed)
        jobs.append((a.journal, dates))
    tmp = None
    if a.gen:
        tmp = tempfile.mkdtemp(prefix="saleslog-oracle-")
        for seed in a.gen.split(","):
            out = os.path.join(tmp, f"seed{seed}")
            cmd = [GEN, "--out", out, "--days", str(a.days), "--seed", seed]
            if a.layout:
                cmd += ["--layout", a.layout]
            subprocess.run(cmd, check=True, capture_output=True)
            if a.git:
                sys.path.insert(0, HERE)
                import git_history
                repo = out + "-git"
                git_history.build(out, repo, int(seed))
                out = repo
            jobs.append((out, pick_dates(out, random.Random(int(seed)), a.dates_per_seed)))
    if not jobs:
        ap.error("give --journal (and --dates) or --gen")
    for journal, dates in jobs:
        for d in dates:
            total += 1
            if not compare_one(journal, d, bin_cmd, a.verbose):
                bad += 1
    print(f"{total - bad} agreed, {bad} differed")
    if tmp and not a.keep:
        subprocess.run(["rm", "-rf", tmp])
    elif tmp:
        print(f"journals kept in {tmp}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
