#!/usr/bin/env python3
"""Cross-check `saleslog team report --format json` against team.py (SPEC §10).

    python3 tools/oracle/compare_team.py --seeds 41,42,43 --days 200 --bin target/release/saleslog

Builds teams of generated journals (gen-journal, one seed per member) in
several shapes — subfolders without team.yaml, team.yaml with a team quota,
a broken member configuration, a missing member folder, two members with one
slug, a broken team.yaml — and compares the binary's JSON with the oracle's
at a few dates each, field by field (compare.py's rules). Prints
"N agreed, M differed"; exit 1 on any difference.
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402

TEAM = os.path.join(HERE, "team.py")


def rename(journal, name):
    """Set (or, with None, remove) the `name:` of a generated saleslog.yaml."""
    path = os.path.join(journal, "saleslog.yaml")
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"^name:.*\n", "" if name is None else f"name: {name}\n", text, count=1, flags=re.M)
    open(path, "w", encoding="utf-8").write(text)


def teams(tmp, seeds, days):
    """(label, team folder) for every shape."""
    gen = []
    for i, seed in enumerate(seeds):
        out = os.path.join(tmp, "journals", f"rep{i}")
        subprocess.run([compare.GEN, "--out", out, "--days", str(days), "--seed", str(seed)],
                       check=True, capture_output=True)
        gen.append(out)
    names = ["Alex Rivera", "Sam Lee", "Noor Haddad", "Kim Ortiz", "Ola Berg"]

    def copy(team, i, sub, name="keep"):
        dst = os.path.join(team, sub)
        shutil.copytree(gen[i], dst)
        if name != "keep":
            rename(dst, name)
        return dst

    shapes = []
    # 1. No team.yaml: the subfolders with a saleslog.yaml, in folder order;
    #    one without `name:` (named by its folder), one folder that is no journal.
    t = os.path.join(tmp, "subfolders")
    for i in range(len(gen)):
        copy(t, i, f"{chr(ord('c') - i)}-rep", None if i == 1 else names[i])
    os.makedirs(os.path.join(t, "notes-not-a-journal"))
    shapes.append(("subfolders", t))
    # 2. team.yaml with a team quota, members elsewhere (../), names given.
    t = os.path.join(tmp, "quota")
    os.makedirs(t)
    lines = ["name: West region", "members:"]
    for i in range(len(gen)):
        copy(os.path.join(tmp, "clones"), i, f"m{i}")
        lines.append(f"  - {{name: {names[i]}, journal: ../clones/m{i}}}")
    lines.append("quota: {amount: 900000, period: quarter}")
    open(os.path.join(t, "team.yaml"), "w").write("\n".join(lines) + "\n")
    shapes.append(("team.yaml + quota", t))
    # 3. A broken member configuration and a missing member folder; a monthly
    #    team quota; a member without a name in team.yaml.
    t = os.path.join(tmp, "broken")
    for i in range(len(gen)):
        copy(t, i, f"m{i}", "keep")
    with open(os.path.join(t, "m1", "saleslog.yaml"), "a") as f:
        f.write("attitude: {scale: many}\n")
    open(os.path.join(t, "team.yaml"), "w").write(
        "name: East\nmembers:\n"
        + "".join(f"  - {{name: {names[i]}, journal: m{i}}}\n" for i in range(1, len(gen)))
        + "  - {journal: m0}\n  - {name: Gone Rep, journal: gone}\n"
        + "quota: {amount: 250000, period: month}\n")
    shapes.append(("broken member + missing folder", t))
    # 4. Two members whose names have one slug (exit 2).
    t = os.path.join(tmp, "slugs")
    copy(t, 0, "a", "keep")
    copy(t, 1, "b", "keep")
    open(os.path.join(t, "team.yaml"), "w").write(
        "members:\n  - {name: Sam Lee, journal: a}\n  - {name: sam-lee, journal: b}\n")
    shapes.append(("one slug", t))
    # 5. Without team.yaml, every generated rep is "Alex Rivera": one slug (exit 2).
    t = os.path.join(tmp, "same-names")
    copy(t, 0, "x")
    copy(t, 1, "y")
    shapes.append(("subfolders, one slug", t))
    return shapes, gen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="41,42,43")
    ap.add_argument("--days", type=int, default=200)
    ap.add_argument("--dates", type=int, default=2, help="random dates per team besides the last note's")
    ap.add_argument("--bin", default="target/release/saleslog")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    tmp = tempfile.mkdtemp(prefix="saleslog-team-oracle-")
    shapes, gen = teams(tmp, seeds, a.days)
    ds = compare.journal_dates(gen[0])
    rng = random.Random(seeds[0])
    dates = {ds[-1], ds[-1] + dt.timedelta(days=3)}
    while len(dates) < a.dates + 2:
        dates.add(ds[0] + dt.timedelta(days=rng.randint(20, max((ds[-1] - ds[0]).days, 21))))
    total = bad = 0
    for label, team in shapes:
        for d in sorted(x.isoformat() for x in dates):
            total += 1
            o = subprocess.run([sys.executable, TEAM, team, "--today", d], capture_output=True, text=True)
            b = subprocess.run([a.bin, "--today", d, "team", "report", "--format", "json", team],
                               capture_output=True, text=True)
            problems = []
            if o.returncode != b.returncode:
                problems.append(f"exit code: oracle {o.returncode} != bin {b.returncode}")
                problems.append(f"  oracle stderr: {o.stderr.strip()[:300]}")
                problems.append(f"  bin stderr: {b.stderr.strip()[:300]}")
            elif o.returncode != 2:
                import json
                try:
                    oj, bj = json.loads(o.stdout), json.loads(b.stdout)
                except ValueError as e:
                    problems.append(f"invalid JSON: {e}: {b.stdout[:200]!r}")
                else:
                    # An error's wording is the implementation's; §10 fixes that it is set.
                    for m in oj["members"] + bj["members"]:
                        if m.get("error") is not None:
                            m["error"] = "<set>"
                    compare.diff(oj, bj, "$", problems)
            if problems:
                bad += 1
                print(f"DIFF {label} --today {d}")
                for p in problems[:40]:
                    print(f"  {p}")
            elif a.verbose:
                print(f"ok   {label} --today {d} (exit {o.returncode})")
    print(f"{total - bad} agreed, {bad} differed")
    if a.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
