#!/usr/bin/env bash
# Builds the same core natively (native/libevm.so) for bun:ffi: the speed reference that
# shows what WebAssembly costs. Needs g++ (or set CXX).
set -euo pipefail
cd "$(dirname "$0")/.."
${CXX:-g++} -std=c++20 -O3 -march=x86-64-v2 -fno-exceptions -fno-rtti -fPIC -shared -DNDEBUG \
  -fvisibility=hidden -o native/libevm.so wasm/src/*.cpp wasm/src/crypto/*.cpp
