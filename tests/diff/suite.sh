# tests/diff: the differential tester (tests/diff/diffcpu, built by `make
# tests`): every integer instruction form ue implements, run natively and
# through ue's lifter and both back ends (interpreter, JIT) on all
# edge-value pairs and DIFF_CASES (default 200) random inputs each, and
# DIFF_PAIRS (default 2000) flag producer + consumer pairs per consumer
# kind and DIFF_SEQS (default 20000) sequences of 2..8 register-only
# instructions in one block; one PASS/FAIL line per instruction family, a
# failure followed by its first mismatching case.  Then the regression programs in tests/diff/regress/:
# multi-instruction blocks that once crashed or miscompiled ue, run
# natively and under ue on both back ends.  diffcpu runs a second time with
# --fp-traps (SSE and x87 exceptions unmasked in some cases: #XM, #MF).
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
    # Unmasked floating-point exceptions (--fp-traps): the SSE and x87
    # forms, and sequences (x87 #MF at a later member), named diff/fp-traps/.
    for run in "--match sse: --cases 100 --pairs 0 --seqs 0" "--match x87 --cases 200 --pairs 0 --seqs 0" \
               "--cases 0 --no-edges --pairs 0 --seqs 20000"; do
        timeout 300 "$bin" --fp-traps $run --seed "${DIFF_SEED:-1}" >"$TMP/fp.out" 2>&1
        rc=$?
        grep -v '^diffcpu:' "$TMP/fp.out" | sed -E 's#^(PASS|FAIL) diff/#\1 diff/fp-traps/#'
        if [ $rc != 0 ] && ! grep -q '^FAIL ' "$TMP/fp.out"; then
            fail "diff/fp-traps" "diffcpu --fp-traps $run exited with status $rc: $(tail -c 300 "$TMP/fp.out")"
        fi
    done
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
    # (the default runs a block's first run in the interpreter; these run once)
    UE_JIT_EAGER=1 UE_OPTS=--backend=jit compare_native "diff/regress/$name/jit" --no-stderr -- "$exe"
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

# --diff-check (src/exec/diffcheck.c): programs run block by block on the
# interpreter and the JIT, compared after every block, must show no
# divergence and print what they print natively; a divergence injected into
# the JIT's result (UE_DIFF_CHECK_INJECT, a register or a byte written) must
# be reported with the block, the state before it and the difference, and
# end ue with status 70.
exe="$BUILD/diff/diffcheck_prog"
if ! gcc -O2 -o "$exe" tests/diff/diffcheck/prog.c 2>"$TMP/cc.err"; then
    fail "diff/check/prog" "does not compile: $(head -c 200 "$TMP/cc.err")"
else
    UE_OPTS=--diff-check compare_native diff/check/prog -- "$exe"
    UE_OPTS=--diff-check compare_native diff/check/pipeline -- sh -c 'seq 1 5000 | sort -rn | gzip -9 | gzip -d | md5sum'
    for inject in 300 300:mem; do
        case $inject in *:mem) name=diff/check/inject-mem ;; *) name=diff/check/inject-reg ;; esac
        UE_DIFF_CHECK_INJECT=$inject timeout 120 "$UE" --diff-check "$exe" >/dev/null 2>"$TMP/inject.err"
        rc=$?
        if [ $rc != 70 ]; then
            fail "$name" "exit status $rc, not 70: $(head -c 300 "$TMP/inject.err")"
        elif ! grep -q '^ue: --diff-check: the interpreter and the JIT disagree on the block at 0x' "$TMP/inject.err" ||
             ! grep -q '^IN: 0x' "$TMP/inject.err" || ! grep -q '^ue: state before the block:' "$TMP/inject.err"; then
            fail "$name" "report lacks the block or the state before it: $(head -c 300 "$TMP/inject.err")"
        else
            # The injected difference, exactly: bit 0 of RAX, or of the
            # first byte the block wrote.
            if [ "$inject" = 300 ]; then
                set -- $(grep -E '^    rax +[0-9a-f]{16}  [0-9a-f]{16}$' "$TMP/inject.err")
                [ $# = 3 ] && [ $(( 0x$2 ^ 0x$3 )) = 1 ]
            else
                set -- $(grep -E '^    memory at 0x[0-9a-f]+, [0-9]+ bytes in address order: ' "$TMP/inject.err")
                [ $# = 10 ] && [ $(( 0x${9:0:2} ^ 0x${10:0:2} )) = 1 ] && [ "${9:2}" = "${10:2}" ]
            fi
            if [ $? = 0 ]; then
                pass "$name"
            else
                fail "$name" "the reported difference is not the injected one: $(grep -A4 '^ue: after the block' "$TMP/inject.err" | tr '\n' ' ')"
            fi
        fi
    done
    "$UE" --diff-check --tool=memcheck "$exe" >/dev/null 2>"$TMP/usage.err"
    rc=$?
    if [ $rc = 2 ] && grep -q -- '--diff-check' "$TMP/usage.err"; then
        pass "diff/check/usage"
    else
        fail "diff/check/usage" "--diff-check with a tool: status $rc, $(head -c 200 "$TMP/usage.err")"
    fi
fi
