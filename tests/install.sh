#!/usr/bin/env bash
# Installs mspinn into a temporary prefix, then builds and runs a consumer with find_package(mspinn)
# and a compile line from pkg-config (mspinn.pc).
set -eu
build=$1; src=$2
prefix=$(mktemp -d); trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$src/tests/consumer" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer" >/dev/null
LD_LIBRARY_PATH="$prefix/lib" "$prefix/consumer/consumer"
libdir=$(ls -d "$prefix"/lib*/pkgconfig | head -1)
flags=$(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs mspinn hdf5-openmpi)
cc "$src/tests/consumer/consumer.c" -o "$prefix/consumer_pc" $flags
LD_LIBRARY_PATH="$(dirname "$libdir")" "$prefix/consumer_pc"
echo "PASS: find_package(mspinn) and pkg-config mspinn both build a working consumer"
