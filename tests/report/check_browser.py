#!/usr/bin/env python3
"""The HTML reports in a real browser: headless Chromium loads each from disk (forecast,
compare, valves, sensitivity, a forecast with actuals from a history, and a backtest), every panel must render an SVG chart with marks in it, the console
must stay free of errors and warnings, and a PNG screenshot is saved (and must not be blank).

Run by ctest (tests/CMakeLists.txt):

    check_browser.py --funnelsim build/funnelsim --chromium chromium --out-dir build/report

It writes OUT_DIR/<kind>.html and OUT_DIR/<kind>.png, which are kept for a look.
"""
import argparse
import html.parser
import json
import os
import re
import subprocess
import sys

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", "--virtual-time-budget=30000"]


class Panels(html.parser.HTMLParser):
    """Per panel div: how many <svg> elements and mark shapes it holds, and its text."""

    def __init__(self):
        super().__init__()
        self.stack = []        # open elements: (tag, panel id or None)
        self.svg = {}
        self.marks = {}
        self.text = {}

    def panel(self):
        for _, pid in reversed(self.stack):
            if pid:
                return pid
        return None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        pid = a.get("id") if tag == "div" and "panel" in (a.get("class") or "").split() else None
        if pid:
            self.svg[pid] = self.marks[pid] = 0
            self.text[pid] = ""
        current = pid or self.panel()
        if current and tag == "svg":
            self.svg[current] += 1
        if current and tag in ("path", "line", "rect") and a.get("d", "x") not in ("", "M0,0Z"):
            self.marks[current] += 1
        if tag not in ("path", "line", "rect", "circle", "br", "img", "meta", "input"):
            self.stack.append((tag, pid))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        current = self.panel()
        if current:
            self.text[current] += data


# (kind, the funnelsim arguments that write OUT; the least marks a panel must draw)
REPORTS = [
    ("forecast", ["forecast", "-n", "60", "-q", "--report"], 3),
    ("compare", ["compare", "--set", "sources.webinars.monthly_volume=650", "-n", "30", "-q",
                 "--report"], 3),
    ("valves", ["valves", "-n", "10", "-q", "--report"], 3),
    ("sensitivity", ["sensitivity", "--metric", "volume.sql", "--params",
                     "sources.webinars.monthly_volume", "capacity.pools.sdr.headcount", "-n", "8",
                     "-q", "--report"], 2),
    # {history}: two years of the default company from 2026-01, so 2027 has actuals.
    ("forecast-history", ["forecast", "-n", "40", "-q", "--history", "{history}", "--report"], 3),
    ("backtest", ["backtest", "{history}", "--origins", "2027-05,2027-09", "--horizon", "2",
                  "-n", "20", "-q", "--report"], 2),
]


def check(args, kind, arguments, least_marks):
    failures = []
    page = os.path.abspath(os.path.join(args.out_dir, kind + ".html"))
    shot = os.path.abspath(os.path.join(args.out_dir, kind + ".png"))
    for stale in (page, shot):
        if os.path.exists(stale):
            os.remove(stale)
    arguments = [a.replace("{history}", args.history) for a in arguments]
    subprocess.run([args.funnelsim] + arguments + [page], check=True)
    with open(page, encoding="utf-8") as f:
        source = f.read()
    data = json.loads(re.search(
        r'<script type="application/json" id="funnelsim-report">(.*?)</script>', source,
        re.S).group(1).replace("<\\/", "</"))
    expected = [p["id"] for p in data["panels"]]
    if not expected:
        failures.append(f"{kind}: the report has no panel")

    dom = subprocess.run([args.chromium] + FLAGS + ["--enable-logging=stderr", "--v=0",
                                                    "--dump-dom", "file://" + page],
                         capture_output=True, text=True, timeout=300)
    if dom.returncode != 0:
        failures.append(f"{kind}: chromium exited {dom.returncode}: {dom.stderr[-2000:]}")
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    for line in console:
        failures.append(f"{kind}: console: " + line)
    panels = Panels()
    panels.feed(dom.stdout)
    for pid in expected:
        if pid not in panels.svg:
            failures.append(f"{kind} {pid}: missing from the rendered page")
        elif panels.svg[pid] == 0:
            failures.append(f"{kind} {pid}: no chart rendered ({panels.text[pid].strip()[:200]})")
        elif panels.marks[pid] < least_marks:
            failures.append(f"{kind} {pid}: the chart is empty ({panels.marks[pid]} marks)")
    print(f"{kind}: {len(expected)} panels expected, "
          f"{sum(1 for p in expected if panels.svg.get(p))} rendered as SVG; "
          f"{len(console)} console messages")

    subprocess.run([args.chromium] + FLAGS + ["--window-size=1280,1100", "--screenshot=" + shot,
                                              "file://" + page],
                   capture_output=True, text=True, timeout=300)
    if not os.path.exists(shot):
        failures.append(f"{kind}: no screenshot was saved")
    elif os.path.getsize(shot) < 20000:
        failures.append(f"{kind}: the screenshot is {os.path.getsize(shot)} bytes: blank?")
    else:
        print(f"{kind}: screenshot {shot} ({os.path.getsize(shot)} bytes)")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--funnelsim", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    args.history = os.path.abspath(os.path.join(args.out_dir, "history.csv"))
    subprocess.run([args.funnelsim, "simulate-history", "--set", "calendar.start=2026-01",
                    "--months", "24", "-q", "--out", args.history], check=True)
    failures = []
    for kind, arguments, least in REPORTS:
        failures += check(args, kind, arguments, least)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
