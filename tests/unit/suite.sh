# tests/unit: unit tests of ue's layers, one binary per
# tests/unit/<layer>/*_test.c, built by `make tests` (or `make check`) into
# $UE_BUILD_DIR/tests/unit/<layer>/ against that build mode's objects.
# Each binary prints one PASS/FAIL line per TEST (see tests/unit/test.h).
# A source without a binary, or a binary that dies without reporting every
# test, is a failure of its own.
. tests/lib.sh
for src in tests/unit/*/*_test.c; do
    rel=${src#tests/unit/}
    rel=${rel%.c}
    bin="$UE_BUILD_DIR/tests/unit/$rel"
    if [ ! -x "$bin" ] || [ "$bin" -ot "$src" ]; then
        fail "unit/$rel" "not built or stale: run 'make tests' (or make check) first"
        continue
    fi
    timeout 300 "$bin" >"$TMP/unit.out" 2>&1
    rc=$?
    cat "$TMP/unit.out"
    if [ $rc != 0 ] && ! grep -q '^FAIL ' "$TMP/unit.out"; then
        fail "unit/$rel" "exited with status $rc without reporting a failed test"
    fi
    if ! grep -q '^PASS \|^FAIL ' "$TMP/unit.out"; then
        fail "unit/$rel" "ran no test"
    fi
done
