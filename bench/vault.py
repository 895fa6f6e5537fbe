#!/usr/bin/env python3
"""A 10-year Obsidian vault against the same plain journal (issue 14).

    python3 bench/vault.py [--days 3650] [--seed 1] [--runs 9] [--bin target/release/saleslog]

Generates a journal with gen-journal (GEN_JOURNAL overrides its path) and
writes the same content twice:
- plain/: a plain saleslog journal, one note per day (a day's meeting notes
  are folded into its daily note: activity counts summed, deals,
  commitments, wins and help appended, the body after the day's own), so
  that both folders hold exactly the same notes;
- vault/: the same days as an Obsidian vault: `.obsidian/daily-notes.json`
  with folder `Daily` and format `YYYY/MM/YYYY-MM-DD`, mood, energy,
  activity counts, wins and help as Dataview inline fields (in the body and
  in a callout), deals and commitments as YAML properties, tasks with
  Obsidian Tasks' 📅/✅ emoji, plus what a vault also holds: a people page
  per counterpart, a templates folder, attachments.

Checks that `report --format json` is the same for both, then times it on
both, interleaved (--runs each), as of the latest note's date, and prints
the medians and their ratio (target: vault <= 1.2x plain). A benchmark,
not a test: nothing here passes or fails.
"""
import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from ruamel.yaml import YAML

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("GEN_JOURNAL") or next(
    (p for p in [os.path.join(ROOT, "..", "shared", "tools", "gen-journal"), "/work/shared/tools/gen-journal"]
     if os.path.exists(p)),
    "gen-journal",
)
BIN = os.path.join(ROOT, "target", "release", "saleslog")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(-.+)?\.md")
yaml = YAML()
yaml.width = 4096


def split(text):
    """(front matter dict, body) of a note."""
    if text.startswith("---\n"):
        end = text.index("\n---\n", 3)
        return yaml.load(text[4:end]) or {}, text[end + 5:]
    return {}, text


def dump(data):
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def as_list(v):
    if v is None:
        return []
    return list(v) if isinstance(v, list) else [v]


def merge(days):
    """Fold a day's notes (daily note first, in path order) into one."""
    fm, body = {}, []
    for front, text in days:
        for k, v in front.items():
            if k == "activity":
                act = fm.setdefault("activity", {})
                for name, n in (v or {}).items():
                    act[name] = act.get(name, 0) + (n or 0)
            elif k in ("deals", "commitments", "wins", "help", "tags"):
                fm[k] = as_list(fm.get(k)) + as_list(v)
            elif k not in fm:
                fm[k] = v
        body.append(text)
    return fm, "\n".join(body)


def obsidian_body(fm, body):
    """The vault's text of a day: fields inline, tasks with Tasks' emoji."""
    lines = []
    for key in ("mood", "energy"):
        if fm.get(key) is not None:
            lines.append(f"{key}:: {fm[key]}")
    for name, n in (fm.get("activity") or {}).items():
        if n is not None:
            lines.append(f"- {name}:: {n}")
    for w in as_list(fm.get("wins")):
        lines.append(f"> [!success] Win\n> wins:: {w}")
    for h in as_list(fm.get("help")):
        lines.append(f"help:: {h}")
    tasks = re.sub(r" due:(\d{4}-\d{2}-\d{2})", r" 📅 \1", body)
    tasks = re.sub(r" done:(\d{4}-\d{2}-\d{2})", r" ✅ \1", tasks)
    return "\n".join(lines) + "\n\n![[logo.png]]\n\n" + tasks


