# tests/memcheck: memcheck's bug corpus (issue 5).  One small program per
# bug kind, each run under `ue --tool=memcheck` on both back ends; a test
# passes when
#   - the report, filtered (filter_stderr: pids, addresses, C library
#     frames), equals NAME.stderr.exp, the golden report checked in here;
#   - ue exits with the status the table gives (the program's own, 128+N
#     when it dies of signal N, or --error-exitcode's);
#   - the program's stdout is the same as natively;
# and, where Valgrind can run the same binary (dynamic builds), Valgrind
# 3.19 finds the same errors: kinds, source lines, heap and leak summaries
# (xcheck.py; a source line marked "ue-only:" says why Valgrind misses it).
#
# Golden files are written by hand-checked runs of
#   ue --tool=memcheck OPTIONS build/tests/memcheck/PROG 2>&1 | tests/memcheck/filter_stderr
# from build/tests/memcheck (the table's options, the program as ./PROG).
#
# Static builds (-static: glibc inside, found by its symbol table) run the
# same programs against the same golden files where the report does not
# differ, NAME-static.stderr.exp where it does.
#
# Needs gcc, g++, python3, and valgrind for the cross-check (setup.sh
# installs them); UE_MC_NO_VALGRIND=1 skips the cross-check.
. tests/lib.sh

D=$PWD/tests/memcheck
BIN=$BUILD/memcheck
mkdir -p "$BIN"
export UE_TIMEOUT=${UE_TIMEOUT:-120}
# The system's python3 (a pyenv shim first in PATH costs 2 s a start).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -z "${UE_MC_NO_VALGRIND:-}" ] && ! command -v valgrind >/dev/null; then
    fail memcheck/valgrind "valgrind is needed for the cross-check (run ./setup.sh, or UE_MC_NO_VALGRIND=1)"
    UE_MC_NO_VALGRIND=1
fi

# build NAME SOURCE FLAGS...: compile tests/memcheck/SOURCE into $BIN/NAME
# (C or C++ by its suffix) unless it is up to date.
build() {
    local name=$1 src=$2; shift 2
    local cc=gcc
    case $src in *.cc) cc=g++ ;; esac
    [ "$BIN/$name" -nt "$D/$src" ] && return 0
    if ! $cc -g -O0 -fno-builtin -Wno-free-nonheap-object -Wno-alloc-size-larger-than -I"$PWD/include" \
        "$@" -o "$BIN/$name" "$D/$src" 2>"$TMP/cc.err"; then
        fail "memcheck/build-$name" "$(head -c 300 "$TMP/cc.err")"
    fi
}

