#!/usr/bin/env bash
# Regenerate tests/ir/*.expect from the current build (review the diff!).
set -eu
cd "$(dirname "$0")/../.."
mkdir -p build/tests/ir
for src in tests/ir/*.S; do
    name=$(basename "$src" .S)
    gcc -nostdlib -static -o "build/tests/ir/$name" "$src"
    build/ue -d op "build/tests/ir/$name" 2>"tests/ir/$name.expect" >/dev/null || true
done
