# tests/net: the I/O and IPC system calls of issue 6 (ipc.c: sockets with
# iovecs and control messages, SCM_RIGHTS, SCM_CREDENTIALS, TCP and UDP on
# loopback, epoll, eventfd, timerfd, signalfd, inotify, memfd, splice/tee/
# sendfile/copy_file_range, statfs, utimensat, flock, mknod, sched_*) and
# System V IPC (sysv.c: shared memory attached, shared with a child and
# detached; semaphores; message queues), run natively and under ue on both
# back ends with identical output.  The
# TCP echo between two ue processes is in tests/procs.
. tests/lib.sh
D="$BUILD/net"
mkdir -p "$D"
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done
for prog in ipc sysv; do
    if gcc -O1 -g -o "$D/$prog" tests/net/$prog.c 2>"$TMP/cc.err"; then
        for be in interp jit; do
            UE="$TMP/ue-$be" compare_native "net/$prog/$be" -- "$D/$prog"
        done
    else
        fail net/$prog "does not build: $(head -c 300 "$TMP/cc.err")"
    fi
done
