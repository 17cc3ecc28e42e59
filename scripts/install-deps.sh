#!/usr/bin/env bash
# Installs mspinn's build and run dependencies on Debian 12 when they are missing; does nothing
# (and touches no package list) when all are present. apt-get runs through sudo only when not root.
# --paraview adds ParaView, its Python and Xvfb (for tests/paraview.sh).
set -euo pipefail
pkgs=(build-essential cmake pkg-config petsc-dev libhdf5-openmpi-dev libopenblas-dev libfftw3-dev libmatheval-dev
      hdf5-tools python3 python3-h5py python3-matplotlib)
# --paraview: also Debian's ParaView with its Python and a virtual X server, for tests/paraview.sh
if [ "${1:-}" = --paraview ]; then pkgs+=(paraview python3-paraview xvfb xauth); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all dependencies present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