for src in "$D"/*.c "$D"/*.cc; do
    f=$(basename "$src")
    build "${f%.*}" "$f"
done
for p in overflow uaf double_free leaks overlap clean_strings clean_strfuncs str_errors straddle; do
    build "$p-static" "$p.c" -static
done
build mismatch-static mismatch.cc -static
# A stripped program (no .symtab: no main, its own frames "???"): its stacks
# end at one "(below main)", glibc's first start-up frame, as Valgrind's.
if [ ! "$BIN/uaf-stripped" -nt "$BIN/uaf" ] && ! strip -o "$BIN/uaf-stripped" "$BIN/uaf"; then
    fail memcheck/build-uaf-stripped "strip failed"
fi

# vgopts OPTIONS...: the options Valgrind is given for the cross-check
# (the machine-readable outputs go: they have tests of their own).
vgopts() {
    local o
    for o in "$@"; do
        case $o in --xml*|--sarif-file=*) ;; *) printf '%s\n' "$o" ;; esac
    done
}

# t NAME PROGRAM STATUS [UE OPTIONS...]: the native run, ue on both back
# ends and Valgrind run side by side, then the checks.  The stdout oracle
# is NAME.stdout.exp if there is one (programs that ask whether they run
# under a checker), else the native run when it ends as the table says
# ue's run must; a buggy program may natively abort (glibc's own heap
# checks) or read what free() left, so otherwise it is Valgrind's run (the
# program under a checker).
t() {
    local name=$1 prog=$2 status=$3; shift 3
    local exp=$D/$name.stderr.exp be out rc src vg=1
    [ -x "$BIN/$prog" ] || { fail "memcheck/$name" "$BIN/$prog is not built"; return; }
    [ -f "$exp" ] || exp=$D/${name%-static}.stderr.exp
    src=${prog%-static}
    src=$D/${src%-stripped}.c
    [ -f "$src" ] || src=${src%.c}.cc
    case $name in *-static) vg= ;; esac
    [ -n "${UE_MC_NO_VALGRIND:-}" ] && vg=
    grep -q "vg-skip:" "$src" && vg=
    local -a vo
    mapfile -t vo < <(vgopts "$@")
    # A static glibc allocates its executable's directory name (for
    # $ORIGIN), so the heap summary depends on where the binary lies: run
    # static programs from a copy at a path of fixed length.
    local dir=$BIN
    case $prog in *-static) dir=$TMP/static && mkdir -p "$dir" && cp "$BIN/$prog" "$dir/" ;; esac
    (cd "$dir" && timeout 60 "./$prog" >"$TMP/$name.native" 2>/dev/null; echo $? >"$TMP/$name.native.rc") 2>/dev/null &
    for be in interp jit; do
        (cd "$dir" && timeout "$UE_TIMEOUT" "$UE" --backend=$be --tool=memcheck "$@" "./$prog" \
            >"$TMP/$name.$be.out" 2>"$TMP/$name.$be.err"; echo $? >"$TMP/$name.$be.rc") 2>/dev/null &
    done
    if [ -n "$vg" ]; then
        (cd "$dir" && timeout 300 valgrind "${vo[@]}" "./$prog" >"$TMP/$name.vg.out" 2>"$TMP/$name.vg") 2>/dev/null &
    fi
    wait
    local oracle=$TMP/$name.native
    if [ -f "$D/$name.stdout.exp" ]; then
        oracle=$D/$name.stdout.exp
    elif [ "$(cat "$TMP/$name.native.rc")" != "$status" ]; then
        oracle=
        [ -n "$vg" ] && oracle=$TMP/$name.vg.out
    fi
    for be in interp jit; do
        out=$TMP/$name.$be
        rc=$(cat "$out.rc")
        "$PY" "$D/filter_stderr" <"$out.err" >"$out.filtered"
        if [ "$rc" != "$status" ]; then
            fail "memcheck/$name/$be" "exit status $rc, expected $status; $(tail -3 "$out.err" | tr '\n' ' ')"
        elif [ -n "$oracle" ] && ! cmp -s "$oracle" "$out.out"; then
            fail "memcheck/$name/$be" "stdout differs from $(basename "$oracle"): $(diff "$oracle" "$out.out" | head -5)"
        elif [ ! -f "$exp" ]; then
            fail "memcheck/$name/$be" "no golden report $exp"
        elif ! cmp -s "$exp" "$out.filtered"; then
            fail "memcheck/$name/$be" "report differs from $(basename "$exp"): $(diff "$exp" "$out.filtered" | head -12)"
        else
            pass "memcheck/$name/$be"
        fi
    done
    [ -n "$vg" ] || return 0
    if out=$("$PY" "$D/xcheck.py" "$src" "$TMP/$name.interp.err" "$TMP/$name.vg"); then
        pass "memcheck/$name/valgrind"
    else
        fail "memcheck/$name/valgrind" "$out"
    fi
}

# roundtrip NAME PROGRAM [UE OPTIONS...]: after `t NAME` ran with
# --gen-suppressions=all, the suppressions it printed, read back with
# --suppressions, silence every error (leaks included).
roundtrip() {
    local name=$1 prog=$2; shift 2
    local supp=$TMP/$name.supp err=$TMP/$name.rt.err
    sed -n '/^{$/,/^}$/p' "$TMP/$name.interp.err" >"$supp"
    if ! grep -q "^{" "$supp"; then
        fail "memcheck/$name/roundtrip" "no suppression was generated"
        return
    fi
    (cd "$BIN" && timeout "$UE_TIMEOUT" "$UE" --tool=memcheck "$@" --suppressions="$supp" "./$prog" >/dev/null 2>"$err")
    if grep -Eq "ERROR SUMMARY: 0 errors from 0 contexts \(suppressed: [1-9]" "$err" &&
        ! grep -Eq "(definitely|possibly) lost: [1-9]" "$err"; then
        pass "memcheck/$name/roundtrip"
    else
        fail "memcheck/$name/roundtrip" "$(grep -E "ERROR SUMMARY|lost:" "$err" | tr '\n' ' ')"
    fi
}

# xml NAME PROGRAM [UE OPTIONS...]: --xml-file and --sarif-file on both
# back ends, checked by xmlcheck.py (shape, and the errors of Valgrind's
# XML for the same binary).
xml() {
    local name=$1 prog=$2; shift 2
    local src=$D/$prog.c be out vgx=
    [ -f "$src" ] || src=$D/$prog.cc
    if [ -z "${UE_MC_NO_VALGRIND:-}" ]; then
        vgx=$TMP/$name.vg.xml
        (cd "$BIN" && timeout 300 valgrind "$@" --xml=yes --xml-file="$vgx" "./$prog" >/dev/null 2>&1) 2>/dev/null
    fi
    for be in interp jit; do
        (cd "$BIN" && timeout "$UE_TIMEOUT" "$UE" --backend=$be --tool=memcheck "$@" --xml=yes \
            --xml-file="$TMP/$name.$be.xml" --sarif-file="$TMP/$name.$be.sarif" "./$prog" >/dev/null 2>&1) 2>/dev/null
        if out=$("$PY" "$D/xmlcheck.py" "$src" "$TMP/$name.$be.xml" "$TMP/$name.$be.sarif" $vgx); then
            pass "memcheck/$name/$be"
        else
            fail "memcheck/$name/$be" "$out"
        fi
    done
}

# ---- heap blocks: overflow, underflow, partial accesses ----
t overflow overflow 0
t underflow underflow 0
t straddle straddle 0
t straddle-plo-no straddle 0 --partial-loads-ok=no
t offbyone offbyone 0
t allocators allocators 0
t pvalloc pvalloc 0
# ---- freed blocks and bad frees ----
t uaf uaf 0
t double_free double_free 0
t free_bad free_bad 0
t mismatch mismatch 0
# ---- outside the heap: the process dies of the fault after the report ----
t wild_read wild_read 139
t noncanonical noncanonical 139
t bus_eof bus_eof 135
t write_rodata write_rodata 139
t write_text write_text 139
t write_mprotect write_mprotect 139
t killed killed 139
t illegal illegal 132
t read_writeonly read_writeonly 0
# ---- stack addresses: whose stack, which frame, how far below ----
t stack_addr stack_addr 0
t stack_guard stack_guard 139
t stack_overflow stack_overflow 139
# ---- arguments ----
t fishy fishy 0
t memalign_bad memalign_bad 0
t alloc_fail alloc_fail 0
# ---- string functions ----
t overlap overlap 0
t str_errors str_errors 0
t str_wild str_wild 139
# ---- clean programs: no error at all ----
t clean_strings clean_strings 0
t clean_strfuncs clean_strfuncs 0
t clean_cxx clean_cxx 0
# ---- a program that closes every descriptor above stderr ----
t closefrom closefrom 0
# ---- installed programs: clean, as under Valgrind ----
# clean NAME ENV... -- COMMAND...: the same stdout and status as natively,
# and no error.  bash looking up a locale alias compares with glibc's
# strcasecmp_l (SSE4.2: reads past the strings); gdb's many libraries make
# ld.so's memcpy, which is its memmove, copy overlapping blocks.
clean() {
    local name=$1; shift
    local -a envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    command -v "$1" >/dev/null || { fail "memcheck/installed-$name" "$1 is not installed (run ./setup.sh)"; return; }
    env "${envs[@]}" "$@" >"$TMP/$name.native" 2>/dev/null
    local nrc=$?
    env "${envs[@]}" timeout "$UE_TIMEOUT" "$UE" --tool=memcheck "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    if [ $rc != $nrc ]; then
        fail "memcheck/installed-$name" "exit status $rc, natively $nrc"
    elif ! cmp -s "$TMP/$name.native" "$TMP/$name.out"; then
        fail "memcheck/installed-$name" "stdout differs: $(diff "$TMP/$name.native" "$TMP/$name.out" | head -4)"
    elif ! grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$TMP/$name.err"; then
        fail "memcheck/installed-$name" "$(grep -m1 -A3 -E 'Invalid|overlap|uninitialised' "$TMP/$name.err")"
    else
        pass "memcheck/installed-$name"
    fi
}
clean bash-locale LANG=en_US.UTF-8 LC_ALL= -- bash -c 'echo ok'
clean gdb-version -- gdb --version

# ---- leaks and their options ----
t leaks leaks 0
t leaks-no leaks 0 --leak-check=no
t leaks-full leaks 0 --leak-check=full
t leaks-all leaks 0 --leak-check=full --show-leak-kinds=all
t leaks-kinds leaks 0 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite
t leak_cliques leak_cliques 0 --leak-check=full --show-leak-kinds=all
t leak_thread_regs leak_thread_regs 0 --leak-check=full --show-leak-kinds=all
t leak_heuristics leak_heuristics 0 --leak-check=full --show-leak-kinds=all
t leak_heuristics-none leak_heuristics 0 --leak-check-heuristics=none
t leak_heuristics-some leak_heuristics 0 --leak-check-heuristics=stdstring,multipleinheritance
t leaks-errors leaks 0 --leak-check=full --show-leak-kinds=none --errors-for-leak-kinds=all
# ---- exit status and stacks ----
t exitcode uaf 42 --error-exitcode=42
t exitcode-clean clean_strings 0 --error-exitcode=42
t exitcode-leaks leaks 7 --leak-check=full --error-exitcode=7
t num_callers deep 0
t num_callers-4 deep 0 --num-callers=4
# ---- suppressions; XML and SARIF ----
t supp str_errors 0 --suppressions="$D/str_errors.supp"
t gensupp str_errors 0 --gen-suppressions=all
roundtrip gensupp str_errors
t gensupp-leaks leaks 0 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --gen-suppressions=all
roundtrip gensupp-leaks leaks --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
xml xml-errors str_errors
xml xml-leaks leaks --leak-check=full --show-leak-kinds=all
xml xml-mismatch mismatch
xml xml-fatal wild_read
# ---- client requests: ue's (client.c) and Valgrind's (vg_client.c) ----
t client client 0 --leak-check=full
t vg_client vg_client 0 --leak-check=full
# client.c natively: every request a no-op.
if (cd "$BIN" && ./client >"$TMP/client.native.out" 2>&1) && cmp -s "$TMP/client.native.out" "$D/client.native.exp"; then
    pass memcheck/client/native
else
    fail memcheck/client/native "$(diff "$D/client.native.exp" "$TMP/client.native.out" | head -5)"
fi
# ---- static programs ----
for p in overflow uaf double_free overlap clean_strings clean_strfuncs str_errors straddle mismatch; do
    t "$p-static" "$p-static" 0
done
t leaks-static leaks-static 0 --leak-check=full --show-leak-kinds=all
t uaf-stripped uaf-stripped 0
# ---- -q, and a forked child's own pid ----
# With -q only errors are printed (no preamble, no summaries); each carries
# the pid of the process that made it (fork_child.c prints both pids).
for be in interp jit; do
    (cd "$BIN" && timeout "$UE_TIMEOUT" "$UE" --backend=$be --tool=memcheck -q ./fork_child \
        >"$TMP/fork.out" 2>"$TMP/fork.err")
    parent=$(sed -n 's/^parent //p' "$TMP/fork.out")
    child=$(sed -n 's/^child //p' "$TMP/fork.out")
    want=$(printf '==%s== Invalid write of size 1\n==%s== Invalid write of size 1\n' "$child" "$parent")
    got=$(grep 'Invalid' "$TMP/fork.err")
    if [ -z "$parent" ] || [ -z "$child" ] || [ "$got" != "$want" ]; then
        fail "memcheck/fork_child/$be" "pids parent '$parent' child '$child'; reported: $(echo $got)"
    elif grep -q 'SUMMARY\|Memcheck, a memory' "$TMP/fork.err"; then
        fail "memcheck/fork_child/$be" "-q printed more than errors: $(grep -m2 'SUMMARY\|Memcheck' "$TMP/fork.err")"
    else
        pass "memcheck/fork_child/$be"
    fi
done
