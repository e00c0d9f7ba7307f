# tests/syscalls: one small program per family of system calls (nolibc.h:
# raw syscalls, no libc, no SSE), run natively and under ue on both back
# ends; stdout, stderr and exit status must be identical.  Each run gets a
# fresh scratch directory called "work" (the programs use relative names).
# Then: how guests end (exit statuses, faults, SIGILL, sent signals), whose
# report lines are checked against what the program printed before dying.
. tests/lib.sh
D="$BUILD/syscalls"
mkdir -p "$D"
CFLAGS_NOLIBC="-O1 -static -nostdlib -fno-stack-protector -mgeneral-regs-only -fno-builtin -Itests/syscalls -Wall"
BACKENDS="interp jit"

build() {
    if ! gcc $CFLAGS_NOLIBC -o "$D/$1" "tests/syscalls/$1.c" 2>"$TMP/cc.err"; then
        fail "syscalls/$1" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}

# run_in_work DIR CMD...: run CMD in a fresh DIR/work, output in DIR/out,err.
# (An inner bash waits for it, so that its "Segmentation fault" notice goes
# to /dev/null rather than into the suite's output.)
run_in_work() {
    local dir=$1; shift
    rm -rf "$dir"
    mkdir -p "$dir/work"
    bash -c 'd=$1; shift; cd "$d/work" || exit 99; timeout 60 "$@" >"$d/out" 2>"$d/err"; exit $?' _ "$dir" "$@" 2>/dev/null
}

# compare_prog PROG ARGS...: native vs each back end.
compare_prog() {
    local prog=$1; shift
    run_in_work "$TMP/native" "$D/$prog" "$@"
    local nrc=$?
    for be in $BACKENDS; do
        local name="syscalls/$prog${1:+-$1}/$be"
        run_in_work "$TMP/ue" "$UE" --backend="$be" "$D/$prog" "$@"
        local urc=$?
        if [ $nrc != $urc ]; then
            fail "$name" "exit status $urc under ue, $nrc natively; ue stderr: $(head -c 300 "$TMP/ue/err")"
        elif ! cmp -s "$TMP/native/out" "$TMP/ue/out"; then
            fail "$name" "stdout differs: $(diff "$TMP/native/out" "$TMP/ue/out" | head -6)"
        elif ! cmp -s "$TMP/native/err" "$TMP/ue/err"; then
            fail "$name" "stderr differs: $(diff "$TMP/native/err" "$TMP/ue/err" | head -6)"
        else
            pass "$name"
        fi
    done
}

for prog in fileio stat dirs perms poll time ids sysinfo random mem signals misc; do
    build $prog && compare_prog $prog
done

# ---- exit statuses
if build exit; then
    for how in "exit 7" "group 0" "group 300" "return 42" "exit 256"; do
        compare_prog exit $how
    done
fi

