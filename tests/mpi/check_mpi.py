#!/usr/bin/env python3
"""funnelsim-mpi against funnelsim: the same files, byte for byte, for 1, 2 and 3 ranks.

Run by ctest when the build has FUNNELSIM_MPI=ON (tests/CMakeLists.txt):

    check_mpi.py --plain build/funnelsim --mpi build/funnelsim-mpi --mpirun mpiexec CASE

CASE is `same-bytes` (every command that runs replications writes the files a single
process writes, with replication counts that 2 and 3 do not divide) or `bad-scenario` (an
invalid scenario under 2 ranks: one report, a non-zero exit on every rank, nothing written).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

RANKS = (1, 2, 3)


def mpirun_prefix(mpirun, ranks):
    # --oversubscribe: more ranks than this machine's cores; --allow-run-as-root: CI is root.
    return [mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(ranks)]


def run(command, cwd):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def without_timing(data):
    """The solve's JSON records its wall time; everything else must match."""
    document = json.loads(data)
    document.pop("seconds", None)
    return json.dumps(document, sort_keys=True).encode()


# (name, arguments, output files, compare the JSON without its timing)
CASES = [
    ("forecast", ["forecast", "-n", "7", "--json", "f.json", "--csv", "f.csv", "--hdf5", "f.h5"],
     ["f.json", "f.csv", "f.h5"], False),
    ("compare", ["compare", "--set", "sources.webinars.monthly_volume=600", "-n", "5",
                 "--json", "c.json", "--csv", "c.csv", "--hdf5", "c.h5"],
     ["c.json", "c.csv", "c.h5"], False),
    ("sweep", ["sweep", "--param", "capacity.pools.sdr.headcount=8,12", "--metric", "volume.sql",
               "-n", "5", "--json", "s.json", "--csv", "s.csv"], ["s.json", "s.csv"], False),
    ("sensitivity", ["sensitivity", "--metric", "volume.sql", "--params",
                     "sources.webinars.monthly_volume", "capacity.pools.sdr.headcount", "-n", "5",
                     "--json", "t.json"], ["t.json"], False),
    ("valves", ["valves", "-n", "5", "--json", "v.json"], ["v.json"], False),
    ("commit", ["commit", "-n", "7", "--json", "k.json", "--markdown", "k.md"],
     ["k.json", "k.md"], False),
    ("commit --solve", ["commit", "--solve", "sources.webinars.monthly_volume", "--target",
                        "volume.sal>=300", "--period", "2027-Q2", "-n", "5", "--tolerance", "0.05",
                        "--json", "o.json"], ["o.json"], True),
]


def same_bytes(args):
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name, arguments, files, timed in CASES:
            plain_dir = os.path.join(work, name.replace(" ", "_") + "_plain")
            os.makedirs(plain_dir)
            code, _, err = run([args.plain] + arguments + ["--threads", "1", "-q"], plain_dir)
            if code != 0:
                failures.append(f"{name}: funnelsim exited {code}: {err}")
                continue
            for ranks in RANKS:
                mpi_dir = os.path.join(work, f"{name.replace(' ', '_')}_{ranks}")
                os.makedirs(mpi_dir)
                code, out, err = run(mpirun_prefix(args.mpirun, ranks) +
                                     [args.mpi] + arguments + ["--threads", "1", "-q"], mpi_dir)
                if code != 0:
                    failures.append(f"{name} on {ranks} ranks: exited {code}: {err}")
                    continue
                for f in files:
                    want, got = read(os.path.join(plain_dir, f)), read(os.path.join(mpi_dir, f))
                    if timed:
                        want, got = without_timing(want), without_timing(got)
                    if want != got:
                        failures.append(f"{name} on {ranks} ranks: {f} differs from one process's")
                # Only rank 0 writes: no other file, no temporary left beside the outputs.
                extra = sorted(set(os.listdir(mpi_dir)) - set(files))
                if extra:
                    failures.append(f"{name} on {ranks} ranks: unexpected files {extra}")
            print(f"{name}: compared {len(files)} files for {len(RANKS)} rank counts")
    return failures


def bad_scenario(args):
    failures = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "bad.yaml"), "w") as f:
            f.write("name: broken\ncalendar: {start: 2027-13, horizon_months: 12}\n")
        code, out, err = run(mpirun_prefix(args.mpirun, 2) +
                             [args.mpi, "forecast", "bad.yaml", "--json", "out.json"], work)
        if code == 0:
            failures.append("an invalid scenario exited 0")
        if err.count("problems found; nothing was run or written") != 1:
            failures.append("the problems are not reported exactly once:\n" + err)
        if err.count("month must be between 01 and 12") != 1:
            failures.append("the calendar problem is not reported exactly once:\n" + err)
        if os.path.exists(os.path.join(work, "out.json")):
            failures.append("out.json was written")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", required=True)
    parser.add_argument("--mpi", required=True)
    parser.add_argument("--mpirun", required=True)
    parser.add_argument("case", choices=["same-bytes", "bad-scenario"])
    args = parser.parse_args()
    args.plain, args.mpi = os.path.abspath(args.plain), os.path.abspath(args.mpi)
    failures = same_bytes(args) if args.case == "same-bytes" else bad_scenario(args)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
