#!/usr/bin/env bash
# Builds wasm/evm.wasm (committed) with Debian's clang-16, lld-16, wasi-libc and
# libc++-16-dev-wasm32:
#   apt-get install clang-16 lld-16 wasi-libc libc++-16-dev-wasm32 libc++abi-16-dev-wasm32 libclang-rt-16-dev-wasm32
# --check rebuilds into a temporary file and fails if the committed module differs.
set -euo pipefail
cd "$(dirname "$0")"
out=evm.wasm
[ "${1:-}" = "--check" ] && out=$(mktemp --suffix=.wasm)
clang++-16 --target=wasm32-wasi --sysroot=/usr \
  -isystem /usr/lib/llvm-16/include/wasm32-wasi/c++/v1 -L/usr/lib/llvm-16/lib/wasm32-wasi \
  -std=c++20 -O3 -fno-exceptions -fno-rtti -mbulk-memory -DNDEBUG \
  -mexec-model=reactor -Wl,-z,stack-size=16777216 -Wl,--strip-all \
  -o "$out" src/*.cpp src/crypto/*.cpp
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$out" evm.wasm; then
    echo "wasm/evm.wasm is stale: run 'npx bun run build:wasm' and commit it" >&2
    exit 1
  fi
  echo "wasm/evm.wasm is up to date"
fi
