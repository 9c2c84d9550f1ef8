#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium loads it from disk, every panel must
render an SVG chart with marks in it, the console must stay free of errors and warnings, and
a PNG screenshot is saved (and must not be blank).

Run by ctest (tests/CMakeLists.txt):

    check_browser.py --funnelsim build/funnelsim --chromium chromium --out-dir build/report

It writes OUT_DIR/forecast.html and OUT_DIR/forecast.png, which are kept for a look.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--funnelsim", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    page = os.path.abspath(os.path.join(args.out_dir, "forecast.html"))
    shot = os.path.abspath(os.path.join(args.out_dir, "forecast.png"))
    for stale in (page, shot):
        if os.path.exists(stale):
            os.remove(stale)
    subprocess.run([args.funnelsim, "forecast", "-n", "60", "-q", "--report", page], check=True)

    with open(page, encoding="utf-8") as f:
        source = f.read()
    data = json.loads(re.search(
        r'<script type="application/json" id="funnelsim-report">(.*?)</script>', source,
        re.S).group(1).replace("<\\/", "</"))
    expected = [p["id"] for p in data["panels"]]

    dom = subprocess.run([args.chromium] + FLAGS + ["--enable-logging=stderr", "--v=0",
                                                    "--dump-dom", "file://" + page],
                         capture_output=True, text=True, timeout=300)
    failures = []
    if dom.returncode != 0:
        failures.append(f"chromium exited {dom.returncode}: {dom.stderr[-2000:]}")
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    for line in console:
        failures.append("console: " + line)
    panels = Panels()
    panels.feed(dom.stdout)
    for pid in expected:
        if pid not in panels.svg:
            failures.append(f"{pid}: missing from the rendered page")
        elif panels.svg[pid] == 0:
            failures.append(f"{pid}: no chart rendered ({panels.text[pid].strip()[:200]})")
        elif panels.marks[pid] < 3:
            failures.append(f"{pid}: the chart is empty ({panels.marks[pid]} marks)")
    print(f"{len(expected)} panels expected, {sum(1 for p in expected if panels.svg.get(p))} "
          f"rendered as SVG; {len(console)} console messages")

    subprocess.run([args.chromium] + FLAGS + ["--window-size=1280,1100", "--screenshot=" + shot,
                                              "file://" + page],
                   capture_output=True, text=True, timeout=300)
    if not os.path.exists(shot):
        failures.append("no screenshot was saved")
    elif os.path.getsize(shot) < 20000:
        failures.append(f"the screenshot is {os.path.getsize(shot)} bytes: blank?")
    else:
        print(f"screenshot: {shot} ({os.path.getsize(shot)} bytes)")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
