# tests/diff: the differential tester (tests/diff/diffcpu, built by `make
# tests`): every integer instruction form ue implements, run natively and
# through ue's lifter and both back ends (interpreter, JIT) on all
# edge-value pairs and DIFF_CASES (default 200) random inputs each, and
# DIFF_PAIRS (default 2000) flag producer + consumer pairs per consumer
# kind and DIFF_SEQS (default 20000) sequences of 2..8 register-only
# instructions in one block; one PASS/FAIL line per instruction family, a
# failure followed by its first mismatching case.  Then the regression programs in tests/diff/regress/:
# multi-instruction blocks that once crashed or miscompiled ue, run
# natively and under ue on both back ends.
. tests/lib.sh
bin="$UE_BUILD_DIR/tests/diff/diffcpu"
if [ ! -x "$bin" ]; then
    fail "diff/diffcpu" "not built: run 'make tests' (or make check) first"
else
    timeout 900 "$bin" --cases "${DIFF_CASES:-200}" --pairs "${DIFF_PAIRS:-2000}" --seqs "${DIFF_SEQS:-20000}" --seed "${DIFF_SEED:-1}" \
        >"$TMP/diff.out" 2>&1
    rc=$?
    grep -v '^diffcpu:' "$TMP/diff.out"
    summary=$(grep '^diffcpu:' "$TMP/diff.out")
    [ -n "$summary" ] && echo "   $summary"
    if [ $rc != 0 ] && ! grep -q '^FAIL ' "$TMP/diff.out"; then
        fail "diff/diffcpu" "exited with status $rc: $(tail -c 300 "$TMP/diff.out")"
    fi
fi

mkdir -p "$BUILD/diff"
for src in tests/diff/regress/*.S; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .S)
    exe="$BUILD/diff/$name"
    if ! gcc -nostdlib -static -o "$exe" "$src" 2>"$TMP/cc.err"; then
        fail "diff/regress/$name" "does not assemble: $(head -c 200 "$TMP/cc.err")"
        continue
    fi
    compare_native "diff/regress/$name" --no-stderr -- "$exe"
    UE_OPTS=--backend=jit compare_native "diff/regress/$name/jit" --no-stderr -- "$exe"
done

# The decoder and lifter against Zydis: instruction lengths on every
# instruction of three Debian binaries and on random bytes, and the share
# of their instructions ue decodes and lifts (printed, for the record).
dbin="$UE_BUILD_DIR/tests/diff/decheck/decheck"
if [ ! -x "$dbin" ]; then
    fail "diff/decheck" "not built: run 'make tests' (or make check) first"
else
    files=""
    for f in /usr/lib/x86_64-linux-gnu/libc.so.6 /usr/bin/python3.11 /bin/busybox; do
        [ -r "$f" ] && files="$files $f"
    done
    timeout 300 "$dbin" --random "${DECHECK_RANDOM:-1000000}" $files
fi
