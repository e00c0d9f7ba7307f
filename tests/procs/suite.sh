# tests/procs: real programs that fork, exec, use threads, pipes, signals
# and sockets (issue 6), run natively and under ue on both back ends with
# byte-identical stdout, stderr and exit status (tests/lib.sh
# compare_native).  Every process the command starts runs under ue too:
# ue follows execve.
#
#   pipelines      bash/sh pipelines and loops
#   make           a generated Makefile project built with cc (gcc's driver,
#                  cc1, as, collect2, ld all under ue)
#   xz -T2, sort --parallel=2   threads in C programs
#   timeout 1 sleep 5           a timer signal killing a child (exit 124)
#   python3        threading, subprocess, multiprocessing
#   tcp-echo       a python3 server and client over loopback TCP, both ue
#   tar czf | tar tzf, perl fork
#   stdin-closed   a program started with fd 0 closed, under memcheck: ue's
#                  own files are not found there
#   tty-sigint     ^C typed on a pseudo-terminal reaches a program sleeping
#                  or looping, which dies of SIGINT or runs its trap
#                  (tty_sigint.py, a python3 driver)
#   exec           execve's errors as the kernel gives them, argv[0], process
#                  groups and sessions, PR_SET_PDEATHSIG (exec.c)
#   spawn          posix_spawn (file actions, signal attributes, process
#                  group) and vfork + execve/_exit; the parent waits for
#                  the exec (spawn.c)
#   trace-children whether a program exec'd by a shell runs under ue, with
#                  --trace-children=yes|no and --trace-children-skip; the
#                  messages of a child process name its pid
#
# python3 is named by absolute path (a pyenv shim may come first in PATH).
# Each ue run may take UE_TIMEOUT seconds (default 300 here); the suite
# stops starting new tests after UE_PROCS_BUDGET seconds (default 900).
. tests/lib.sh
: "${UE_TIMEOUT:=300}"
export UE_TIMEOUT
budget=${UE_PROCS_BUDGET:-900}
start=$SECONDS
HERE=$PWD/tests/procs
D="$TMP/procs"
mkdir -p "$D"
cd "$D" || exit 1
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done

# run NAME NEED -- compare_native args: on both back ends, unless NEED is
# missing or the time budget is spent.
run() {
    local name=$1 need=$2 be
    shift 2
    for be in interp jit; do
        if ! command -v "$need" >/dev/null; then
            fail "procs/$name/$be" "$need is missing: run ./setup.sh"
        elif [ $((SECONDS - start)) -ge "$budget" ]; then
            fail "procs/$name/$be" "not run: the suite's time budget (${budget}s) is spent"
        else
            UE="$TMP/ue-$be" compare_native "procs/$name/$be" "$@"
        fi
    done
}

# Inputs, generated deterministically.
seq 1 200000 | awk '{ print ($1 * 7919) % 100003 }' >data.txt
mkdir -p proj tree
for i in 1 2 3; do printf 'int f%d(int x) { return x * %d; }\n' $i $i >proj/f$i.c; done
printf '#include <stdio.h>\nint f1(int), f2(int), f3(int);\nint main(void) { printf("%%d\\n", f1(1) + f2(2) + f3(3)); return 0; }\n' >proj/main.c
printf 'prog: main.o f1.o f2.o f3.o\n\tcc -o $@ $^\n%%.o: %%.c\n\tcc -O1 -c $<\n' >proj/Makefile
for i in $(seq 1 40); do seq 1 $((i * 50)) >tree/file$i.txt; done

