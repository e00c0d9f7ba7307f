# tests/x87: the x87 FPU and the FPU/SSE state images, run natively and
# under ue (both back ends) with identical output required.
#
#   x87ops.c   freestanding (no libc, no SSE): every x87 operation on a table
#              of edge values, rounding and precision modes; stack faults;
#              FNSTENV/FLDENV, FNSAVE/FRSTOR, FXSAVE/FXRSTOR, XSAVE/XRSTOR
#              round trips; the #GP cases of the state instructions.
#   ldbl.c     long double through glibc and libm: arithmetic, conversions,
#              printf/strtold, libm functions, rounding modes, fenv; built
#              dynamic -O2 (lazy binding saves state with FXSAVE/XSAVE) and
#              static -O0 (different x87 code from the compiler).
. tests/lib.sh
mkdir -p "$BUILD/x87"

REAL_UE=$UE
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$REAL_UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done

# run_both NAME CMD ARGS...: compare_native under each back end.
run_both() {
    local name=$1; shift
    for be in interp jit; do
        UE="$TMP/ue-$be" compare_native "$name/$be" -- "$@"
    done
}

ops="$BUILD/x87/x87ops"
if ! gcc -O1 -nostdlib -static -ffreestanding -fno-builtin -mno-sse -mno-mmx -mno-red-zone \
        -fno-stack-protector -fno-pie -no-pie -o "$ops" tests/x87/x87ops.c 2>"$TMP/cc.err"; then
    fail "x87/ops" "does not build: $(head -c 200 "$TMP/cc.err")"
else
    for mode in bin un mem misc ptrs; do
        run_both "x87/ops-$mode" "$ops" "$mode"
    done
    for n in 0 1 2 3 4 5 6 7; do # (2>/dev/null: the shell's "Segmentation fault")
        UE="$TMP/ue-interp" compare_native "x87/fault-$n" --no-stderr -- "$ops" fault "$n" 2>/dev/null
    done
    # XGETBV with ECX=1 is #GP on ue's CPU (not advertised), not the host's.
    expect_ue "x87/fault-xgetbv1" 139 "SIGSEGV" -- "$ops" fault 8
fi

# What glibc makes of ue's CPUID/XGETBV: XSAVE usable, AVX not (XCR0 = 3).
cpu="$BUILD/x87/cpu"
if ! gcc -O2 -o "$cpu" tests/x87/cpu.c 2>"$TMP/cc.err"; then
    fail "x87/cpu-features" "does not build: $(head -c 200 "$TMP/cc.err")"
else
    want="xsave=1 osxsave=1 avx=0 avx2=0 xcr0=0:0x3"
    got=$("$UE" "$cpu" 2>&1)
    if [ "$got" = "$want" ]; then
        pass "x87/cpu-features"
    else
        fail "x87/cpu-features" "got '$got', want '$want'"
    fi
fi

for variant in "dyn -O2" "static -O0 -static"; do
    set -- $variant
    name=$1; shift
    bin="$BUILD/x87/ldbl-$name"
    if ! gcc "$@" -o "$bin" tests/x87/ldbl.c -lm 2>"$TMP/cc.err"; then
        fail "x87/ldbl-$name" "does not build: $(head -c 200 "$TMP/cc.err")"
        continue
    fi
    for mode in lazy arith conv libm round env; do
        run_both "x87/ldbl-$name-$mode" "$bin" "$mode"
    done
done
