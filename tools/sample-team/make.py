#!/usr/bin/env python3
"""Write the sample team's journals (sample-team/): three reps beside the
sample journal's Alex Rivera, each with a quarter of daily notes that tell
a story a manager recognises:

- Priya Shah, struggling: activity and mood slide through the quarter,
  promises slip, deals go quiet, days go unwritten in November.
- Marcus Webb, sandbagging: busy, cheerful, keeps big deals at `lead` or
  `qualified` until they land as won "out of nowhere".
- Jordan Kim, new: started on 2 November, all leads, learning the format.

Deterministic (a fixed seed): running it again writes the same files. It
never overwrites a note that exists; remove sample-team/<rep>/ first to
regenerate one.

    python3 tools/sample-team/make.py sample-team
"""

import datetime as dt
import os
import random
import sys

START = dt.date(2026, 9, 1)
END = dt.date(2026, 11, 27)
HOLIDAYS = [dt.date(2026, 11, 26)]


def workdays(start, end):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(root, rel, text):
    path = os.path.join(root, rel)
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def note(d, mood, energy, activity, deals=(), commitments=(), wins=(), help_=(), tags=(), off=None, body=""):
    lines = ["---", f"date: {d.isoformat()}"]
    if off:
        lines.append(f"off: {off}")
    if mood is not None:
        lines.append(f"mood: {mood}")
    if energy is not None:
        lines.append(f"energy: {energy}")
    if activity:
        lines.append("activity: {" + ", ".join(f"{k}: {v}" for k, v in activity.items()) + "}")
    if wins:
        lines.append("wins: [" + ", ".join(yaml_str(w) for w in wins) + "]")
    if help_:
        lines.append("help: [" + ", ".join(yaml_str(h) for h in help_) + "]")
    if tags:
        lines.append("tags: [" + ", ".join(tags) + "]")
    if deals:
        lines.append("deals:")
        for deal in deals:
            first = True
            for k, v in deal.items():
                prefix = "  - " if first else "    "
                first = False
                if isinstance(v, str) and k not in ("stage", "close"):
                    v = yaml_str(v)
                lines.append(f"{prefix}{k}: {v}")
    if commitments:
        lines.append("commitments:")
        for c in commitments:
            first = True
            for k, v in c.items():
                prefix = "  - " if first else "    "
                first = False
                if isinstance(v, str) and k not in ("due", "done") and v not in ("true",):
                    v = yaml_str(v)
                lines.append(f"{prefix}{k}: {v}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body + ("\n" if body and not body.endswith("\n") else "")


CONFIG = """# {who}'s journal (part of the sample team; see ../README.md).
name: {who}
currency: USD
activities: [calls, emails, meetings, proposals]
holidays: [2026-11-26]
goals:
  daily: {{calls: 20, emails: 15}}
  weekly: {{meetings: 8, proposals: 2}}
quota: {{amount: {quota}, period: quarter}}
"""


def priya(root):
    """Struggling: a slide the boxes show week by week."""
    rng = random.Random(11)
    write(root, "saleslog.yaml", CONFIG.format(who="Priya Shah", quota=250000))
    days = list(workdays(START, END))
    deals = {
        "northwind": dict(name="Northwind Traders", stage="qualified", amount=42000, close="2026-10-30", next="Demo for their ops lead"),
        "tailspin": dict(name="Tailspin Toys", stage="proposal", amount=65000, close="2026-11-14", next="Pricing call with procurement"),
        "fabrikam": dict(name="Fabrikam", stage="lead", amount=18000, close="2026-12-15", next="Intro call"),
        "contoso": dict(name="Contoso Pharma", stage="negotiation", amount=90000, close="2026-10-16", next="Legal review of MSA"),
    }
    for i, d in enumerate(days):
        frac = i / len(days)
        if d in HOLIDAYS:
            write(root, f"2026/{d.month:02}/{d.isoformat()}.md", note(d, None, None, {}, off="Thanksgiving"))
            continue
        # November: notes go missing, two days in three at the end.
        if d.month == 11 and d.day > 9 and rng.random() < 0.45:
            continue
        mood = round(max(1.5, 4.2 - 2.4 * frac + rng.uniform(-0.4, 0.4)) * 2) / 2
        energy = max(1, min(5, round(mood + rng.uniform(-1, 0.5))))
        calls = max(3, int(24 - 16 * frac + rng.randint(-3, 3)))
        emails = max(2, int(17 - 10 * frac + rng.randint(-2, 2)))
        act = {"calls": calls, "emails": emails}
        # Meetings and proposals thin out as the quarter goes.
        if d.weekday() in (0, 2, 4) or frac < 0.3:
            act["meetings"] = max(0, round(3 - 3 * frac + rng.uniform(-0.5, 0.5)))
        if d.weekday() in (1, 3) and frac < 0.6:
            act["proposals"] = 1
        mentions, commitments, wins, help_ = [], [], [], []
        body = ""
        if i == 0:
            mentions = [dict(deals[k]) for k in deals]
            commitments = [
                dict(id="northwind-demo", what="Send Northwind the demo recording", to="Lena Ortiz (Northwind)", due="2026-09-10"),
                dict(id="tailspin-quote", what="Quote for Tailspin's pilot", to="Raj Patel (Tailspin)", due="2026-09-18"),
            ]
            body = "New quarter. Four deals I believe in; Contoso should close in October.\n"
        elif d == dt.date(2026, 9, 9):
            commitments = [dict(id="northwind-demo", done="true")]
            wins = ["Northwind demo went well"]
        elif d == dt.date(2026, 9, 25):
            commitments = [dict(id="tailspin-quote", done="true")]
            mentions = [dict(id="tailspin-toys", next="Follow up on the pilot quote")]
        elif d == dt.date(2026, 10, 5):
            commitments = [
                dict(id="contoso-redlines", what="Send Contoso our redlines", to="Contoso legal", due="2026-10-09"),
                dict(id="fabrikam-intro", what="Book the Fabrikam intro call", to="Sam Ng (Fabrikam)", due="2026-10-12"),
            ]
            help_ = ["Contoso legal keeps stalling; can you join the call?"]
        elif d == dt.date(2026, 10, 20):
            mentions = [dict(id="contoso-pharma", close="2026-11-20", next="")]
            help_ = ["I'm behind on calls and not sure where to start"]
            body = "Contoso pushed again. Hard week.\n"
        elif d == dt.date(2026, 10, 28):
            mentions = [dict(id="northwind-traders", stage="lost", reason="went with a cheaper tool")]
            commitments = [dict(id="qbr-deck", what="Prepare the QBR deck", to="Dana (manager)", due="2026-11-06")]
        elif d == dt.date(2026, 11, 4):
            mentions = [dict(id="contoso-pharma", close="2026-12-18")]
        elif d == dt.date(2026, 11, 18):
            help_ = ["Could we talk about my pipeline? Nothing is moving"]
            commitments = [dict(id="tailspin-followup", what="Call Raj at Tailspin back", to="Raj Patel (Tailspin)", due="2026-11-20")]
        write(root, f"2026/{d.month:02}/{d.isoformat()}.md", note(d, mood, energy, act, mentions, commitments, wins, help_, body=body))


def marcus(root):
    """Sandbagging: big deals held at early stages, then won at once."""
    rng = random.Random(22)
    write(root, "saleslog.yaml", CONFIG.format(who="Marcus Webb", quota=300000))
    days = list(workdays(START, END))
    for i, d in enumerate(days):
        if d in HOLIDAYS:
            write(root, f"2026/{d.month:02}/{d.isoformat()}.md", note(d, None, None, {}, off="Thanksgiving"))
            continue
        mood = round(min(5, 4.1 + rng.uniform(-0.4, 0.6)) * 2) / 2
        act = {"calls": 22 + rng.randint(-2, 6), "emails": 16 + rng.randint(-1, 5)}
        if d.weekday() in (0, 2, 4):
            act["meetings"] = rng.randint(2, 3)
        if d.weekday() in (1, 3):
            act["proposals"] = 1
        mentions, commitments, wins = [], [], []
        body = ""
        if i == 0:
            mentions = [
                dict(name="Blue Yonder Airlines", stage="lead", amount=120000, close="2026-12-20", next="Discovery with their COO"),
                dict(name="Coho Winery", stage="lead", amount=35000, close="2026-10-31", next="Tasting-room rollout plan"),
                dict(name="Lucerne Publishing", stage="qualified", amount=80000, close="2026-11-30", next="Security questionnaire"),
            ]
            commitments = [dict(id="blue-yonder-notes", what="Send Blue Yonder the discovery notes", to="Ana (Blue Yonder)", due="2026-09-08")]
            body = "Quarter plan: keep expectations low, deliver high.\n"
        elif d == dt.date(2026, 9, 7):
            commitments = [dict(id="blue-yonder-notes", done="true")]
        elif d == dt.date(2026, 10, 14):
            mentions = [dict(id="coho-winery", stage="won")]
            wins = ["Coho Winery signed, 35k"]
        elif d == dt.date(2026, 11, 3):
            mentions = [dict(id="lucerne-publishing", stage="won")]
            wins = ["Lucerne signed the full 80k"]
        elif d == dt.date(2026, 11, 12):
            mentions = [
                dict(name="Wide World Importers", stage="lead", amount=150000, close="2026-12-31", next="Exec sponsor meeting"),
                dict(id="blue-yonder-airlines", next="Contract redlines back from their legal"),
            ]
        elif d == dt.date(2026, 11, 24):
            mentions = [dict(id="blue-yonder-airlines", stage="won")]
            wins = ["Blue Yonder signed, 120k: quarter made"]
            commitments = [dict(id="wwi-proposal", what="Wide World proposal", to="Chen (Wide World)", due="2026-12-04")]
        write(root, f"2026/{d.month:02}/{d.isoformat()}.md", note(d, mood, 4, act, mentions, commitments, wins, body=body))


def jordan(root):
    """New: three and a half weeks in, learning the format."""
    rng = random.Random(33)
    write(root, "saleslog.yaml", CONFIG.format(who="Jordan Kim", quota=150000))
    days = list(workdays(dt.date(2026, 11, 2), END))
    for i, d in enumerate(days):
        if d in HOLIDAYS:
            continue  # a missing note on the holiday is fine: it is not a workday
        mood = round(min(5, 4.4 + rng.uniform(-0.5, 0.5)) * 2) / 2
        ramp = min(1.0, (i + 3) / 15)
        act = {"calls": int(20 * ramp) + rng.randint(0, 3), "emails": int(14 * ramp) + rng.randint(0, 3)}
        mentions, commitments, help_ = [], [], []
        extra = ""
        body = ""
        if i == 0:
            body = "First day. Shadowing Alex on calls.\n"
            help_ = ["Which accounts should I start with?"]
        elif i == 3:
            mentions = [dict(name="Margie's Travel", stage="lead", amount=12000, next="Intro call Monday")]
            commitments = [dict(what="Read the product playbook", to="Dana (manager)", due="2026-11-10")]
        elif i == 8:
            mentions = [dict(name="Adventure Works", stage="lead", amount=28000, close="2026-12-19", next="Send case study")]
            extra = "acivity_note: first week of full call blocks\n"
        elif i == 12:
            mentions = [dict(id="margie-s-travel", stage="qualified", close="2026-12-12")]
            help_ = ["Can I join your call with Litware to hear a negotiation?"]
        text = note(d, mood, 4, act, mentions, commitments, (), help_, body=body)
        if extra:
            text = text.replace("\n---\n", "\n" + extra + "---\n", 1) if text.count("---") >= 2 else text
        write(root, f"2026/{d.month:02}/{d.isoformat()}.md", text)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "sample-team"
    priya(os.path.join(out, "priya"))
    marcus(os.path.join(out, "marcus"))
    jordan(os.path.join(out, "jordan"))


if __name__ == "__main__":
    main()
