#!/usr/bin/env python3
"""Give a journal folder a realistic git history (SPEC §8 test material).

    python3 tools/oracle/git_history.py SRC REPO --seed 7

Copies the notes of SRC (e.g. a gen-journal folder) into a new repository
REPO one commit at a time, as a rep would: most notes committed on their
day, some the next day, some backfilled days later, at hours near midnight
in several time-zone offsets; some notes later edited (facts moved long
after, facts fixed within days, prose only), a few deleted, a few moved
into another folder, and a side branch merged with --no-ff. Authors,
committers and dates come from the environment of each git call: no
machine configuration is read (HOME is a temporary folder).
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import tempfile

OFFSETS = ["+0000", "-0800", "+0530", "+1300", "-0500", "+0100"]


def env_for(home, stamp):
    return {"PATH": os.environ.get("PATH", ""), "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Rep", "GIT_AUTHOR_EMAIL": "rep@example.com",
            "GIT_COMMITTER_NAME": "Rep", "GIT_COMMITTER_EMAIL": "rep@example.com",
            "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def stamp_of(date, days, rng):
    """A `@epoch offset` author date: `days` after `date`, at a local hour in
    a random offset (late evening often, to land near midnight)."""
    off = rng.choice(OFFSETS)
    hour = rng.choice([8, 12, 17, 22, 23, 23, 0, 1])
    minute = rng.randint(0, 59)
    local = dt.datetime.combine(date + dt.timedelta(days=days), dt.time(hour, minute))
    sign = 1 if off[0] == "+" else -1
    delta = dt.timedelta(hours=int(off[1:3]), minutes=int(off[3:5])) * sign
    epoch = int((local - delta).replace(tzinfo=dt.timezone.utc).timestamp())
    return epoch, f"@{epoch} {off}"


def notes_of(src):
    out = []
    for dirpath, _, files in os.walk(src):
        for f in files:
            m = re.match(r"(\d{4}-\d{2}-\d{2})", f)
            if f.endswith(".md") and m:
                rel = os.path.relpath(os.path.join(dirpath, f), src).replace(os.sep, "/")
                out.append((dt.date.fromisoformat(m.group(1)), rel))
    return sorted(out)


def edit_facts(text, rng):
    """Change one fact: a due date, an amount or the mood."""
    m = re.search(r"due: (\d{4}-\d{2}-\d{2})", text)
    if m and rng.random() < 0.5:
        d = dt.date.fromisoformat(m.group(1)) + dt.timedelta(days=rng.randint(3, 12))
        return text[:m.start(1)] + d.isoformat() + text[m.end(1):]
    m = re.search(r"amount: (\d+)", text)
    if m and rng.random() < 0.5:
        return text[:m.start(1)] + str(int(m.group(1)) + 5000) + text[m.end(1):]
    m = re.search(r"^mood: (\d)", text, re.M)
    if m:
        return text[:m.start(1)] + str(int(m.group(1)) % 5 + 1) + text[m.end(1):]
    return text.replace("---\n", "---\nmood: 3\n", 1)


def build(src, repo, seed):
    rng = random.Random(seed)
    home = tempfile.mkdtemp(prefix="git-home-")
    os.makedirs(repo)
    if os.path.exists(os.path.join(src, "saleslog.yaml")):
        shutil.copy(os.path.join(src, "saleslog.yaml"), os.path.join(repo, "saleslog.yaml"))

    def git(*args, stamp="@0 +0000"):
        subprocess.run(["git", *args], cwd=repo, env=env_for(home, stamp), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    git("init", "-q", "-b", "main")
    events = []  # (epoch, order, stamp, kind, rel)
    for i, (date, rel) in enumerate(notes_of(src)):
        lag = rng.choice([0] * 14 + [1] * 3 + [2, 3, 5, 9])
        e, s = stamp_of(date, lag, rng)
        events.append((e, i, s, "add", rel))
        r = rng.random()
        if r < 0.06:
            e, s = stamp_of(date, lag + rng.randint(8, 20), rng)
            events.append((e, i, s, "facts", rel))
        elif r < 0.10:
            e, s = stamp_of(date, lag + rng.randint(1, 4), rng)
            events.append((e, i, s, "facts", rel))
        elif r < 0.16:
            e, s = stamp_of(date, lag + rng.randint(8, 30), rng)
            events.append((e, i, s, "prose", rel))
        elif r < 0.18:
            e, s = stamp_of(date, lag + rng.randint(8, 30), rng)
            events.append((e, i, s, "delete", rel))
        elif r < 0.21:
            e, s = stamp_of(date, lag + rng.randint(1, 30), rng)
            events.append((e, i, s, "move", rel))
    events.sort()
    where = {}  # original rel -> current rel (None when deleted)
    side_at = len(events) // 3
    side, back = range(side_at, side_at + 6), side_at + 9
    for k, (epoch, _, stamp, kind, rel) in enumerate(events):
        if k == side.start:
            git("checkout", "-q", "-b", "side")
        if k == side.stop:
            git("checkout", "-q", "main")
        if k == back:
            git("merge", "-q", "--no-ff", "--no-edit", "side", stamp=stamp)
        cur = where.get(rel, rel)
        path = os.path.join(repo, cur) if cur else None
        if kind == "add":
            os.makedirs(os.path.dirname(os.path.join(repo, rel)), exist_ok=True)
            shutil.copy(os.path.join(src, rel), os.path.join(repo, rel))
        elif cur is None or not os.path.exists(path):
            continue  # deleted, or on the other branch
        elif kind == "facts":
            with open(path, encoding="utf-8") as f:
                text = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(edit_facts(text, rng))
        elif kind == "prose":
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nAdded afterwards: a line of prose.\n")
        elif kind == "delete":
            os.remove(path)
            where[rel] = None
        elif kind == "move":
            new = "moved/" + cur
            os.makedirs(os.path.dirname(os.path.join(repo, new)), exist_ok=True)
            os.rename(path, os.path.join(repo, new))
            where[rel] = new
        git("add", "-A")
        git("commit", "-q", "--allow-empty", "-m", f"{kind} {rel}", stamp=stamp)
    shutil.rmtree(home, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("repo")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    build(a.src, a.repo, a.seed)


if __name__ == "__main__":
    main()
