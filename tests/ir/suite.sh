# tests/ir: golden IR.  Each NAME.S is assembled into a static binary and
# run under `ue -d op`; the printed IR must equal NAME.expect.  The files say
# in their comments which property of the IR they pin down.  After an
# intended change to the lifter or the printer, regenerate with
# tests/ir/update.sh and review the diff.
. tests/lib.sh
mkdir -p "$BUILD/ir"
for src in tests/ir/*.S; do
    name=$(basename "$src" .S)
    bin="$BUILD/ir/$name"
    if ! gcc -nostdlib -static -o "$bin" "$src" 2>"$TMP/cc.err"; then
        fail "ir/$name" "does not assemble: $(head -c 200 "$TMP/cc.err")"
        continue
    fi
    "$UE" -d op "$bin" 2>"$TMP/$name.ir" >/dev/null
    if diff -u "tests/ir/$name.expect" "$TMP/$name.ir" >"$TMP/$name.diff"; then
        pass "ir/$name"
    else
        fail "ir/$name" "IR differs from tests/ir/$name.expect: $(head -20 "$TMP/$name.diff" | tr '\n' ' ')"
    fi
done
