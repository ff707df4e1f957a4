#!/usr/bin/env bash
# Installs every Debian package accelgym needs to build, test and run.
# Idempotent: when everything is present it only checks (a second run takes seconds).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  clang-format                # the sources' style, checked by tests/python/test_repository.py
  git                         # the same test lists the tracked sources
  libsystemc-dev              # SystemC 2.3 + TLM-2.0 (models)
  libprotobuf-dev protobuf-compiler   # proto/ schemas, JSON mapping
  libgtest-dev libgmock-dev   # C++ tests
  libbenchmark-dev            # bench/
  libeigen3-dev               # linear algebra (Bayesian optimisation)
  libfmt-dev                  # messages and tables
  libxxhash-dev               # evaluation keys (XXH3-128, sim/core/records.cc)
  libboost-dev                # Boost.Math (statistics of accelgym compare)
  libboost-program-options-dev  # the CLI's option parsing (sim/cli/args.cc)
  libpagmo-dev                # hypervolumes of Pareto fronts (accelgym compare)
  pybind11-dev python3-dev    # python/ bindings
  python3-numpy python3-pytest
  python3-matplotlib          # accelgym.plot, accelgym plot
  python3-optuna python3-torch  # examples/ (Optuna TPE, PyTorch IPPO)
  python3-sklearn             # the reference Gaussian process of tests/python (bo)
  libopenmpi-dev openmpi-bin  # accelgym sweep under mpirun / srun
  python3-distributed         # accelgym.sweep on Dask
)

# `install-deps.sh fuzz`: also what `make fuzz` needs (clang and its libFuzzer runtime).
if [ "${1:-}" = "fuzz" ]; then
  PACKAGES+=(clang libclang-rt-14-dev time)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
