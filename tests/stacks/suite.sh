# tests/stacks: stack regions and --check-stack-pointer (issue 6).
#   pivot      RSP moved to a heap buffer, then a system call: reported as a
#              stack pivot, with the region map, and the guest dies of
#              SIGSEGV (exit 139); natively the program just works.  The
#              same for a signal delivered there (pivot signal)
#   contexts   makecontext/swapcontext coroutines on malloc'd and mmap'd
#              stacks: no report, output as native
#   and, with the check on: sigaltstack (signals/altstack), threads
#   (threads/counters), a stack overflow caught on the alternate stack,
#   python3 and a shell pipeline — no report.
. tests/lib.sh
D="$BUILD/stacks"
mkdir -p "$D"
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s --check-stack-pointer=yes "$@"\n' "$UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done
build() {
    if ! gcc -O1 -g -pthread -o "$D/$(basename "$1" .c)" "$1" 2>"$TMP/cc.err"; then
        fail "stacks/$(basename "$1" .c)" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}
if build tests/stacks/pivot.c; then
    for opt in --backend=interp --backend=jit --tool=memcheck; do
        name=stacks/pivot/${opt#--}
        out=$(timeout 120 bash -c '"$@"; exit $?' _ "$UE" --check-stack-pointer=yes $opt "$D/pivot" 2>"$TMP/err")
        rc=$?
        if [ $rc != 139 ]; then
            fail "$name" "exit status $rc, expected 139; stderr: $(head -c 300 "$TMP/err")"
        elif ! grep -q '^ue: stack pivot: system call write (1) with RSP 0x[0-9a-f]* outside every stack region' "$TMP/err" ||
            ! grep -q '^ue:   .*\[stack\]$' "$TMP/err"; then
            fail "$name" "no pivot report with the region map: $(head -c 300 "$TMP/err")"
        elif [ "$(echo "$out" | wc -l)" != 1 ]; then
            fail "$name" "the write from the heap stack was made: $out"
        else
            pass "$name"
        fi
    done
    # A signal delivered on the heap stack is reported the same way.
    for opt in --backend=interp --backend=jit; do
        name=stacks/pivot-signal/${opt#--}
        timeout 120 bash -c '"$@"; exit $?' _ "$UE" --check-stack-pointer=yes $opt "$D/pivot" signal >/dev/null 2>"$TMP/err"
        rc=$?
        if [ $rc != 139 ]; then
            fail "$name" "exit status $rc, expected 139; stderr: $(head -c 300 "$TMP/err")"
        elif ! grep -q '^ue: stack pivot: delivery of signal 5 with RSP 0x[0-9a-f]* outside every stack region' "$TMP/err"; then
            fail "$name" "no pivot report: $(head -c 300 "$TMP/err")"
        else
            pass "$name"
        fi
    done
    # Without the check the program runs as natively.
    UE="$UE" compare_native stacks/pivot-unchecked -- "$D/pivot"
    UE="$UE" compare_native stacks/pivot-signal-unchecked -- "$D/pivot" signal
fi
build tests/stacks/contexts.c
build tests/signals/altstack.c
build tests/threads/counters.c
for prog in contexts altstack counters; do
    [ -x "$D/$prog" ] || continue
    for be in interp jit; do
        UE="$TMP/ue-$be" compare_native "stacks/$prog/$be" -- "$D/$prog"
    done
done
for be in interp jit; do
    UE="$TMP/ue-$be" compare_native "stacks/python3/$be" -- /usr/bin/python3 -c 'import threading, json; t = threading.Thread(target=print, args=("thread",)); t.start(); t.join(); print(json.dumps([1, 2]))'
    UE="$TMP/ue-$be" compare_native "stacks/pipeline/$be" -- sh -c 'seq 1 1000 | sort -rn | head -2'
done
