# tests/asm: small static assembly programs (no libc), each run natively
# and under ue; stdout and exit status must match.
. tests/lib.sh
mkdir -p "$BUILD/asm"
for src in tests/asm/*.S; do
    name=$(basename "$src" .S)
    bin="$BUILD/asm/$name"
    if ! gcc -nostdlib -static -o "$bin" "$src" 2>"$TMP/cc.err"; then
        fail "asm/$name" "does not assemble: $(head -c 200 "$TMP/cc.err")"
        continue
    fi
    compare_native "asm/$name" -- "$bin"
done
