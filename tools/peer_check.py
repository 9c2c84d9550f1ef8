#!/usr/bin/python3
"""Check funnelsim's R1 forecast against the exact answers of the reference peers, and time
it beside the NumPy peer on the same replication count.

    /usr/bin/python3 tools/peer_check.py --peers ../shared/peers [--replications 2000]

The checks are those of the peers' README (per month and stage; mu = exact expected entries,
each monthly count is Poisson(mu)):
  mean       |mean - mu| <= 4 SE,  SE = sqrt(mu / n)
  variance   |sd^2 - mu| <= 4 SE,  SE = sqrt((mu + 2 mu^2) / n)
  p10/50/90  |q - Poisson ppf| <= 1 + 4 sqrt(q (1 - q) / n) / pmf(ppf)
Exit status 1 if any check fails."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import stats

OURS = {"leads": "volume.inquiry", "mql": "volume.mql", "sql": "volume.sql",
        "opp": "volume.opp", "won": "volume.won"}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", required=True, help="folder with analytic.py and numpy_peer.py")
    ap.add_argument("--binary", default=os.path.join(here, "..", "build", "funnelsim"))
    ap.add_argument("--replications", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20270101)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()

    sys.path.insert(0, os.path.abspath(args.peers))
    from analytic import expected_r1  # noqa: E402  (the peers' own exact solution)
    from common import METRICS, MONTHS  # noqa: E402

    mu = expected_r1()  # (12 months, 5 metrics)
    n = args.replications
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r1.json")
        start = time.perf_counter()
        subprocess.run([args.binary, "forecast", os.path.join(here, "..", "scenarios", "examples", "r1.yaml"),
                        "-n", str(n), "--seed", str(args.seed), "--threads", str(args.threads),
                        "--json", out, "--quiet"], check=True)
        ours_wall = time.perf_counter() - start
        with open(out) as f:
            res = json.load(f)
        assert res["months"] == MONTHS, res["months"]
        start = time.perf_counter()
        peer_json = os.path.join(tmp, "np.json")
        subprocess.run([sys.executable, os.path.join(args.peers, "numpy_peer.py"), "--replications", str(n),
                        "--seed", "1", "--json", peer_json], check=True)
        peer_wall = time.perf_counter() - start
        with open(peer_json) as f:
            peer_sim = json.load(f)["seconds"]

    col = lambda key: np.array([res["metrics"][OURS[m]][key] for m in METRICS]).T
    rows = []

    def worst(score):
        i, j = np.unravel_index(np.argmax(score), score.shape)
        return score[i, j], f"{MONTHS[i]} {METRICS[j]}"

    rows.append(("mean |z|", *worst(np.abs(col("mean") - mu) / np.sqrt(mu / n)), 4.0))
    rows.append(("sd (var) |z|", *worst(np.abs(col("sd") ** 2 - mu) / np.sqrt((mu + 2 * mu ** 2) / n)), 4.0))
    for q in (10, 50, 90):
        ppf = stats.poisson.ppf(q / 100, mu)
        tol = 1 + 4 * np.sqrt(q / 100 * (1 - q / 100) / n) / stats.poisson.pmf(ppf, mu)
        rows.append((f"p{q} err/tol", *worst(np.abs(col(f"p{q}") - ppf) / tol), 1.0))

    print(f"funnelsim R1, n={n}, seed {args.seed}: checks of the peers' README against analytic.py")
    print(f"{'check':14s} {'worst cell':16s} {'score':>7s} {'limit':>6s} result")
    failed = 0
    for name, score, cell, limit in rows:
        ok = score <= limit
        failed += not ok
        print(f"{name:14s} {cell:16s} {score:7.2f} {limit:6g} {'PASS' if ok else 'FAIL'}")
    print(f"\nspeed, {n} replications: funnelsim {ours_wall:.3f} s wall (whole process, "
          f"threads={args.threads or 'all'}); numpy_peer {peer_sim:.3f} s simulation, "
          f"{peer_wall:.3f} s wall; ratio (peer sim / funnelsim wall) {peer_sim / ours_wall:.1f}x")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