def convert(journal, plain, vault):
    shutil.copy(os.path.join(journal, "saleslog.yaml"), os.path.join(plain, "saleslog.yaml"))
    with open(os.path.join(journal, "saleslog.yaml")) as f:
        config = f.read()
    with open(os.path.join(vault, "saleslog.yaml"), "w") as f:
        f.write("dialect: obsidian\n" + config)
    os.makedirs(os.path.join(vault, ".obsidian"))
    with open(os.path.join(vault, ".obsidian", "daily-notes.json"), "w") as f:
        f.write('{"folder": "Daily", "format": "YYYY/MM/YYYY-MM-DD", "template": "Templates/Daily"}')
    with open(os.path.join(vault, ".obsidian", "app.json"), "w") as f:
        f.write('{"attachmentFolderPath": "attachments"}')
    os.makedirs(os.path.join(vault, "Templates"))
    with open(os.path.join(vault, "Templates", "Daily.md"), "w") as f:
        f.write("# {{date:dddd D MMMM YYYY}}\n\nmood:: \nenergy:: \n- calls:: \n")
    os.makedirs(os.path.join(vault, "attachments"))
    with open(os.path.join(vault, "attachments", "logo.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(4096))
    by_day = {}
    for folder, _, files in os.walk(journal):
        for name in files:
            m = DAY.fullmatch(name)
            if m:
                by_day.setdefault(m.group(1, 2, 3), []).append(os.path.join(folder, name))
    people = set()
    for (y, mo, d), paths in sorted(by_day.items()):
        days = []
        for p in sorted(paths, key=os.path.basename):
            with open(p) as f:
                days.append(split(f.read()))
        fm, body = merge(days)
        fm.pop("date", None)
        for c in as_list(fm.get("commitments")):
            if isinstance(c, dict) and c.get("to"):
                people.add(str(c["to"]))
        os.makedirs(os.path.join(plain, y, mo), exist_ok=True)
        with open(os.path.join(plain, y, mo, f"{y}-{mo}-{d}.md"), "w") as f:
            f.write(("---\n" + dump(fm) + "---\n" if fm else "") + body)
        props = {k: v for k, v in fm.items() if k in ("deals", "commitments", "tags", "off")}
        os.makedirs(os.path.join(vault, "Daily", y, mo), exist_ok=True)
        with open(os.path.join(vault, "Daily", y, mo, f"{y}-{mo}-{d}.md"), "w") as f:
            f.write(("---\n" + dump(props) + "---\n" if props else "") + obsidian_body(fm, body))
    os.makedirs(os.path.join(vault, "People"))
    for person in sorted(people):
        safe = re.sub(r"[\\/:*?\"<>|]", "-", person)
        with open(os.path.join(vault, "People", f"{safe}.md"), "w") as f:
            f.write(f"---\naliases: [{safe.split(' ')[0]}]\n---\n# {person}\n\n- [ ] not a daily note's task\n")
    return len(by_day), len(people)


def latest(plain):
    names = [n for _, _, files in os.walk(plain) for n in files if DAY.fullmatch(n)]
    return max(names)[:10]


def report(bin_, folder, today):
    p = subprocess.run([bin_, "--today", today, "report", "--format", "json", folder], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"report {folder}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def timed(bin_, folder, today):
    start = time.perf_counter()
    report(bin_, folder, today)
    return (time.perf_counter() - start) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=3650)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--bin", default=BIN)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        journal, plain, vault = (os.path.join(tmp, n) for n in ("journal", "plain", "vault"))
        os.makedirs(plain)
        os.makedirs(vault)
        subprocess.run([GEN, "--out", journal, "--days", str(args.days), "--seed", str(args.seed), "--layout", "years"],
                       check=True, stdout=subprocess.DEVNULL)
        days, people = convert(journal, plain, vault)
        today = latest(plain)
        same = report(args.bin, plain, today) == report(args.bin, vault, today)
        print(f"{days} daily notes, {people} people pages, as of {today}; "
              f"report --format json {'identical' if same else 'DIFFERS'} for plain and vault")
        plain_ms, vault_ms = [], []
        for _ in range(args.runs):
            plain_ms.append(timed(args.bin, plain, today))
            vault_ms.append(timed(args.bin, vault, today))
        p, v = statistics.median(plain_ms), statistics.median(vault_ms)
        print(f"report --format json, median of {args.runs}: plain {p:.0f} ms, vault {v:.0f} ms, ratio {v / p:.2f}x")


if __name__ == "__main__":
    main()
