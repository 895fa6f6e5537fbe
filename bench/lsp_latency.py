#!/usr/bin/env python3
"""Keystroke-to-diagnostics latency of `saleslog lsp` on a 10-year journal.

    python3 bench/lsp_latency.py [--runs 200] [--days 3650] [--seed 1] [--bin target/release/saleslog]
                                 [--journal DIR]

Generates a journal with ../shared/tools/gen-journal (GEN_JOURNAL overrides
the path), or uses --journal DIR as it is (the server writes nothing), starts `saleslog --today <last note's date> lsp JOURNAL`,
initializes it, opens the last note, then --runs times sends a
`textDocument/didChange` (an incremental edit of one character of the
mood, alternating between a valid and an out-of-range one) and measures
from the write of the message to the arrival of the
`textDocument/publishDiagnostics` of that version. Also times the first
publish after `didOpen` (the journal was loaded before, at `initialize`).
Prints the median, p90 and max.

Issue 15 aims at 50 ms or less. This is a benchmark, not a test: nothing
here passes or fails.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.environ.get("GEN_JOURNAL") or os.path.join(ROOT, "..", "shared", "tools", "gen-journal")
BIN = os.path.join(ROOT, "target", "release", "saleslog")


def last_note(journal):
    best = None
    for folder, _, files in os.walk(journal):
        for name in files:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}\.md", name):
                key = (name, os.path.join(folder, name))
                best = max(best, key) if best else key
    return best[1], best[0][:10]


class Server:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version):
        while True:
            m = self.recv()
            p = m.get("params") or {}
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri:
                if version is None or p.get("version") == version:
                    return p["diagnostics"]


def summary(name, ms):
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"{name}: median {statistics.median(ms):.2f} ms, p90 {p90:.2f} ms, max {ms[-1]:.2f} ms ({len(ms)} runs)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--days", type=int, default=3650)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=BIN)
    ap.add_argument("--journal", help="an existing journal, instead of a generated one")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        journal = a.journal or os.path.join(tmp, "journal")
        if not a.journal:
            subprocess.run([GEN, "--out", journal, "--days", str(a.days), "--seed", str(a.seed)], check=True,
                           stdout=subprocess.DEVNULL)
        journal = os.path.realpath(journal)
        path, today = last_note(journal)
        text = open(path, encoding="utf-8").read()
        if "\nmood: " not in text:
            text = text.replace("---\n", "---\nmood: 3\n", 1)
        lines = text.split("\n")
        line = next(i for i, l in enumerate(lines) if l.startswith("mood: "))
        uri = "file://" + path
        notes = sum(1 for _, _, fs in os.walk(journal) for f in fs if f.endswith(".md"))
        print(f"{notes} notes, last {os.path.relpath(path, journal)}, as of {today}")

        s = Server([a.bin, "--today", today, "lsp", journal])
        t = time.perf_counter()
        s.request("initialize", {"capabilities": {}, "rootUri": "file://" + journal})
        print(f"initialize (the journal loaded): {(time.perf_counter() - t) * 1000:.1f} ms")
        s.notify("initialized", {})
        t = time.perf_counter()
        s.notify("textDocument/didOpen",
                 {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        s.diagnostics(uri, 1)
        print(f"didOpen -> publishDiagnostics: {(time.perf_counter() - t) * 1000:.1f} ms")

        ms = []
        for run in range(a.runs):
            version = run + 2
            digit = "9" if run % 2 == 0 else "4"  # out of range, then fine
            change = {"range": {"start": {"line": line, "character": 6}, "end": {"line": line, "character": 7}},
                      "text": digit}
            t = time.perf_counter()
            s.notify("textDocument/didChange",
                     {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            d = s.diagnostics(uri, version)
            ms.append((time.perf_counter() - t) * 1000)
            has_error = any(x.get("code") == "out-of-range" for x in d)
            if has_error != (digit == "9"):
                sys.exit(f"unexpected diagnostics for mood {digit}: {d}")
        summary("didChange -> publishDiagnostics", ms)
        s.request("shutdown", None)
        s.notify("exit", None)
        s.p.wait(timeout=10)


if __name__ == "__main__":
    main()
