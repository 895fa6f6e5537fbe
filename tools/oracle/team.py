#!/usr/bin/env python3
"""Independent oracle for `saleslog --today D team report --format json TEAM` (SPEC.md §10).

    python3 tools/oracle/team.py TEAM --today YYYY-MM-DD

Written from SPEC §10's text alone, on top of oracle.py's single-journal
report (a member is computed exactly as its own `report`). The readings taken
where §10 is silent are listed in README.md ("The team"). Exit codes: 0, 1
when a member is missing or broken, 2 when team.yaml is broken or two members
share a slug.
"""
import argparse
import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

AREAS = ("activity", "attitude", "commitments", "data", "pipeline")
COLOURS = ("green", "amber", "red", "na")


class TeamError(Exception):
    pass


def load_team(root):
    """[(name or None, journal)], team name, team quota or None."""
    path = os.path.join(root, "team.yaml")
    if not os.path.isfile(path):
        members = []
        for d in sorted(os.listdir(root)):
            full = os.path.join(root, d)
            if d.startswith((".", "_")) or not os.path.isdir(full):
                continue
            if os.path.isfile(os.path.join(full, "saleslog.yaml")):
                members.append((None, d))
        # Reading: without team.yaml the team is named after its folder.
        return members, os.path.basename(os.path.abspath(root)), None, False
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = oracle.load_yaml(text)
    except oracle.YamlError as e:
        raise TeamError(f"team.yaml: invalid YAML: {e}")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TeamError("team.yaml: a mapping expected")
    for k in data:
        if k not in ("name", "members", "quota"):
            raise TeamError(f"team.yaml: unknown key {k}")
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise TeamError("team.yaml: name: a string expected")
    if not name or not name.strip():
        name = os.path.basename(os.path.abspath(root))
    members = []
    raw = data.get("members")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise TeamError("team.yaml: members: a list expected")
    for m in raw:
        if not isinstance(m, dict) or set(m) - {"name", "journal"}:
            raise TeamError("team.yaml: a member is {name, journal}")
        j = m.get("journal")
        if not isinstance(j, str) or not j.strip():
            raise TeamError("team.yaml: a member needs a journal")
        n = m.get("name")
        if n is not None and not isinstance(n, str):
            raise TeamError("team.yaml: a member's name is a string")
        members.append((n if n and n.strip() else None, j))
    quota = None
    q = data.get("quota")
    if q is not None:
        if not isinstance(q, dict) or set(q) - {"amount", "period"}:
            raise TeamError("team.yaml: quota: {amount, period}")
        a = q.get("amount")
        if not oracle.is_number(a) or a < 0:
            raise TeamError("team.yaml: quota.amount: a number >= 0")
        period = q.get("period") if q.get("period") is not None else "quarter"
        if period not in ("month", "quarter", "year"):
            raise TeamError("team.yaml: quota.period: month, quarter or year")
        quota = {"amount": a, "period": period}
    return members, name, quota, True


def member_row(root, name, journal, D):
    folder = os.path.normpath(os.path.join(root, journal))
    row = {"name": name, "journal": journal, "error": None, "boxes": None, "report": None, "history": []}
    if not os.path.isdir(folder):
        row["error"] = f"{journal}: no such folder"
        row["name"] = name or os.path.basename(folder)
        return row, None
    try:
        cfg = oracle.load_config(folder)
    except oracle.ConfigError as e:
        row["error"] = f"{journal}/saleslog.yaml: {e}"
        row["name"] = name or os.path.basename(folder)
        return row, None
    # Reading: the member's name: team.yaml's, else its saleslog.yaml's
    # `name:`, else the folder name.
    row["name"] = name or (cfg["name"] if cfg["name"].strip() else os.path.basename(folder))
    keep = {}
    rep, _ = oracle.report(folder, D, keep)
    row["report"] = rep
    row["boxes"] = rep["boxes"]
    for k in range(12):
        if k == 0:
            row["history"].append({"as_of": D.isoformat(), "boxes": rep["boxes"]})
        else:
            d = D - dt.timedelta(days=7 * k)
            row["history"].append({"as_of": d.isoformat(), "boxes": oracle.report(folder, d)[0]["boxes"]})
    return row, keep


def asks_of(note):
    """A note's `help:` items: a string is one, a list of strings is each."""
    v = note["fm"].get("help")
    if isinstance(v, str):
        return 1 if v.strip() else 0
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return sum(1 for x in v if x.strip())
    return 0


def team_report(root, D):
    members, team_name, quota, _ = load_team(root)
    rows, kept = [], []
    for name, journal in members:
        row, keep = member_row(root, name, journal, D)
        rows.append(row)
        kept.append(keep)
    slugs = {}
    for row in rows:
        s = oracle.slug(row["name"])
        if s in slugs:
            raise TeamError(f"team.yaml: members {slugs[s]!r} and {row['name']!r} have one slug {s!r}")
        slugs[s] = row["name"]
    boxes = {a: {c: 0 for c in COLOURS} for a in AREAS}
    totals = {"open_amount": 0, "weighted": 0, "won_in_period": None, "quota": None, "period_start": None,
              "period_end": None, "remaining": None, "coverage": None,
              "stale": 0, "slipped": 0, "no_next_step": 0, "asks": 0}
    if quota:
        ps, pe = oracle.period_bounds(D, quota["period"])
        won_in, covered = 0, 0
    for row, keep in zip(rows, kept):
        if row["error"] is not None:
            continue
        for a in AREAS:
            boxes[a][row["boxes"][a]] += 1
        p = row["report"]["pipeline"]
        for k in ("open_amount", "weighted", "stale", "slipped", "no_next_step"):
            totals[k] += p[k]
        lo = D - dt.timedelta(days=13)
        totals["asks"] += sum(asks_of(n) for n in keep["counted"] if lo <= n["date"] <= D)
        if quota:
            stages = keep["stages"]
            for d in keep["deals"].values():
                closed = stages[d["stage"]]["closed"]
                if closed == "won" and ps <= d["stage_since"] <= D:
                    won_in += d["amount"] or 0
                if closed is None and d["close"] is not None and d["close"] <= pe:
                    covered += d["amount"] or 0
    if quota:
        remaining = max(quota["amount"] - won_in, 0)
        totals.update(quota=quota["amount"], period_start=ps.isoformat(), period_end=pe.isoformat(),
                      won_in_period=won_in, remaining=remaining,
                      coverage=covered / remaining if remaining != 0 else None)
    out = {"as_of": D.isoformat(), "team": team_name, "members": rows, "boxes": boxes, "totals": totals}
    return out, any(r["error"] is not None for r in rows)


def main():
    ap = argparse.ArgumentParser(description="saleslog team report oracle (SPEC §10 JSON)")
    ap.add_argument("team")
    ap.add_argument("--today", required=True)
    a = ap.parse_args()
    D = oracle.parse_date(a.today)
    if D is None or not os.path.isdir(a.team):
        print("error: --today YYYY-MM-DD and a team folder expected", file=sys.stderr)
        return 2
    try:
        out, broken = team_report(a.team, D)
    except TeamError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
