# tests/threads: guest threads as host threads (issue 6), each program run
# natively and under ue on both back ends (and on the JIT compiling every
# block again after its first run, jit-hot, while other threads run it);
# stdout, stderr and the exit status must be identical.
#
#   counters   N threads x M increments (atomic, mutex, xchg spinlock,
#              cmpxchg loop): exact totals; __thread and pthread keys
#   condvar    producers/consumers on condition variables, a barrier, a
#              rwlock, semaphores
#   futexes    PI mutexes (FUTEX_LOCK_PI...), robust mutexes whose owner
#              thread or process ends holding them (EOWNERDEAD)
#   lifecycle  create/join, detached threads, pthread_cancel with cleanup
#              handlers, pthread_kill, a process signal going to the thread
#              that does not block it; exit from a thread, a thread killed
#              by a signal, main ending first
. tests/lib.sh
D="$BUILD/threads"
mkdir -p "$D"
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done
printf '#!/bin/sh\nexport UE_JIT_HOT=1\nexec "%s" --backend=jit "$@"\n' "$UE" >"$TMP/ue-jit-hot"
chmod +x "$TMP/ue-jit-hot"
build() {
    if ! gcc -O1 -g -pthread -o "$D/$1" "tests/threads/$1.c" 2>"$TMP/cc.err"; then
        fail "threads/$1" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}
for prog in counters condvar futexes lifecycle; do
    build $prog || continue
    for be in interp jit jit-hot; do
        UE="$TMP/ue-$be" compare_native "threads/$prog/$be" -- "$D/$prog"
    done
done
if [ -x "$D/lifecycle" ]; then
    for mode in exit-from-thread killed-by-signal main-exits-first; do
        for be in interp jit; do
            UE="$TMP/ue-$be" compare_native "threads/lifecycle-$mode/$be" --no-stderr -- \
                bash -c '"$@"; exit $?' _ "$D/lifecycle" $mode
        done
    done
fi
