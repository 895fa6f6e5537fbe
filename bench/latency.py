#!/usr/bin/env python3
"""Save-to-page latency of `saleslog serve` on a 10-year journal.

    python3 bench/latency.py [--runs 30] [--days 3650] [--seed 1] [--gap 0.3] [--bin target/release/saleslog]

Generates a journal with ../shared/tools/gen-journal (GEN_JOURNAL overrides
the path), starts `saleslog --today <last note's date> serve JOURNAL -o OUT
--port 0`, waits for the first build, then --runs times saves the last note
the way editors do (a temporary file renamed over it) with a new number of
calls, and measures from the rename to the moment both the note's page and
the dashboard on disk carry the change (polled every 0.5 ms: pages are
written by rename, so a new inode means a new version). Prints the median,
p90 and max, and the rebuild times saleslog itself logged.

With --git the journal is first committed one note per commit
(bench/git_journal.py), and then --runs times a new note of the day is
saved and committed: from the end of `git commit` to the Data page written
anew (issue 18 aims at no more than 20 ms over a plain save).

It also prints the server's peak and resident memory after the saves.

Issue 16 aims at 50 ms or less at 10 years and 80 ms at 100, the 15 ms debounce included. This is a benchmark,
not a test: nothing here passes or fails.
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
REBUILD = re.compile(r" written, \d+ unchanged, \d+ removed in (\d+) ms")


def last_note(journal):
    """(journal-relative path, date) of the note with the latest dated name."""
    best = None
    for folder, _, files in os.walk(journal):
        for name in files:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}\.md", name):
                rel = os.path.relpath(os.path.join(folder, name), journal)
                if best is None or name > os.path.basename(best):
                    best = rel
    return best, os.path.basename(best)[:10]


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def status_kb(pid):
    """The server's peak and current resident memory (VmHWM, VmRSS), in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0])
    return fields


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--days", type=int, default=3650)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=BIN)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--gap", type=float, default=0.3,
                    help="seconds between one save's pages on disk and the next save (0.05: an editor "
                         "saving as you type; the rescan owed after a save waits for 0.5 s of quiet)")
    ap.add_argument("--git", action="store_true",
                    help="commit the journal one note per commit first, then also time commits while serving")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")

    work = tempfile.mkdtemp(prefix="saleslog-latency-")
    journal, out = os.path.join(work, "journal"), os.path.join(work, "out")
    subprocess.run([GEN, "--out", journal, "--days", str(args.days), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)
    if args.git:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import git_journal
        print(f"git: {git_journal.commit_history(journal)} commits, one note each")
    rel, today = last_note(journal)
    note = os.path.join(journal, rel)
    page = os.path.join(out, "notes", rel[:-3] + ".html")
    dashboard = os.path.join(out, "index.html")
    notes = sum(1 for _, _, fs in os.walk(journal) for f in fs if f.endswith(".md"))

    server = subprocess.Popen([args.bin, "--today", today, "serve", journal, "-o", out, "--port", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NO_COLOR": "1"})
    lines, cond = [], threading.Condition()

    def collect():
        for line in server.stderr:
            with cond:
                lines.append(line.rstrip("\n"))
                cond.notify_all()

    threading.Thread(target=collect, daemon=True).start()

    def wait_rebuild(after, timeout=120):
        """Index of the first rebuild line at or after `after`."""
        deadline = time.monotonic() + timeout
        with cond:
            while True:
                for i in range(after, len(lines)):
                    if REBUILD.search(lines[i]):
                        return i
                left = deadline - time.monotonic()
                if left <= 0 or server.poll() is not None:
                    sys.exit("no rebuild line; saleslog said:\n" + "\n".join(lines))
                cond.wait(left)

    try:
        first = wait_rebuild(0)
        print(f"journal: {notes} notes ({args.days} days, seed {args.seed}), as of {today}; note {rel}")
        print(f"first build: {lines[first]}")
        original = open(note, encoding="utf-8").read()
        match = re.search(r"^  calls: (\d+)$", original, re.M)
        if not match:
            sys.exit(f"{rel} has no `calls:` to change")
        latencies, build_ms = [], []
        for run in range(args.runs):
            calls = 9000 + run
            text = original[:match.start(1)] + str(calls) + original[match.end(1):]
            needle = f">{calls}<"
            before_page, before_dash = inode(page), inode(dashboard)
            mark = len(lines)
            tmp = os.path.join(os.path.dirname(note), f".{os.path.basename(note)}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.rename(tmp, note)
            start = time.perf_counter()
            page_done = dash_done = None
            while page_done is None or dash_done is None:
                now = time.perf_counter()
                if now - start > 30:
                    sys.exit("the pages did not change within 30 s; saleslog said:\n" + "\n".join(lines))
                if page_done is None and inode(page) != before_page:
                    try:
                        if needle in open(page, encoding="utf-8").read():
                            page_done = time.perf_counter()
                    except FileNotFoundError:
                        pass
                if dash_done is None and inode(dashboard) != before_dash:
                    dash_done = time.perf_counter()
                time.sleep(0.0005)
            latencies.append((max(page_done, dash_done) - start) * 1000)
            line = lines[wait_rebuild(mark)]
            build_ms.append(int(REBUILD.search(line).group(1)))
            time.sleep(args.gap)  # by default, let the server and the page cache settle between runs
        commit_latencies, commit_ms = [], []
        if args.git:
            # A new note of the day, saved (not committed: the Data page's
            # strip says so), then committed: from the commit's end to the
            # Data page written anew.
            home = tempfile.mkdtemp(prefix="git-home-")
            genv = {"PATH": os.environ.get("PATH", ""), "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_AUTHOR_NAME": "Rep", "GIT_AUTHOR_EMAIL": "rep@example.com",
                    "GIT_COMMITTER_NAME": "Rep", "GIT_COMMITTER_EMAIL": "rep@example.com",
                    "GIT_AUTHOR_DATE": f"{today}T19:00:00+0000", "GIT_COMMITTER_DATE": f"{today}T19:00:00+0000"}
            data = os.path.join(out, "data.html")
            for run in range(args.runs):
                mark = len(lines)
                extra = os.path.join(journal, "meetings", f"{today}-meeting-{run}.md")
                os.makedirs(os.path.dirname(extra), exist_ok=True)
                with open(extra, "w", encoding="utf-8") as f:
                    f.write(f"---\ndate: {today}\nactivity: {{meetings: 1}}\n---\nMeeting {run}.\n")
                wait_rebuild(mark)
                time.sleep(0.3)
                subprocess.run(["git", "add", "-A"], cwd=journal, env=genv, check=True)
                before = inode(data)
                mark = len(lines)
                subprocess.run(["git", "commit", "-q", "-m", f"meeting {run}"], cwd=journal, env=genv, check=True)
                start = time.perf_counter()
                while inode(data) == before:
                    if time.perf_counter() - start > 30:
                        sys.exit("the data page did not change within 30 s; saleslog said:\n" + "\n".join(lines))
                    time.sleep(0.0005)
                commit_latencies.append((time.perf_counter() - start) * 1000)
                line = lines[wait_rebuild(mark)]
                commit_ms.append(int(REBUILD.search(line).group(1)))
                time.sleep(0.3)
            shutil.rmtree(home, ignore_errors=True)
        memory = status_kb(server.pid)
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")

    def summary(xs):
        xs = sorted(xs)
        p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
        return f"median {statistics.median(xs):.0f} ms, p90 {p90:.0f} ms, max {xs[-1]:.0f} ms"

    print(f"save → note page and dashboard written ({args.runs} saves): {summary(latencies)}")
    print(f"rebuild as logged by saleslog (rescan + render + write):  {summary(build_ms)}")
    print(f"serve's memory after the saves: peak {memory['VmHWM'] / 1024:.0f} MB, "
          f"resident {memory['VmRSS'] / 1024:.0f} MB")
    if commit_latencies:
        print(f"commit → data page written ({args.runs} commits):          {summary(commit_latencies)}")
        print(f"rebuild after a commit as logged by saleslog:             {summary(commit_ms)}")


if __name__ == "__main__":
    main()
