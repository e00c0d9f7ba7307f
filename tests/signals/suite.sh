# tests/signals: guest signal delivery (issue 6), each program run natively
# and under ue on both back ends; stdout, stderr and the exit status must
# be identical.
#
#   frame     the rt_sigframe a handler sees and what rt_sigreturn restores
#   faults    SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP si_code and si_addr
#   fpe       SIGFPE from unmasked floating-point exceptions: SSE (#XM at
#             the instruction) and x87 (#MF at the next waiting one):
#             si_code, si_addr, MXCSR/FSW/FIP in the frame, handler returning
#   masks     masks, pending sets, queued real-time signals, sigsuspend,
#             sigtimedwait, nested handlers, SA_NODEFER, SA_RESETHAND
#   restart   EINTR vs SA_RESTART for blocking calls, timers
#   async     timer, POSIX timer, kill and SIGCHLD signals reaching a handler
#             while the guest loops without system calls
#   altstack  sigaltstack, SA_ONSTACK, stack overflow, SS_AUTODISARM
#   deaths    default actions as a parent's wait sees them (ue dies of the
#             guest's signal), SIG_IGN across execve, SIGCHLD, waitid
#
# deaths and masks also run with --tool=memcheck and --strace (stdout and
# status compared): those catch fatal signals themselves before dying.
. tests/lib.sh
D="$BUILD/signals"
mkdir -p "$D"
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done
printf '#!/bin/sh\nexec "%s" --tool=memcheck "$@" 2>/dev/null\n' "$UE" >"$TMP/ue-memcheck"
printf '#!/bin/sh\nexec "%s" --strace "$@" 2>/dev/null\n' "$UE" >"$TMP/ue-strace"
chmod +x "$TMP/ue-memcheck" "$TMP/ue-strace"

build() {
    if ! gcc -O1 -g -pthread -o "$D/$1" "tests/signals/$1.c" -lm 2>"$TMP/cc.err"; then
        fail "signals/$1" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}

cd "$TMP" || exit 1
for prog in frame faults fpe masks restart async altstack deaths; do
    (cd "$OLDPWD" && build $prog) || continue
    for be in interp jit; do
        UE="$TMP/ue-$be" compare_native "signals/$prog/$be" -- "$D/$prog"
    done
done
for prog in masks deaths; do
    [ -x "$D/$prog" ] || continue
    for how in memcheck strace; do
        UE="$TMP/ue-$how" compare_native "signals/$prog/$how" --no-stderr -- "$D/$prog"
    done
done
# A fault with the signal blocked: the default action is forced.  (An
# inner bash reports the death to its own stderr, not to the suite's.)
if [ -x "$D/faults" ]; then
    for be in interp jit; do
        BLOCKED_FAULT=1 UE="$TMP/ue-$be" compare_native "signals/faults-blocked/$be" --no-stderr -- \
            bash -c '"$@"; exit $?' _ "$D/faults"
    done
fi
