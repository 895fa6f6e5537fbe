#!/usr/bin/env python3
"""Independent oracle for `saleslog report --format json --today D JOURNAL` (SPEC.md §1-§4, §7).

    python3 tools/oracle/oracle.py JOURNAL --today YYYY-MM-DD

Written from the spec alone, without reading the Rust sources, so the two can
be cross-checked (see compare.py and README.md for every ambiguous reading).
Needs `ruamel.yaml` (pip install ruamel.yaml) for YAML 1.2.

Diagnostics counted in data.errors / data.warnings (one per problem):
  ERRORS
    E1  invalid YAML front matter (syntax, duplicate key, front matter that is
        not a mapping), or an opening `---` without a closing `---`
    E2  invalid `date:` (not a real YYYY-MM-DD)
    E3  mood / energy not a number, not finite, or outside 1..scale
    E4  `activity` not a mapping; an activity count not a whole number >= 0
        (one per bad count)
    E5  wins / help / tags neither a string nor a list of strings
    E6  `deals` / `commitments` not a list; a deal or commitment item that
        is not a mapping
    E7  deal: first mention without name or stage (also: no id and no name)
    E8  deal: unknown stage
    E9  deal: amount not a number from 0 to 10^15 (reference: larger ones
        lose precision and their sums overflow)
    E10 deal: close not a valid date (null clears it; "" is invalid)
    E11 commitment: update to unknown id (id given, unknown, no `what`), or
        an item with neither id nor what
    E12 commitment: due not a valid date; done / dropped not true, false or
        a valid date
    E13 a text field (id, name, next, contact, source, reason, what, to,
        note) that is a bool, list or mapping
    E14 a note file that is not valid UTF-8 (note skipped)
    E15 `off` neither true, false nor a string (a reason)
    E16 likely typo: an unknown top-level key one edit (Levenshtein) from a
        known key, or two edits from a known key of six letters or more
        (instead of W2; its value is ignored)
  WARNINGS
    W1  markdown file with no date (front matter or file name)
    W2  unknown top-level front-matter key (one per key) that is not a
        likely typo (E16)
    W3  unknown activity name when `activities` is configured (one per
        name per note)
    W4  ticked task item without a done date
    W5  note dated after D (one per note)
"""
import argparse
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys

try:
    from ruamel.yaml import YAML
except ImportError:  # pragma: no cover
    sys.exit("oracle.py needs ruamel.yaml: pip install ruamel.yaml")


# ---------------------------------------------------------------- YAML 1.2

def _make_yaml():
    y = YAML(typ="safe", pure=True)
    y.version = (1, 2)
    y.allow_duplicate_keys = False

    def ts_as_str(self, node):  # dates stay strings; we validate them ourselves
        return self.construct_scalar(node)

    y.constructor.add_constructor("tag:yaml.org,2002:timestamp", ts_as_str)
    return y


_YAML = _make_yaml()


class YamlError(Exception):
    pass


def load_yaml(text):
    try:
        return _YAML.load(text)
    except Exception as e:  # any parser/scanner/constructor/duplicate-key error
        raise YamlError(str(e))


# ---------------------------------------------------------------- helpers

DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(v):
    """A real calendar date from 'YYYY-MM-DD' (str or date), else None."""
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and DATE_RE.match(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def filename_date(base):
    for m in re.finditer(r"(?=([0-9]{4}-[0-9]{2}-[0-9]{2}))", base):
        d = parse_date(m.group(1))
        if d is not None:
            return d
    return None


def slug(s):
    out, dash = [], False
    for ch in s.lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_whole(v):
    return isinstance(v, int) and not isinstance(v, bool)


class BadText(Exception):
    pass


def text_of(v):
    """Text field: None -> None; str as is; int/float stringified; else BadText."""
    if v is None:
        return None
    if isinstance(v, bool) or isinstance(v, (list, dict)):
        raise BadText()
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return str(v)
    raise BadText()


# ---------------------------------------------------------------- config

DEFAULT_STAGES = [
    {"name": "lead", "probability": 0.10, "closed": None},
    {"name": "qualified", "probability": 0.25, "closed": None},
    {"name": "proposal", "probability": 0.50, "closed": None},
    {"name": "negotiation", "probability": 0.75, "closed": None},
    {"name": "won", "probability": 1.0, "closed": "won"},
    {"name": "lost", "probability": 0.0, "closed": "lost"},
]
DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}


class ConfigError(Exception):
    pass