# ---- guests that die.  Natively the kernel kills them (the shell reports
# 128+signo); under ue the same status and one report line, naming the
# address the program printed just before it faulted.
# expect_death WHAT SIG STATUS PATTERN: PATTERN may use @ADDR@ for the
# address from the program's own "... to 0x..." line.
expect_death() {
    local what=$1 status=$2 pattern=$3
    run_in_work "$TMP/native" "$D/fault" "$what"
    local nrc=$?
    for be in $BACKENDS; do
        local name="syscalls/fault-$what/$be"
        run_in_work "$TMP/ue" "$UE" --backend="$be" "$D/fault" "$what"
        local urc=$?
        local addr; addr=$(sed -n 's/.* \([0-9a-f]*\)$/\1/p' "$TMP/ue/out" | head -1)
        local want=${pattern//@ADDR@/0x$addr}
        if [ $nrc != "$status" ]; then
            fail "$name" "natively exit status $nrc, expected $status"
        elif [ $urc != "$status" ]; then
            fail "$name" "exit status $urc under ue, expected $status: $(head -c 300 "$TMP/ue/err")"
        elif [ "$(wc -l <"$TMP/ue/err")" != 1 ] || ! grep -Eq -- "$want" "$TMP/ue/err"; then
            fail "$name" "report is not one line matching /$want/: $(head -c 300 "$TMP/ue/err")"
        elif ! cmp -s <(sed 's/[0-9a-f]*$//' "$TMP/native/out") <(sed 's/[0-9a-f]*$//' "$TMP/ue/out"); then
            fail "$name" "stdout differs: $(diff "$TMP/native/out" "$TMP/ue/out" | head -4)"
        else
            pass "$name"
        fi
    done
}
if build fault; then
    expect_death ro 139 '^ue: guest killed by SIGSEGV \(SEGV_ACCERR\) at pc 0x[0-9a-f]+, fault address @ADDR@$'
    expect_death wild 139 '^ue: guest killed by SIGSEGV \(SEGV_MAPERR\) at pc 0x[0-9a-f]+, fault address @ADDR@$'
    expect_death null 139 '^ue: guest killed by SIGSEGV \(SEGV_MAPERR\) at pc 0x[0-9a-f]+, fault address 0x0$'
    expect_death noexec 139 '^ue: guest killed by SIGSEGV \(SEGV_ACCERR\) at pc @ADDR@, fault address @ADDR@$'
    expect_death ud2 132 '^ue: guest killed by SIGILL \(ILL_ILLOPN\) at pc 0x[0-9a-f]+: unsupported or invalid instruction 0f 0b \(ud2\)$'
    expect_death kill-segv 139 '^ue: guest killed by SIGSEGV \(sent by kill\) at pc 0x[0-9a-f]+$'
    expect_death tgkill-bus 135 '^ue: guest killed by SIGBUS \(sent by tkill/tgkill\) at pc 0x[0-9a-f]+$'
    compare_prog fault kill-segv-ignored
    compare_prog fault kill-segv-blocked
    # MAP_FIXED outside the guest window: ENOMEM and one warning, once.
    "$UE" "$D/fault" fixed-outside >"$TMP/fx.out" 2>"$TMP/fx.err"
    if [ "$(grep -c 'ENOMEM' "$TMP/fx.out")" = 2 ] && [ "$(wc -l <"$TMP/fx.err")" = 1 ] &&
        grep -q '^ue: warning: guest mmap(MAP_FIXED) at 0x500000000000 is outside the guest address range' "$TMP/fx.err"; then
        pass syscalls/map-fixed-outside-G
    else
        fail syscalls/map-fixed-outside-G "stdout: $(cat "$TMP/fx.out") stderr: $(cat "$TMP/fx.err")"
    fi
fi

# An instruction that is valid on some CPUs but not implemented by ue
# (AVX-512: ue's CPUID does not offer it) gives SIGILL, naming its bytes.
printf '.globl _start\n_start:\n .byte 0x62,0xf1,0xfe,0x48,0x6f,0x06\n' >"$TMP/avx512.S"
if gcc -nostdlib -static -o "$D/avx512" "$TMP/avx512.S" 2>"$TMP/cc.err"; then
    for be in $BACKENDS; do
        expect_ue "syscalls/sigill-unimplemented/$be" 132 \
            '^ue: guest killed by SIGILL \(ILL_ILLOPN\) at pc 0x401000: unsupported or invalid instruction 62 f1 fe 48 6f 06( 00)* \(vmovdqu64 zmm0, zmmword ptr \[rsi\]\)$' \
            -- --backend="$be" "$D/avx512"
    done
fi

# ---- --strace: ue's trace of trace.c must be trace.expect after masking
# addresses (and the padding before " = " that depends on their length);
# where strace is installed, strace's own trace must be the same, apart from
# ue's one warning for the unknown system call.
mask_trace() { sed -E 's/0x[0-9a-f]{4,}/0xADDR/g; s/ +=/ =/'; }
if build trace; then
    rm -rf "$TMP/tr" && mkdir -p "$TMP/tr" && cp "$D/trace" "$TMP/tr/"
    for opt in --strace -strace; do
        (cd "$TMP/tr" && env -i A=1 B=2 "$UE" $opt ./trace 2>"$TMP/tr/raw" >"$TMP/tr/out")
        rc=$?
        mask_trace <"$TMP/tr/raw" >"$TMP/tr/ue"
        if [ $rc != 3 ] || [ "$(cat "$TMP/tr/out")" != hello ]; then
            fail "syscalls/strace$opt" "exit status $rc (expected 3), stdout [$(head -c 100 "$TMP/tr/out")]"
        elif ! diff tests/syscalls/trace.expect "$TMP/tr/ue" >"$TMP/tr/diff"; then
            fail "syscalls/strace$opt" "differs from trace.expect: $(head -8 "$TMP/tr/diff")"
        else
            pass "syscalls/strace$opt"
        fi
    done
    # The result column: " = " at column 41 unless the call is longer.
    bad=$(awk '/\) +=/ { i = index($0, ") "); j = index($0, " = "); if (i < 39 && j != 40) print }' "$TMP/tr/raw")
    [ -z "$bad" ] && pass syscalls/strace-columns || fail syscalls/strace-columns "misaligned: $bad"
    if command -v strace >/dev/null && (cd "$TMP/tr" && env -i A=1 B=2 strace -o "$TMP/tr/real" ./trace >/dev/null); [ -s "$TMP/tr/real" ]; then
        mask_trace <"$TMP/tr/real" >"$TMP/tr/strace"
        if diff "$TMP/tr/strace" <(grep -v '^ue: ' "$TMP/tr/ue") >"$TMP/tr/diff2"; then
            pass syscalls/strace-vs-strace
        else
            fail syscalls/strace-vs-strace "differs from strace: $(head -8 "$TMP/tr/diff2")"
        fi
    fi
    # Without --strace the unknown call gives one warning, once.
    (cd "$TMP/tr" && "$UE" ./trace >/dev/null 2>"$TMP/tr/warn")
    if [ "$(cat "$TMP/tr/warn")" = "ue: system call 500 (unknown) is not implemented: the guest gets ENOSYS" ]; then
        pass syscalls/enosys-warning
    else
        fail syscalls/enosys-warning "stderr: $(head -c 300 "$TMP/tr/warn")"
    fi
fi

# --strace on a real dynamic program: its output is untouched, every trace
# line is a call with a result (or execve / exit lines), and glibc's
# routine probes (rseq) give no warning.
if "$UE" --strace /bin/ls / >"$TMP/ls.out" 2>"$TMP/ls.err" && /bin/ls / | cmp -s - "$TMP/ls.out"; then
    odd=$(grep -Ev '^([a-z_0-9]+\(.*\) += (-?[0-9]+|0x[0-9a-f]+|\?|-1 E[A-Z0-9]+ \(.*\))|\+\+\+ exited with 0 \+\+\+)$' "$TMP/ls.err" | head -3)
    [ -z "$odd" ] && grep -q '^execve("/bin/ls", \["/bin/ls", "/"\]' "$TMP/ls.err" && pass syscalls/strace-ls ||
        fail syscalls/strace-ls "unexpected lines: $odd"
else
    fail syscalls/strace-ls "ls failed or its output differs: $(head -c 300 "$TMP/ls.err")"
fi

# A fault under --strace ends like strace shows it (signal, then "killed").
if [ -x "$D/fault" ]; then
    # (ue dies of the SIGSEGV, as the program does natively: the inner bash
    # keeps its "Segmentation fault" notice out of the suite's output)
    bash -c '"$1" --strace "$2" ro >/dev/null 2>"$3"' _ "$UE" "$D/fault" "$TMP/fault.tr" 2>/dev/null
    if tail -3 "$TMP/fault.tr" | head -2 | mask_trace | diff - <(printf '%s\n' \
        '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0xADDR} ---' '+++ killed by SIGSEGV +++') >/dev/null; then
        pass syscalls/strace-fault
    else
        fail syscalls/strace-fault "ends with: $(tail -3 "$TMP/fault.tr")"
    fi
fi

# ue's own descriptor for --log-file must not shift the guest's: its first
# open still returns 3.
if [ -x "$D/fileio" ]; then
    run_in_work "$TMP/native" "$D/fileio"
    run_in_work "$TMP/ue" "$UE" --log-file="$TMP/ue.log" "$D/fileio"
    if cmp -s "$TMP/native/out" "$TMP/ue/out"; then
        pass syscalls/log-file-fd
    else
        fail syscalls/log-file-fd "stdout differs: $(diff "$TMP/native/out" "$TMP/ue/out" | head -4)"
    fi
fi
