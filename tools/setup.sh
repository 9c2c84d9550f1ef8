#!/usr/bin/env bash
# Installs funnelsim's Debian dependencies (idempotent), builds it in Release, then
# either runs the default forecast or the test suite.
#
#   bash tools/setup.sh run     install, build, run `funnelsim forecast` on the embedded scenario
#   bash tools/setup.sh test    install, build, run the whole test suite with ctest
#   bash tools/setup.sh build   install and build only
#
# Environment: BUILD_DIR (default build), JOBS (default: number of cores).
set -euo pipefail

mode=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

packages=(build-essential cmake pkg-config clang-format
          libeigen3-dev libboost-dev libboost-math-dev libtbb-dev libhdf5-dev hdf5-tools
          libcli11-dev libyaml-cpp-dev nlohmann-json3-dev librandom123-dev
          libgtest-dev libbenchmark-dev python3 python3-numpy python3-h5py
          libopenmpi-dev openmpi-bin)
# The report's browser test renders it in headless Chromium.
if [ "$mode" = test ]; then packages+=(chromium); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root to install packages" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The HTML report's charting libraries (Vega, Vega-Lite, vega-embed), pinned by
# tools/report/package-lock.json, from the npm registry; the build inlines them.
if ! command -v npm >/dev/null; then
  echo "setup: installing nodejs npm" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi
report="$root/tools/report"
if [ ! -f "$report/node_modules/.package-lock.json" ] ||
   [ "$report/package-lock.json" -nt "$report/node_modules/.package-lock.json" ]; then
  (cd "$report" && npm ci --no-audit --no-fund --loglevel=error)
fi

# FUNNELSIM_MPI=ON also builds funnelsim-mpi (README, "Running on a cluster"), so the tests
# prove it against funnelsim; funnelsim itself never links MPI.
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DFUNNELSIM_WARNINGS_AS_ERRORS=ON \
      -DFUNNELSIM_MPI=ON
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
  run)   "$build_dir/funnelsim" forecast ;;
  test)  ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" ;;
  build) ;;
  *) echo "setup: unknown mode '$mode' (use run, test or build)" >&2; exit 2 ;;
esac