def load_config(root):
    cfg = {
        "name": "", "currency": "USD", "output": "_site",
        "workdays": {0, 1, 2, 3, 4}, "holidays": [], "activities": [],
        "goals": {"daily": {}, "weekly": {}},
        "attitude": {"scale": 5, "green_at": 3.5, "red_below": 2.5},
        "commitments": {"window_days": 30},
        "quota": None,
        "pipeline": {"coverage_target": 3.0, "stale_after_days": 14, "win_rate_days": 365,
                     "stages": DEFAULT_STAGES},
        "data": {"on_time_days": 1, "late_edit_days": 7, "git": "auto"},
    }
    path = os.path.join(root, "saleslog.yaml")
    if not os.path.isfile(path):
        return cfg
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = load_yaml(text)
    except YamlError as e:
        raise ConfigError(f"invalid YAML: {e}")
    if data is None:
        return cfg
    if not isinstance(data, dict):
        raise ConfigError("configuration must be a mapping")

    def num(v, key, minimum=None, integer=False):
        if integer and not is_whole(v):
            raise ConfigError(f"{key}: whole number expected")
        if not is_number(v) or not math.isfinite(v):
            raise ConfigError(f"{key}: number expected")
        if minimum is not None and v < minimum:
            raise ConfigError(f"{key}: must be >= {minimum}")
        return v

    def mapping(v, key, allowed):
        if not isinstance(v, dict):
            raise ConfigError(f"{key}: mapping expected")
        for k in v:
            if k not in allowed:
                raise ConfigError(f"unknown key {key}.{k}")
        return v

    for k, v in data.items():
        if v is None:
            continue  # no value = absent = default
        if k in ("name", "currency", "output"):
            if not isinstance(v, str):
                raise ConfigError(f"{k}: string expected")
            cfg[k] = v
        elif k == "workdays":
            if not isinstance(v, list):
                raise ConfigError("workdays: list expected")
            s = set()
            for x in v:
                if not isinstance(x, str) or x.lower() not in DAY_NAMES:
                    raise ConfigError(f"workdays: unknown day {x!r}")
                s.add(DAY_NAMES[x.lower()])
            cfg["workdays"] = s
        elif k == "holidays":
            if not isinstance(v, list):
                raise ConfigError("holidays: list expected")
            ranges = []
            for x in v:
                if not isinstance(x, str):
                    raise ConfigError(f"holidays: date or range expected, not {x!r}")
                a, sep, b = x.partition("..")
                a, b = a.strip(), (b.strip() if sep else a.strip())
                da, db = parse_date(a), parse_date(b)
                if da is None or db is None:
                    raise ConfigError(f"holidays: {x!r} is not a date or a range of dates")
                if db < da:
                    raise ConfigError(f"holidays: range {x!r} ends before it starts")
                ranges.append((da, db))
            cfg["holidays"] = ranges
        elif k == "activities":
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise ConfigError("activities: list of names expected")
            cfg["activities"] = list(v)
        elif k == "goals":
            mapping(v, "goals", ("daily", "weekly"))
            for per in ("daily", "weekly"):
                g = v.get(per)
                if g is None:
                    continue
                if not isinstance(g, dict):
                    raise ConfigError(f"goals.{per}: mapping expected")
                out = {}
                for name, t in g.items():
                    out[str(name)] = num(t, f"goals.{per}.{name}", 0)
                cfg["goals"][per] = out
        elif k == "attitude":
            mapping(v, "attitude", ("scale", "green_at", "red_below"))
            for kk, vv in v.items():
                if vv is not None:
                    cfg["attitude"][kk] = num(vv, f"attitude.{kk}", 0)
        elif k == "commitments":
            mapping(v, "commitments", ("window_days",))
            if v.get("window_days") is not None:
                cfg["commitments"]["window_days"] = num(v["window_days"], "commitments.window_days", 1, True)
        elif k == "quota":
            mapping(v, "quota", ("amount", "period"))
            if v.get("amount") is None:
                raise ConfigError("quota.amount is required")
            period = v.get("period") if v.get("period") is not None else "quarter"
            if period not in ("month", "quarter", "year"):
                raise ConfigError("quota.period: month, quarter or year")
            cfg["quota"] = {"amount": num(v["amount"], "quota.amount", 0), "period": period}
        elif k == "pipeline":
            mapping(v, "pipeline", ("coverage_target", "stale_after_days", "win_rate_days", "stages"))
            for kk, vv in v.items():
                if vv is None:
                    continue
                if kk == "coverage_target":
                    cfg["pipeline"][kk] = num(vv, "pipeline.coverage_target", 0)
                elif kk in ("stale_after_days", "win_rate_days"):
                    cfg["pipeline"][kk] = num(vv, f"pipeline.{kk}", 0, True)
                else:
                    if not isinstance(vv, list):
                        raise ConfigError("pipeline.stages: list expected")
                    stages = []
                    for st in vv:
                        mapping(st, "pipeline.stages[]", ("name", "probability", "closed"))
                        if not isinstance(st.get("name"), str):
                            raise ConfigError("pipeline.stages[].name: string expected")
                        p = st.get("probability")
                        p = 0.0 if p is None else num(p, "pipeline.stages[].probability", 0)
                        c = st.get("closed")
                        if c not in (None, "won", "lost"):
                            raise ConfigError("pipeline.stages[].closed: won or lost")
                        stages.append({"name": st["name"], "probability": p, "closed": c})
                    cfg["pipeline"]["stages"] = stages
        elif k == "data":
            mapping(v, "data", ("on_time_days", "late_edit_days", "git"))
            for key in ("on_time_days", "late_edit_days"):
                if v.get(key) is not None:
                    cfg["data"][key] = int(num(v[key], f"data.{key}", 0, integer=True))
            g = v.get("git")
            if g is not None:
                if g not in (True, False, "auto"):
                    raise ConfigError("data.git: auto, true or false")
                cfg["data"]["git"] = g
        else:
            raise ConfigError(f"unknown key {k}")
    return cfg


# ---------------------------------------------------------------- discovery

def ignored_name(n):
    return (n.startswith(".") or n.startswith("_") or n.endswith("~")
            or (n.startswith("#") and n.endswith("#")) or n.endswith((".swp", ".swx", ".tmp"))
            or n == "4913")


def discover(root, cfg):
    root = os.path.abspath(root)
    out_dir = os.path.normpath(os.path.join(root, cfg["output"]))
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if ignored_name(d) or os.path.islink(full):
                continue
            if os.path.normpath(full) == out_dir:
                continue
            if dirpath == root and d == "templates":
                continue
            keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            if not fn.endswith(".md") or ignored_name(fn) or fn == "README.md" or os.path.islink(full):
                continue
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            files.append((rel, full))
    return files


