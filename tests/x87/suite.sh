# tests/x87: the x87 FPU and the FPU/SSE state images, run natively and
# under ue with identical output required.
#
#   x87ops.c   freestanding (no libc, no SSE): every x87 operation on a table
#              of edge values, rounding and precision modes; stack faults;
#              FNSTENV/FLDENV, FNSAVE/FRSTOR, FXSAVE/FXRSTOR round trips.
. tests/lib.sh
mkdir -p "$BUILD/x87"
bin="$BUILD/x87/x87ops"
if ! gcc -O1 -nostdlib -static -ffreestanding -fno-builtin -mno-sse -mno-mmx -mno-red-zone \
        -fno-stack-protector -fno-pie -no-pie -o "$bin" tests/x87/x87ops.c 2>"$TMP/cc.err"; then
    fail "x87/x87ops" "does not build: $(head -c 200 "$TMP/cc.err")"
else
    for mode in bin un mem misc; do
        compare_native "x87/ops-$mode" -- "$bin" "$mode"
    done
fi
