#!/usr/bin/env python3
"""Give a journal folder a git history, one note per commit (for benchmarks).

    python3 bench/git_journal.py JOURNAL

Commits every note of JOURNAL (in place) in date order, each in its own
commit authored on its date at 18:00 UTC (every 10th one two days later),
with `git fast-import`: a 10-year journal (~2,700 notes) takes a second or
two. Identity and dates are in the stream; no git configuration is read
(HOME is a temporary folder).
"""
import os
import re
import subprocess
import sys
import tempfile
import datetime as dt


def env(home):
    return {"PATH": os.environ.get("PATH", ""), "HOME": home, "GIT_CONFIG_NOSYSTEM": "1"}


def commit_history(journal):
    """Turn `journal` into a repository; returns the number of commits."""
    notes = []
    for base, _, files in os.walk(journal):
        for f in files:
            m = re.match(r"(\d{4}-\d{2}-\d{2})", f)
            if f.endswith(".md") and m:
                rel = os.path.relpath(os.path.join(base, f), journal).replace(os.sep, "/")
                notes.append((m.group(1), rel))
    notes.sort()
    home = tempfile.mkdtemp(prefix="git-home-")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=journal, env=env(home), check=True)
    stream = bytearray()
    first = True
    for i, (date, rel) in enumerate(notes):
        day = dt.datetime.fromisoformat(date).replace(tzinfo=dt.timezone.utc)
        when = int((day + dt.timedelta(hours=18 + (48 if i % 10 == 0 else 0))).timestamp())
        stream += (f"commit refs/heads/main\nauthor Rep <rep@example.com> {when} +0000\n"
                   f"committer Rep <rep@example.com> {when} +0000\ndata {len(date)}\n{date}\n").encode()
        if first and os.path.exists(os.path.join(journal, "saleslog.yaml")):
            cfg = open(os.path.join(journal, "saleslog.yaml"), "rb").read()
            stream += f"M 100644 inline saleslog.yaml\ndata {len(cfg)}\n".encode() + cfg + b"\n"
        first = False
        data = open(os.path.join(journal, rel), "rb").read()
        stream += f"M 100644 inline {rel}\ndata {len(data)}\n".encode() + data + b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=journal, env=env(home), input=bytes(stream), check=True)
    # The files are there already: only the index needs to know them.
    subprocess.run(["git", "reset", "-q"], cwd=journal, env=env(home), check=True)
    return len(notes)


if __name__ == "__main__":
    print(f"{commit_history(sys.argv[1])} commits")