# ---------------------------------------------------------------- note parsing

TASK_RE = re.compile(r"^\s*[-*+] \[( |x|X)\] (.*)$")
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
DUE_RE = re.compile(r" (?:📅 |due:)([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")
DONE_RE = re.compile(r" (?:✅ |done:)([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


def split_front_matter(text):
    """-> (fm_text or None, body_lines, unclosed: bool)"""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [l[:-1] if l.endswith("\r") else l for l in text.split("\n")]
    if not lines or lines[0].rstrip() != "---":
        return None, lines, False
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return "\n".join(lines[1:i]) + "\n", lines[i + 1:], False
    return None, lines[1:], True


def marker_dates(rx, text):
    """First valid marker date, and the text with all valid markers removed."""
    first = None
    def repl(m):
        nonlocal first
        d = parse_date(m.group(1))
        if d is None:
            return m.group(0)
        if first is None:
            first = d
        return ""
    stripped = rx.sub(repl, text)
    return first, stripped


def task_items(body_lines):
    items = []
    fence = None
    for line in body_lines:
        fm = FENCE_RE.match(line)
        if fence is not None:
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= fence[1] and fm.group(2).strip() == "":
                fence = None
            continue
        if fm and not (fm.group(1)[0] == "`" and "`" in fm.group(2)):
            fence = (fm.group(1)[0], len(fm.group(1)))
            continue
        m = TASK_RE.match(line)
        if not m or not m.group(2).strip():
            continue  # `- [ ]` with no text is not a task
        ticked = m.group(1) in "xX"
        text = m.group(2)
        due, text = marker_dates(DUE_RE, text)
        done, text = marker_dates(DONE_RE, text)
        items.append({"ticked": ticked, "text": text, "due": due, "done": done})
    return items


class Journal:
    pass


KNOWN_KEYS = {"date", "mood", "energy", "activity", "wins", "help", "tags", "deals", "commitments", "off"}


def levenshtein(a, b):
    """Edit distance (insertions, deletions, substitutions), case-sensitive."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def likely_typo(key):
    """SPEC §2: one edit from a known key, or two from one of 6+ letters."""
    for known in KNOWN_KEYS:
        d = levenshtein(str(key), known)
        if d == 1 or (d == 2 and len(known) >= 6):
            return True
    return False


def read_notes(root, cfg, diags):
    """Parse every note; returns list of dicts sorted by (date, rel).
    diags: list to append ('error'|'warning', code, rel) to."""
    notes = []
    for rel, full in discover(root, cfg):
        with open(full, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            diags.append(("error", "E14", rel))
            continue
        fm_text, body, unclosed = split_front_matter(text)
        fm = None
        if unclosed:
            diags.append(("error", "E1", rel))
        elif fm_text is not None:
            try:
                fm = load_yaml(fm_text)
                if fm is None:
                    fm = {}
                if not isinstance(fm, dict):
                    diags.append(("error", "E1", rel))
                    fm = None
            except YamlError:
                diags.append(("error", "E1", rel))
                fm = None
        date = None
        if fm is not None and fm.get("date") is not None:
            date = parse_date(fm["date"])
            if date is None:
                diags.append(("error", "E2", rel))
        if date is None:
            date = filename_date(rel.rsplit("/", 1)[-1])
        if date is None:
            diags.append(("warning", "W1", rel))
            continue
        notes.append({"rel": rel, "date": date, "fm": fm if fm is not None else {},
                      "tasks": task_items(body)})
    notes.sort(key=lambda n: (n["date"], n["rel"]))
    return notes


def validate_note_fields(note, cfg, diags):
    """Note-local fields. Stores note['mood'], note['activity'] (dict name->int)."""
    fm, rel = note["fm"], note["rel"]
    scale = cfg["attitude"]["scale"]
    for k in fm:
        if k not in KNOWN_KEYS and fm[k] is not None:  # `key:` with no value is absent
            if likely_typo(k):
                diags.append(("error", "E16", rel))
            else:
                diags.append(("warning", "W2", rel))
    note["off"] = False
    v = fm.get("off")
    if v is True or isinstance(v, str):
        note["off"] = True
    elif v is not None and v is not False:
        diags.append(("error", "E15", rel))
    note["mood"] = None
    for key in ("mood", "energy"):
        v = fm.get(key)
        if v is None:
            continue
        if is_number(v) and math.isfinite(v) and 1 <= v <= scale:
            note[key] = v
        else:
            diags.append(("error", "E3", rel))
    act = {}
    a = fm.get("activity")
    if a is not None:
        if not isinstance(a, dict):
            diags.append(("error", "E4", rel))
        else:
            for name, v in a.items():
                name = str(name)
                if cfg["activities"] and name not in cfg["activities"]:
                    diags.append(("warning", "W3", rel))
                if v is None:
                    continue
                if is_whole(v) and v >= 0:
                    act[name] = act.get(name, 0) + v
                else:
                    diags.append(("error", "E4", rel))
    note["activity"] = act
    for key in ("wins", "help", "tags"):
        v = fm.get(key)
        if v is None or isinstance(v, str):
            continue
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            continue
        diags.append(("error", "E5", rel))


# ---------------------------------------------------------------- deals & commitments

class State:
    def __init__(self, cfg):
        self.cfg = cfg
        self.stages = {s["name"]: s for s in cfg["pipeline"]["stages"]}
        self.deals = {}
        self.commitments = {}


def process_deals(note, st, diags):
    rel, date = note["rel"], note["date"]
    items = note["fm"].get("deals")
    if items is None:
        return
    if not isinstance(items, list):
        diags.append(("error", "E6", rel))
        return
    for it in items:
        if not isinstance(it, dict):
            diags.append(("error", "E6", rel))
            continue
        # field-level validation (independent of state)
        f = {}
        for key in ("id", "name", "next", "contact", "source", "reason"):
            if key in it:
                try:
                    f[key] = text_of(it[key])
                except BadText:
                    diags.append(("error", "E13", rel))
        stage = None
        stage_bad = False
        if it.get("stage") is not None:
            s = it["stage"]
            if isinstance(s, str) and s in st.stages:
                stage = s
            else:
                diags.append(("error", "E8", rel))
                stage_bad = True
        if "amount" in it:
            v = it["amount"]
            if v is None:
                f["amount"] = None
            elif is_number(v) and math.isfinite(v) and 0 <= v <= 1e15:
                f["amount"] = v
            else:
                diags.append(("error", "E9", rel))
        if "close" in it:
            v = it["close"]
            if v is None:
                f["close"] = None
            else:
                d = parse_date(v)
                if d is None:
                    diags.append(("error", "E10", rel))
                else:
                    f["close"] = d
        # identity
        did = f.get("id") or None
        name = f.get("name") or None
        if did is None and name is not None:
            did = slug(name)
        if did is None:
            diags.append(("error", "E7", rel))
            continue
        deal = st.deals.get(did)
        if deal is None:
            if stage_bad:
                continue  # already reported as unknown stage; not created
            if name is None or stage is None:
                diags.append(("error", "E7", rel))
                continue
            deal = {"id": did, "name": name, "stage": stage, "stage_since": date,
                    "history": [(date, stage)], "first": date, "last_touched": date,
                    "amount": None, "close": None, "next": None, "pushes": 0}
            st.deals[did] = deal
        else:
            deal["last_touched"] = date
            if stage is not None and stage != deal["stage"]:
                deal["stage"] = stage
                deal["stage_since"] = date
                deal["history"].append((date, stage))
        # SPEC §9: a push moves the close date in force to a later one.
        if "close" in f and deal["close"] is not None and f["close"] is not None and f["close"] > deal["close"]:
            deal["pushes"] += 1
        for key in ("amount", "close"):
            if key in f:
                deal[key] = f[key]
        for key in ("next", "contact", "source", "reason", "name"):
            if key in f:
                if key == "name" and not f[key]:
                    continue  # the name is not optional: null / "" keep it
                deal[key] = f[key] if f[key] != "" else None


def new_commitment(cid, what, to, date):
    return {"id": cid, "what": what, "to": to, "created": date,
            "due": None, "counting_due": None, "done": None, "dropped": None}


def set_due(c, due, date, is_update):
    if not is_update or c["due"] is None and c["counting_due"] is None:
        c["due"] = c["counting_due"] = due
        return
    if due == c["due"]:
        return
    if c["counting_due"] is None or date <= c["counting_due"]:
        c["counting_due"] = due
    c["due"] = due


def flag_date(v, date):
    """done/dropped: True -> date; False -> 'clear'; date -> date; None -> absent; else raises."""
    if v is True:
        return date
    if v is False:
        return "clear"
    d = parse_date(v)
    if d is None:
        raise ValueError
    return d


def process_commitments(note, st, diags):
    rel, date = note["rel"], note["date"]
    items = note["fm"].get("commitments")
    if items is not None and not isinstance(items, list):
        diags.append(("error", "E6", rel))
        items = None
    for it in items or []:
        if not isinstance(it, dict):
            diags.append(("error", "E6", rel))
            continue
        f = {}
        for key in ("id", "what", "to", "note"):
            if key in it:
                try:
                    f[key] = text_of(it[key])
                except BadText:
                    diags.append(("error", "E13", rel))
        due = None
        if it.get("due") is not None:
            due = parse_date(it["due"])
            if due is None:
                diags.append(("error", "E12", rel))
        flags = {}
        for key in ("done", "dropped"):
            if it.get(key) is not None:
                try:
                    flags[key] = flag_date(it[key], date)
                except ValueError:
                    diags.append(("error", "E12", rel))
        cid = f.get("id") or None
        what = f.get("what") or None
        if cid is None and what is not None:
            cid = f"{date.isoformat()}-{slug(what)}"
        if cid is None:
            diags.append(("error", "E11", rel))
            continue
        c = st.commitments.get(cid)
        is_update = c is not None
        if c is None:
            if what is None:
                diags.append(("error", "E11", rel))
                continue
            c = new_commitment(cid, what, f.get("to"), date)
            st.commitments[cid] = c
        else:
            if what is not None:
                c["what"] = what
            if f.get("to") is not None:
                c["to"] = f["to"]
        if due is not None:
            set_due(c, due, date, is_update)
        for key, v in flags.items():
            c[key] = None if v == "clear" else v
    for t in note["tasks"]:
        cid = f"{date.isoformat()}-{slug(t['text'])}"
        c = st.commitments.get(cid)
        is_update = c is not None
        if c is None:
            c = new_commitment(cid, t["text"].strip(), None, date)
            st.commitments[cid] = c
        if t["due"] is not None:
            set_due(c, t["due"], date, is_update)
        if t["ticked"]:
            if t["done"] is None:
                diags.append(("warning", "W4", rel))
            c["done"] = t["done"] or date


def run_notes(notes, cfg, diags):
    st = State(cfg)
    for n in notes:
        process_deals(n, st, diags)
        process_commitments(n, st, diags)
    return st


# ---------------------------------------------------------------- figures

def mean(xs):
    return sum(xs) / len(xs)


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def period_bounds(D, period):
    if period == "month":
        start = D.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
    elif period == "quarter":
        start = D.replace(month=(D.month - 1) // 3 * 3 + 1, day=1)
        nxt = (start + dt.timedelta(days=95)).replace(day=1)
    else:
        start = D.replace(month=1, day=1)
        nxt = start.replace(year=start.year + 1)
    return start, nxt - dt.timedelta(days=1)


def report(root, D, keep=None):
    """SPEC §7's report object and the diagnostics. `keep`, a dict, receives
    the state as of D (deals, stages, counted notes) for the team (team.py)."""
    cfg = load_config(root)
    diags = []
    notes = read_notes(root, cfg, diags)
    for n in notes:
        validate_note_fields(n, cfg, diags)
        if n["date"] > D:
            diags.append(("warning", "W5", n["rel"]))
    run_notes(notes, cfg, diags)  # diagnostics over the whole journal
    counted = [n for n in notes if n["date"] <= D]
    st = run_notes(counted, cfg, [])  # state as of D

    # per-day aggregates
    day_act, day_moods, day_has_entry, note_days, off_days = {}, {}, set(), set(), set()
    for n in counted:
        d = n["date"]
        note_days.add(d)
        if n["off"]:
            off_days.add(d)
        a = day_act.setdefault(d, {})
        for k, v in n["activity"].items():
            a[k] = a.get(k, 0) + v
        if n["activity"]:
            day_has_entry.add(d)
        if n["mood"] is not None:
            day_moods.setdefault(d, []).append(n["mood"])
    day_mood = {d: mean(v) for d, v in day_moods.items()}
    first_note = min(note_days) if note_days else None
    workdays = cfg["workdays"]

    def is_workday(d):
        """SPEC §4: a configured weekday that is not a day off (a holiday, or
        the date of a counted note saying `off: true` / `off: <reason>`)."""
        if d.weekday() not in workdays or d in off_days:
            return False
        return not any(a <= d <= b for a, b in cfg["holidays"])

    last_elapsed = D if D in note_days else D - dt.timedelta(days=1)

    def elapsed(start):
        out = []
        if first_note is None:
            return out
        d = max(start, first_note)
        while d <= last_elapsed:
            if is_workday(d):
                out.append(d)
            d += dt.timedelta(days=1)
        return out

    # activity
    week_start = D - dt.timedelta(days=D.weekday())
    ew = len(elapsed(week_start))
    wpw = len(workdays)
    goals = []
    for per in ("daily", "weekly"):
        for name in sorted(cfg["goals"][per]):
            target = cfg["goals"][per][name]
            if per == "daily":
                expected = target * ew
            else:
                expected = target * ew / wpw if wpw else 0
            done = 0
            d = week_start
            while d <= D:
                done += day_act.get(d, {}).get(name, 0)
                d += dt.timedelta(days=1)
            goals.append({"activity": name, "period": per, "target": target,
                          "expected": expected, "done": done})
    ratios = [min(1, g["done"] / g["expected"]) for g in goals if g["expected"] > 0]
    attainment = mean(ratios) if ratios else None
    daily = cfg["goals"]["daily"]
    if daily:
        all_elapsed = elapsed(first_note) if first_note else []
        meets = [all(day_act.get(d, {}).get(k, 0) >= t for k, t in daily.items()) for d in all_elapsed]
        cur = 0
        for m in reversed(meets):
            if not m:
                break
            cur += 1
        longest = run = 0
        for m in meets:
            run = run + 1 if m else 0
            longest = max(longest, run)
        streak = {"current": cur, "longest": longest}
    else:
        streak = {"current": None, "longest": None}
    act_box = "na" if attainment is None else "green" if attainment == 1 else "amber" if attainment >= 0.8 else "red"

    # attitude
    att = cfg["attitude"]
    m7 = [day_mood[d] for d in day_mood if D - dt.timedelta(days=6) <= d <= D]
    mood_7d = mean(m7) if m7 else None
    pts = sorted(d for d in day_mood if d in day_has_entry and D - dt.timedelta(days=89) <= d <= D)
    r = None
    if len(pts) >= 10:
        r = pearson([day_mood[d] for d in pts], [sum(day_act[d].values()) for d in pts])
    att_box = ("na" if mood_7d is None else "green" if mood_7d >= att["green_at"]
               else "red" if mood_7d < att["red_below"] else "amber")

    # commitments
    def status(c):
        if c["done"] is not None and c["done"] <= D:
            return "done"
        if c["dropped"] is not None and c["dropped"] <= D:
            return "dropped"
        if c["due"] is not None and c["due"] < D:
            return "overdue"
        return "open"

    win = cfg["commitments"]["window_days"]
    n_open = n_overdue = in_window = kept = 0
    for c in st.commitments.values():
        s = status(c)
        n_open += s == "open"
        n_overdue += s == "overdue"
        cd = c["counting_due"]
        if s == "dropped" or cd is None or not (D - dt.timedelta(days=win - 1) <= cd <= D):
            continue
        done_by_d = c["done"] is not None and c["done"] <= D
        if not (cd < D or done_by_d):
            continue
        in_window += 1
        if done_by_d and c["done"] <= cd:
            kept += 1
    on_time = kept / in_window if in_window else None
    if n_overdue >= 3 or (on_time is not None and on_time < 0.75):
        com_box = "red"
    elif n_overdue == 0 and (on_time is None or on_time >= 0.9):
        com_box = "green"
    else:
        com_box = "amber"

    # pipeline
    pl = cfg["pipeline"]
    stages = st.stages
    open_deals = [d for d in st.deals.values() if stages[d["stage"]]["closed"] is None]
    open_amount = sum((d["amount"] or 0) for d in open_deals)
    weighted = sum((d["amount"] or 0) * stages[d["stage"]]["probability"] for d in open_deals)
    quota = cfg["quota"]
    if quota:
        ps, pe = period_bounds(D, quota["period"])
        won_in = sum((d["amount"] or 0) for d in st.deals.values()
                     if stages[d["stage"]]["closed"] == "won" and ps <= d["stage_since"] <= D)
        remaining = max(quota["amount"] - won_in, 0)
        covered = sum((d["amount"] or 0) for d in open_deals if d["close"] is not None and d["close"] <= pe)
        coverage = covered / remaining if remaining != 0 else None
        q_amount, ps_s, pe_s = quota["amount"], ps.isoformat(), pe.isoformat()
    else:
        won_in = remaining = coverage = q_amount = ps_s = pe_s = None
    stale = sum(1 for d in open_deals if d["last_touched"] < D - dt.timedelta(days=pl["stale_after_days"]))
    slipped = sum(1 for d in open_deals if d["close"] is not None and d["close"] < D)
    no_next = sum(1 for d in open_deals if not d["next"])
    wstart = D - dt.timedelta(days=pl["win_rate_days"] - 1)
    closed = [d for d in st.deals.values() if stages[d["stage"]]["closed"] and wstart <= d["stage_since"] <= D]
    won = [d for d in closed if stages[d["stage"]]["closed"] == "won"]
    win_rate = len(won) / len(closed) if closed else None
    avg_cycle = mean([(d["stage_since"] - d["first"]).days for d in won]) if won else None
    if quota:
        tgt = pl["coverage_target"]
        if (remaining == 0 or (coverage is not None and coverage >= tgt)) and no_next == 0:
            pipe_box = "green"
        elif coverage is not None and coverage < tgt * 2 / 3:
            pipe_box = "red"
        else:
            pipe_box = "amber"
    else:
        pipe_box = "green" if stale == 0 and no_next == 0 else "amber"

    # SPEC §9: pushed deals, the plan, forecast calibration
    pushed = sum(1 for d in open_deals if d["pushes"] >= 2)

    def div(a, b):
        return None if a is None or b is None or b == 0 else a / b

    if quota:
        weighted_in = sum((d["amount"] or 0) * stages[d["stage"]]["probability"]
                          for d in open_deals if d["close"] is not None and d["close"] <= pe)
        gap = max(remaining - weighted_in, 0)
        # SPEC §4 (days off): workdays left are workdays too, so holidays
        # and days off are not; a day off in the future can only be in a
        # note dated after D (`new --date … --off PTO`), and it counts.
        planned_off = {n["date"] for n in notes if n["date"] > D and n["off"]}
        wd_left = 0
        day = D + dt.timedelta(days=1)
        while day <= pe:
            wd_left += is_workday(day) and day not in planned_off
            day += dt.timedelta(days=1)
        in_time = avg_cycle is None or (pe - D).days >= avg_cycle
    else:
        weighted_in = gap = wd_left = in_time = None
    won_amounts = [d["amount"] for d in won if d["amount"] is not None]
    avg_won = mean(won_amounts) if won_amounts else None
    wins_needed = div(gap, avg_won)
    new_needed = div(wins_needed, win_rate)
    created = sum(1 for d in st.deals.values() if wstart <= d["first"] <= D)
    totals = {}
    for n in counted:
        if wstart <= n["date"] <= D:
            for k, v in n["activity"].items():
                totals[k] = totals.get(k, 0) + v
    plan_acts = []
    for name in sorted(totals):
        if totals[name] <= 0:
            continue
        per_deal = div(totals[name], created)
        need = None if per_deal is None or new_needed is None else per_deal * new_needed
        if name in cfg["goals"]["daily"]:
            goal = cfg["goals"]["daily"][name]
        elif name in cfg["goals"]["weekly"]:
            goal = div(cfg["goals"]["weekly"][name], wpw)
        else:
            goal = None
        plan_acts.append({"activity": name, "per_deal": per_deal, "needed_per_day": div(need, wd_left),
                          "goal": goal})
    plan = {"gap": gap, "weighted_in_period": weighted_in, "avg_won_amount": avg_won,
            "wins_needed": wins_needed, "new_deals_needed": new_needed, "deals_created": created,
            "workdays_left": wd_left, "in_time": in_time, "activities": plan_acts}

    open_names = [s["name"] for s in pl["stages"] if s["closed"] is None]
    entered = {name: [0, 0] for name in open_names}  # won, closed
    sq = []
    for d in closed:
        o = 1 if stages[d["stage"]]["closed"] == "won" else 0
        seen = []
        for _, sname in d["history"]:
            if stages[sname]["closed"] is None and sname not in seen:
                seen.append(sname)
        for sname in seen:
            sq.append((stages[sname]["probability"] - o) ** 2)
            entered[sname][0] += o
            entered[sname][1] += 1
    obs = {name: (w / c if c else None) for name, (w, c) in entered.items()}
    w_obs = 0
    for d in open_deals:
        rate = obs[d["stage"]]
        w_obs += (d["amount"] or 0) * (stages[d["stage"]]["probability"] if rate is None else rate)
    forecast = {"brier": mean(sq) if sq else None, "forecasts": len(sq), "weighted_observed": w_obs,
                "stages": [{"stage": name, "configured": stages[name]["probability"], "observed": obs[name],
                            "deals": entered[name][1]} for name in open_names]}

    # data
    errors = sum(1 for d in diags if d[0] == "error")
    warnings = sum(1 for d in diags if d[0] == "warning")
    missing = sum(1 for d in elapsed(D - dt.timedelta(days=13)) if d not in note_days)
    since = (D - max(note_days)).days if note_days else None

    tl, late = timeliness(root, cfg, notes, D)
    warnings += len(late)
    diags.extend(("warning", "W6", rel) for rel in late)
    if errors > 0 or missing > 2 or not note_days:  # no note <= D: not "clean"
        data_box = "red"
    elif warnings == 0 and missing == 0 and stale == 0:
        data_box = "green"
    else:
        data_box = "amber"
    if tl is not None:
        rank = {"green": 1, "amber": 2, "red": 3}
        t_box = None
        if tl["rate"] is not None and tl["rate"] < 0.5:
            t_box = "red"
        elif (tl["rate"] is not None and tl["rate"] < 0.9) or tl["late_edits"] > 0:
            t_box = "amber"
        elif tl["rate"] is not None:
            t_box = "green"
        if t_box is not None and rank[t_box] > rank[data_box]:
            data_box = t_box

    if keep is not None:
        keep.update(deals=st.deals, stages=stages, counted=counted, cfg=cfg)
    return {
        "as_of": D.isoformat(),
        "notes": len(counted),
        "boxes": {"activity": act_box, "attitude": att_box, "commitments": com_box,
                  "data": data_box, "pipeline": pipe_box},
        "activity": {"week_start": week_start.isoformat(), "elapsed_workdays": ew,
                     "attainment": attainment, "goals": goals, "streak": streak},
        "attitude": {"scale": att["scale"], "mood_7d": mood_7d, "mood_activity_r": r},
        "commitments": {"open": n_open, "overdue": n_overdue, "due_in_window": in_window,
                        "kept_on_time": kept, "on_time_rate": on_time},
        "pipeline": {"open_deals": len(open_deals), "open_amount": open_amount, "weighted": weighted,
                     "quota": q_amount, "period_start": ps_s, "period_end": pe_s,
                     "won_in_period": won_in, "remaining": remaining, "coverage": coverage,
                     "stale": stale, "slipped": slipped, "no_next_step": no_next,
                     "win_rate": win_rate, "avg_cycle_days": avg_cycle, "pushed": pushed},
        "data": {"errors": errors, "warnings": warnings, "missing_workdays": missing,
                 "days_since_last_note": since, "timeliness": tl},
        "plan": plan,
        "forecast": forecast,
    }, diags


# ---------------------------------------------------------------- §8: git

def git(root, *args, text=True, check=True):
    p = subprocess.run(["git", "-C", root, *args], capture_output=True,
                       env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    if check and p.returncode != 0:
        raise RuntimeError(f"git {args[0]}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", errors="replace") if text else p.stdout


def note_rel_ok(rel, cfg):
    """Is a journal-relative path a note by §1 (without the file system)?"""
    parts = rel.split("/")
    name = parts[-1]
    if not name.endswith(".md") or name == "README.md" or ignored_name(name):
        return False
    if any(ignored_name(p) for p in parts[:-1]):
        return False
    if len(parts) > 1 and parts[0] == "templates":
        return False
    out = os.path.normpath(cfg["output"])
    if not os.path.isabs(out) and not out.startswith(".."):
        if rel.startswith(out.rstrip("/") + "/"):
            return False
    return True


def facts(rel, text, cfg):
    """The facts §8 compares, or None when the text is not a dated note."""
    fm_text, body, unclosed = split_front_matter(text)
    fm = {}
    if fm_text is not None and not unclosed:
        try:
            fm = load_yaml(fm_text)
        except YamlError:
            fm = {}
        if not isinstance(fm, dict):
            fm = {}
    date = parse_date(fm.get("date")) if fm.get("date") is not None else None
    if date is None:
        date = filename_date(rel.rsplit("/", 1)[-1])
    if date is None:
        return None
    def num_or_none(v):
        return v if is_number(v) else None
    def items(key, ident):
        out = {}
        v = fm.get(key)
        if not isinstance(v, list):
            return out
        for it in v:
            if not isinstance(it, dict):
                continue
            k = ident(it)
            n = 1
            while (k, n) in out:
                n += 1
            out[(k, n)] = {f: repr(it.get(f, "<absent>")) for f in sorted(set(it) - {"id"})}
        return out
    deal_id = lambda it: str(it["id"]) if it.get("id") is not None else slug(str(it.get("name") or ""))
    com_id = lambda it: (str(it["id"]) if it.get("id") is not None
                         else f"{date.isoformat()}-{slug(str(it.get('what') or ''))}")
    act = fm.get("activity") if isinstance(fm.get("activity"), dict) else {}
    tasks = {}
    for t in task_items(body):
        k = slug(t["text"])
        n = 1
        while (k, n) in tasks:
            n += 1
        tasks[(k, n)] = (t["ticked"], t["due"], t["done"])
    return {
        "date": date,
        "mood": num_or_none(fm.get("mood")),
        "energy": num_or_none(fm.get("energy")),
        "off": repr(fm.get("off")),
        "activity": {str(k): v for k, v in act.items() if v is not None},
        "deals": items("deals", deal_id),
        "commitments": items("commitments", com_id),
        "tasks": tasks,
    }


def timeliness(root, cfg, notes, D):
    """SPEC §8 -> (figures or None, [note path of each late edit in the window])."""
    if cfg["data"]["git"] is False:
        return None, []
    p = subprocess.run(["git", "-C", root, "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True)
    if p.returncode != 0 or p.stdout.strip() != "true":
        return None, []
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    head = subprocess.run(["git", "-C", root, "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    if not head:
        return {"committed": 0, "on_time": 0, "backfilled": 0, "max_lag_days": None,
                "rate": None, "late_edits": 0}, []
    parents, when = {}, {}
    for line in git(root, "log", "--format=%H %at %ad %P", "--date=short", "HEAD").splitlines():
        f = line.split()
        when[f[0]] = (int(f[1]), dt.date.fromisoformat(f[2]))
        parents[f[0]] = f[3:]

    diffs = {}

    def diff(parent, commit):
        """{new path: (status letter, old path)} of commit against parent (None: root)."""
        key = (parent, commit)
        if key not in diffs:
            args = ["diff-tree", "-r", "-z", "--name-status", "-M", "--no-commit-id"]
            args += ["--root", commit] if parent is None else [parent, commit]
            fields = git(root, *args).split("\0")
            out, i = {}, 0
            while i < len(fields) and fields[i]:
                st = fields[i][0]
                if st in "RC":
                    out[fields[i + 2]] = (st, fields[i + 1])
                    out.setdefault(("old", fields[i + 1]), (st, fields[i + 2]))
                    i += 3
                else:
                    out[fields[i + 1]] = (st, fields[i + 1])
                    i += 2
            diffs[key] = out
        return diffs[key]

    sys.setrecursionlimit(1000000)
    memo = {}

    def origin(commit, path):
        """Earliest (timestamp, date) of the commits along the path's history that added,
        renamed or modified it (following renames through every parent)."""
        key = (commit, path)
        if key in memo:
            return memo[key]
        own = when[commit]
        ps = [q for q in parents[commit] if q in when]
        best = None
        if not ps:
            best = own
        for q in ps:
            st = diff(q, commit).get(path)
            if st is None:
                cand = origin(q, path)
            elif st[0] == "A" or st[0] == "C":
                cand = own
            elif st[0] == "R":
                cand = min(own, origin(q, st[1]))
            elif st[0] == "D":
                continue
            else:
                cand = min(own, origin(q, path))
            best = cand if best is None else min(best, cand)
        memo[key] = best
        return best

    in_head = set(git(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD").split("\0")) - {""}
    written = {}
    for n in notes:
        full = prefix + n["rel"]
        if full in in_head:
            written[n["rel"]] = origin(head, full)[1]
    since = min(written.values()) if written else None
    lo = D - dt.timedelta(days=29)
    lags = []
    for n in notes:
        if lo <= n["date"] <= D and n["rel"] in written and since is not None and n["date"] >= since:
            lags.append(max(0, (written[n["rel"]] - n["date"]).days))
    on_time = sum(1 for l in lags if l <= cfg["data"]["on_time_days"])

    def text_at(commit, path):
        p = subprocess.run(["git", "-C", root, "cat-file", "blob", f"{commit}:{path}"], capture_output=True)
        if p.returncode != 0:
            return None
        try:
            return p.stdout.decode("utf-8")
        except UnicodeDecodeError:
            return None

    late = []
    for commit, ps in parents.items():
        if not ps or ps[0] not in when:
            continue
        d = diff(ps[0], commit)
        authored = when[commit][1]
        if not lo <= authored <= D:
            continue
        for key, (st, other) in d.items():
            if isinstance(key, tuple):
                continue
            if st == "A":
                continue
            old_path = other if st in "RC" else key
            if st == "C":
                continue
            if not old_path.startswith(prefix) or not note_rel_ok(old_path[len(prefix):], cfg):
                continue
            old_rel = old_path[len(prefix):]
            old_text = text_at(ps[0], old_path)
            old = facts(old_rel, old_text, cfg) if old_text is not None else None
            if old is None or (authored - old["date"]).days <= cfg["data"]["late_edit_days"]:
                continue
            new = None
            if st != "D" and key.startswith(prefix) and note_rel_ok(key[len(prefix):], cfg):
                new_text = text_at(commit, key)
                new = facts(key[len(prefix):], new_text, cfg) if new_text is not None else None
            if new != old:
                late.append(key[len(prefix):] if new is not None else old_rel)
    committed = len(lags)
    return {"committed": committed, "on_time": on_time, "backfilled": committed - on_time,
            "max_lag_days": max(lags) if lags else None,
            "rate": on_time / committed if committed else None, "late_edits": len(late)}, late


def main():
    ap = argparse.ArgumentParser(description="saleslog report oracle (SPEC §7 JSON)")
    ap.add_argument("journal")
    ap.add_argument("--today", required=True)
    ap.add_argument("--diags", action="store_true", help="list the diagnostics on stderr")
    a = ap.parse_args()
    D = parse_date(a.today)
    if D is None:
        print(f"error: --today {a.today}: expected YYYY-MM-DD", file=sys.stderr)
        return 2
    if not os.path.isdir(a.journal):
        print(f"error: {a.journal}: not a folder", file=sys.stderr)
        return 2
    try:
        out, diags = report(a.journal, D)
    except ConfigError as e:
        print(f"error: saleslog.yaml: {e}", file=sys.stderr)
        return 2
    if a.diags:
        for sev, code, rel in diags:
            print(f"{sev} {code} {rel}", file=sys.stderr)
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
