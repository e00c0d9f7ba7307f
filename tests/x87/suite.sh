# tests/x87: the x87 FPU and the FPU/SSE state images, run natively and
# under ue (both back ends) with identical output required.
#
#   x87ops.c   freestanding (no libc, no SSE): every x87 operation on a table
#              of edge values, rounding and precision modes; stack faults;
#              FNSTENV/FLDENV, FNSAVE/FRSTOR, FXSAVE/FXRSTOR round trips.
#   ldbl.c     long double through glibc and libm: arithmetic, conversions,
#              printf/strtold, libm functions, rounding modes, fenv; built
#              dynamic -O2 (lazy binding saves state with FXSAVE/XSAVE) and
#              static -O0 (different x87 code from the compiler).
#              Interpreter only while the JIT cannot start glibc programs
#              (then: run_both).
. tests/lib.sh
mkdir -p "$BUILD/x87"

REAL_UE=$UE
for be in interp jit; do
    printf '#!/bin/sh\nexec "%s" --backend=%s "$@"\n' "$REAL_UE" "$be" >"$TMP/ue-$be"
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
    for mode in bin un mem misc; do
        run_both "x87/ops-$mode" "$ops" "$mode"
    done
fi

for variant in "dyn -O2" "static -O0 -static"; do
    set -- $variant
    name=$1; shift
    bin="$BUILD/x87/ldbl-$name"
    if ! gcc "$@" -o "$bin" tests/x87/ldbl.c -lm 2>"$TMP/cc.err"; then
        fail "x87/ldbl-$name" "does not build: $(head -c 200 "$TMP/cc.err")"
        continue
    fi
    for mode in arith conv libm round env; do
        compare_native "x87/ldbl-$name-$mode" -- "$bin" "$mode"
    done
done