run pipe-bash bash -- bash -c 'seq 1 100000 | sort -rn | head -3'
run pipe-sh sh -- sh -c 'for i in 1 2 3; do echo $i; done | wc -l'
run make make -- sh -c 'rm -rf b && cp -r proj b && cd b && make && ./prog'
run xz-T2 xz -- xz -T2 -c data.txt
run sort-parallel sort -- sort -n --parallel=2 -S 1M data.txt
run timeout timeout -- timeout 1 sleep 5
run tar-pipe tar -- sh -c 'tar czf - tree | tar tzf -'
run perl-fork perl -- perl -e 'for my $i (1..3) { my $p = fork; if (!$p) { print "child $i\n"; exit $i } waitpid($p, 0); print "parent saw ", $? >> 8, "\n" }'
run python-threading /usr/bin/python3 -- /usr/bin/python3 -c '
import threading
r = []
lock = threading.Lock()
def f(i):
    s = sum(range(i * 1000))
    with lock:
        r.append(s)
ts = [threading.Thread(target=f, args=(i,)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sorted(r))'
run python-subprocess /usr/bin/python3 -- /usr/bin/python3 -c '
import subprocess
print(subprocess.run(["echo", "hi"], capture_output=True).stdout)
print(subprocess.call("exit 3", shell=True))
print(subprocess.run(["sh", "-c", "kill -TERM $$"]).returncode)
try:
    subprocess.run(["/nonexistent/prog"])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)'
run python-multiprocessing /usr/bin/python3 -- /usr/bin/python3 -c '
import multiprocessing as mp
def sq(x):
    return x * x
if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(p.map(sq, range(20)))'
run tty-sigint /usr/bin/python3 -- /usr/bin/python3 "$HERE/tty_sigint.py"
# A program started with stdin closed finds it closed, under memcheck too
# (whose symbol reader keeps files open: at high descriptors).
printf '#!/bin/sh\nexec "%s" --tool=memcheck -q "$@"\n' "$UE" >"$TMP/ue-memcheck"
chmod +x "$TMP/ue-memcheck"
UE="$TMP/ue-memcheck" compare_native procs/stdin-closed/memcheck -- sh -c 'exec 0<&-; cat; echo $?'
cp "$HERE/echo_server.py" "$HERE/echo_client.py" .
run tcp-echo /usr/bin/python3 -- sh -c 'rm -f port; /usr/bin/python3 echo_server.py port >srv.out & /usr/bin/python3 echo_client.py port; wait; cat srv.out'

# exec.c: natively and under ue.
if gcc -O1 -g -I"$HERE/../../include" -o "$D/exec" "$HERE/exec.c" 2>"$TMP/cc.err"; then
    run exec sh -- "$D/exec"
    # Following execve: the program says whether it runs under ue.
    check_follow() {
        local name=$1 want=$2
        shift 2
        local got
        got=$(timeout 120 "$UE" "$@" 2>&1)
        [ "$got" = "$want" ] && pass "procs/$name" || fail "procs/$name" "expected '$want', got '$got'"
    }
    check_follow trace-children-default "under ue" sh -c "\"$D/exec\" onue"
    check_follow trace-children-no "native" --trace-children=no sh -c "\"$D/exec\" onue"
    check_follow trace-children-skip "native" --trace-children-skip='*/nothing,*/exec' sh -c "\"$D/exec\" onue"
    check_follow trace-children-skip-other "under ue" --trace-children-skip='*/nothing' sh -c "\"$D/exec\" onue"
    # A child process's report names its pid.
    err=$(timeout 120 "$UE" sh -c 'sh -c "kill -SEGV \$\$"; exit 0' 2>&1)
    if echo "$err" | grep -Eq '^ue\[[0-9]+\]: guest killed by SIGSEGV \(sent by kill\)'; then
        pass procs/child-messages-pid
    else
        fail procs/child-messages-pid "stderr: $err"
    fi
else
    fail procs/exec "does not build: $(head -c 300 "$TMP/cc.err")"
fi
if gcc -O1 -g -o "$D/spawn" "$HERE/spawn.c" 2>"$TMP/cc.err"; then
    run spawn sh -- "$D/spawn"
else
    fail procs/spawn "does not build: $(head -c 300 "$TMP/cc.err")"
fi
