# tests/sse: the SSE..SSE4.2 and MMX lifter, end to end.  Each program runs
# natively and under ue on both back ends; stdout and exit status must be
# identical (tests/lib.sh compare_native), so the host CPU is the oracle.
#
#   sse_int.c   integer lanes, shifts, shuffles, moves, inserts/extracts,
#               PTEST, sign masks on edge-case and pseudo-random vectors
#   sse_fp.c    FP arithmetic, compares, rounding and conversions on special
#               values (denormals, NaN payloads...) under several MXCSR
#               settings, with the exception flags each raises
#   sse_str.c   PCMPxSTRx for every control byte
#   sse_mmx.c   MMX and MM-register forms, and MMX/x87 state aliasing
#   sse_mxcsr.c arithmetic around MXCSR changes (LDMXCSR, FXRSTOR, signal
#               return, rounding, FTZ/DAZ, an unmasked exception): the JIT's
#               host FP instructions give way to the helpers (src/jit/jit.c)
#   sse_fault.c misaligned m128 operands (#GP: SIGSEGV), LDMXCSR #GP,
#               and (ue only) a VEX instruction giving SIGILL
#   libc_str.c  glibc's SSE string/memory functions (dynamic and static)
#   python3     float formatting and arithmetic in a real program
. tests/lib.sh
mkdir -p "$BUILD/sse"
CFLAGS_SSE="-O1 -msse4.2 -Wall"

REAL_UE=$UE
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$REAL_UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done

# run_both NAME [compare_native options] -- CMD ARGS...: under each back end.
run_both() {
    local name=$1; shift
    for be in interp jit; do
        UE="$TMP/ue-$be" compare_native "$name/$be" "$@"
    done
}

# build NAME [extra gcc args]: compile tests/sse/NAME.c; false (with a FAIL
# line) if it does not build.
build() {
    local name=$1; shift
    if ! gcc $CFLAGS_SSE -o "$BUILD/sse/$name" "tests/sse/${name%_static}.c" "$@" 2>"$TMP/cc.err"; then
        fail "sse/$name" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}

if build sse_int; then
    for s in arith shift shuffle misc mem; do
        run_both "sse/int-$s" -- "$BUILD/sse/sse_int" $s
    done
fi

if build sse_fp; then
    for s in ss sd cmp unary packed cvt random; do
        run_both "sse/fp-$s" -- "$BUILD/sse/sse_fp" $s
    done
fi

build sse_str && run_both "sse/pcmpstr" -- "$BUILD/sse/sse_str"
if build sse_mxcsr -lm; then
    run_both "sse/mxcsr" -- "$BUILD/sse/sse_mxcsr"
    # (and as ue runs by default: early runs interpreted from IR that
    # outlives a change of MXCSR unless it is dropped)
    UE="$REAL_UE" compare_native "sse/mxcsr/tiered" -- "$BUILD/sse/sse_mxcsr"
fi
build sse_mmx && run_both "sse/mmx" -- "$BUILD/sse/sse_mmx"

if build sse_fault; then
    for c in movaps_ok movaps_bad movdqa_st_bad movntdq_bad paddb_bad mulps_bad pshufd_bad \
             ptest_bad movaps_reg_bad pmovzxbw_ok movups_ok movdqu_st_ok lddqu_ok movsd_ok \
             addss_ok movhps_ok pcmpistri_ok pcmpestrm_ok ldmxcsr_bad ldmxcsr_ok; do
        # ue reports the fatal signal on stderr; status and stdout must match.
        # (2>/dev/null: bash's own "Segmentation fault" note on the native run)
        { run_both "sse/fault-$c" --no-stderr -- "$BUILD/sse/sse_fault" $c; } 2>/dev/null
    done
    UE="$TMP/ue-interp" expect_ue "sse/vex-sigill" 132 "unsupported or invalid instruction.*vpxor" -- "$BUILD/sse/sse_fault" vex
fi

if build libc_str -lm; then
    run_both "sse/libc-str" -- "$BUILD/sse/libc_str"
fi
if build libc_str_static -static -lm; then
    run_both "sse/libc-str-static" -- "$BUILD/sse/libc_str_static"
fi

if [ -x /usr/bin/python3 ]; then
    cat >"$TMP/fp.py" <<'PY'
import math, struct
vals = [0.0, -0.0, 1e-310, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1/3,
        2**53 + 1.0, -2.5, 1e22, float('inf'), float('-inf'), float('nan')]
for x in vals:
    out = [repr(x), x.hex(), '%.17g' % x, '%e' % x, str(struct.unpack('<q', struct.pack('<d', x))[0])]
    if math.isfinite(x):
        out += [repr(round(x, 3)), repr(math.floor(x)), repr(math.sqrt(abs(x))), repr(x * 3.5 - 1.25),
                repr(x / 7), repr(math.fsum([x, 1e-16, -x])), repr(float(int(x)) if abs(x) < 1e300 else 0)]
    print(' '.join(out))
print(sum(i * 0.1 for i in range(10000)), sorted([3.5, -1e-300, 2.0, -0.0, 0.0, 1e300]))
PY
    run_both "sse/python3-float" -- /usr/bin/python3 "$TMP/fp.py"
fi
