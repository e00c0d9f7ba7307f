# tests/debug: src/debug against the tools developers trust.  The suite
# compiles small crashing programs (C at -O0 and -O2, C++ with inlined
# templates, static, static-pie, non-PIE, without unwind tables, with a
# separate debug file) and holds src/debug's answers (through dbgtool, a
# driver linked with ue's objects) against:
#   addr2line -f -i -C   function, file:line and inlined frames of every
#                        instruction of the program's own functions
#   gdb                  the unwound stack at a SIGSEGV, frame by frame
#                        (pc, function, file:line, inlined frames)
#   c++filt             every mangled symbol of the C++ program
#   nm                   the addresses of named functions (malloc & co.)
#   python3              the XML report parsed back, the SARIF parsed as JSON
#   nm -S                data objects by address
# and, end to end, ue --tool=memcheck's stack of a heap overflow (guest
# objects registered by the loader and mmap, guest stack unwound from the
# emulated CPU) vs gdb's backtrace at that instruction, on both back ends.
# Needs gdb, binutils, g++ and python3 (setup.sh installs them).
. tests/lib.sh

D=tests/debug
# Binaries go to this run's $TMP: suites of other checkouts' runs may be
# building into $BUILD at the same time.
BIN=$TMP/bin
mkdir -p "$BIN"
LIBUE=$UE_BUILD_DIR/libue.a
DBGTOOL=$BIN/dbgtool

if ! command -v gdb >/dev/null || ! command -v addr2line >/dev/null; then
    fail debug/tools "gdb and addr2line are needed (run ./setup.sh)"
    exit 0
fi
if ! gcc -D_GNU_SOURCE -O1 -g -Isrc -Iinclude -o "$DBGTOOL" $D/dbgtool.c "$LIBUE" \
    -ldw -lelf -liberty -lZydis -lpthread 2>"$TMP/cc.err"; then
    fail debug/dbgtool "cannot build the driver: $(head -c 300 "$TMP/cc.err")"
    exit 0
fi

# build NAME COMPILER ARGS... : compile into $BIN/NAME, or FAIL.
build() {
    local name=$1; shift
    if ! "$@" -o "$BIN/$name" 2>"$TMP/cc.err"; then
        fail "debug/build-$name" "$(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}
build c_O0 gcc -O0 -g $D/crash.c
build c_O2 gcc -O2 -g $D/crash.c
build c_static gcc -O2 -g -static $D/crash.c
build c_static_pie gcc -O2 -g -static-pie $D/crash.c
build c_nopie gcc -O0 -g -no-pie $D/crash.c
build c_fp gcc -O0 -g -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables $D/crash.c
build cxx_O2 g++ -O2 -g $D/crash_cxx.cc
build cxx_O0 g++ -O0 -g $D/crash_cxx.cc

# Instruction addresses (hex, no 0x) of the functions FILE's source defines.
own_addrs() {
    local f=$1 syms
    syms=$(nm --defined-only -S "$f" | awk '$3 ~ /^[tTW]$/ && $2 != "" {print $4}' |
        grep -E '^(main|leaf|recurse|middle|_Z.*(shapes|run|main).*)' || true)
    for s in $syms; do
        objdump -d --no-show-raw-insn --disassemble="$s" "$f" |
            awk -F: '/^ +[0-9a-f]+:/ {gsub(/ /, "", $1); print $1}'
    done
}

# sym NAME [FILE]: addr2line on the unstripped NAME vs dbgtool on FILE.
sym_test() {
    local name=$1 file=${2:-$BIN/$1} addrs
    addrs=$(own_addrs "$BIN/$name" | head -400)
    if [ -z "$addrs" ]; then
        fail "debug/sym-$name" "no addresses found"
        return
    fi
    addr2line -f -i -C -e "$BIN/$name" $addrs >"$TMP/a2l" 2>&1
    "$DBGTOOL" sym "$file" 0 $addrs >"$TMP/dbg" 2>&1
    local why
    if why=$(python3 $D/check.py sym "$TMP/a2l" "$TMP/dbg"); then
        pass "debug/sym-$name"
    else
        fail "debug/sym-$name" "$why"
    fi
}
for n in c_O0 c_O2 c_static c_static_pie cxx_O2 cxx_O0; do
    [ -x "$BIN/$n" ] && sym_test $n
done

# The same answers from a stripped copy whose DWARF lives in a separate file,
# found through .gnu_debuglink (next to it) and through the build-id
# (under a debug root given by DBGTOOL_DEBUGINFO_PATH).
if [ -x "$BIN/c_O2" ]; then
    mkdir -p "$TMP/link" "$TMP/root"
    objcopy --only-keep-debug "$BIN/c_O2" "$TMP/link/c_O2.debug"
    objcopy --strip-debug --add-gnu-debuglink="$TMP/link/c_O2.debug" "$BIN/c_O2" "$TMP/link/c_O2"
    sym_test c_O2 "$TMP/link/c_O2"
    id=$(readelf -n "$BIN/c_O2" | awk '/Build ID/ {print $3}')
    mkdir -p "$TMP/root/.build-id/${id:0:2}"
    cp "$TMP/link/c_O2.debug" "$TMP/root/.build-id/${id:0:2}/${id:2}.debug"
    objcopy --strip-debug "$BIN/c_O2" "$TMP/root/c_O2"
    DBGTOOL_DEBUGINFO_PATH=$TMP/root sym_test c_O2 "$TMP/root/c_O2"
fi

# A load bias: the same addresses, the object registered 0x7000000 higher.
if [ -x "$BIN/c_O2" ]; then
    a=$(own_addrs "$BIN/c_O2" | head -20)
    addr2line -f -i -C -e "$BIN/c_O2" $a >"$TMP/a2l" 2>&1
        "$DBGTOOL" sym "$BIN/c_O2" 0x7000000 $a >"$TMP/dbg" 2>&1
    if why=$(python3 $D/check.py sym "$TMP/a2l" "$TMP/dbg"); then
        pass debug/sym-bias
    else
        fail debug/sym-bias "$why"
    fi
fi

# Data symbols: the first and last byte of every sized data object nm -S -C
# lists (memcheck's "N bytes inside data symbol"); objects that share bytes
# with another (aliases, merged constants) are left out: either name is
# right.  (Values below 0x1000 are TLS offsets, not addresses.)
data_test() {
    local name=$1 f=$BIN/$1
    nm -S -C --defined-only "$f" | python3 -c '
import sys
syms = []
for l in sys.stdin:
    p = l.split(None, 3)
    if len(p) == 4 and p[2] in "bBdDrRvV" and int(p[1], 16) and int(p[0], 16) >= 4096:
        syms.append((int(p[0], 16), int(p[1], 16), p[3].rstrip("\n")))
syms.sort()
for i, (a, s, n) in enumerate(syms):
    if (i and syms[i - 1][0] + syms[i - 1][1] > a) or (i + 1 < len(syms) and a + s > syms[i + 1][0]):
        continue
    print("%x %s+0/%d\n%x %s+%d/%d" % (a, n, s, a + s - 1, n, s - 1, s))' >"$TMP/data.want"
    if [ ! -s "$TMP/data.want" ]; then
        fail "debug/data-$name" "nm lists no sized data symbol"
        return
    fi
    "$DBGTOOL" data "$f" $(cut -d' ' -f1 "$TMP/data.want") >"$TMP/data.got" 2>&1
    if cut -d' ' -f2- "$TMP/data.want" | cmp -s - "$TMP/data.got"; then
        pass "debug/data-$name"
    else
        fail "debug/data-$name" "$(cut -d' ' -f2- "$TMP/data.want" | diff - "$TMP/data.got" | head -4)"
    fi
}
for n in c_O2 c_static cxx_O2; do
    [ -x "$BIN/$n" ] && data_test $n
done

# Unwinding: gdb's frames at the SIGSEGV vs dbgtool's.
bt_test() {
    local name=$1 tag=$1${2:+-$2}
    timeout 120 gdb -batch -nx -q -x $D/gdb_frames.py --args "$BIN/$name" $2 >"$TMP/gdb" 2>&1
    timeout 60 "$DBGTOOL" bt "$BIN/$name" $2 >"$TMP/dbg" 2>&1
    local why
    if why=$(python3 $D/check.py bt "$TMP/gdb" "$TMP/dbg"); then
        pass "debug/bt-$tag"
    else
        fail "debug/bt-$tag" "$why"
    fi
}
for n in c_O0 c_O2 c_static c_static_pie c_fp cxx_O2 cxx_O0; do
    [ -x "$BIN/$n" ] && bt_test $n
done
# Through a signal frame (the fault is in a SIGUSR1 handler).
for n in c_O2 c_static; do
    [ -x "$BIN/$n" ] && bt_test $n sig
done

# Demangling: every mangled symbol of the C++ programs, as c++filt says.
if [ -x "$BIN/cxx_O2" ]; then
    nm "$BIN/cxx_O2" "$BIN/cxx_O0" | awk '$NF ~ /^_Z/ {sub(/@.*/, "", $NF); print $NF}' | sort -u >"$TMP/mangled"
    c++filt <"$TMP/mangled" >"$TMP/want"
    xargs "$DBGTOOL" demangle <"$TMP/mangled" >"$TMP/got"
    if [ "$(wc -l <"$TMP/mangled")" -lt 20 ]; then
        fail debug/demangle "only $(wc -l <"$TMP/mangled") mangled names"
    elif cmp -s "$TMP/want" "$TMP/got"; then
        pass debug/demangle
    else
        fail debug/demangle "$(diff "$TMP/want" "$TMP/got" | head -4)"
    fi
fi

# Functions by name: malloc & co. in libc (.dynsym), in a static program
# (.symtab), C++ operators in libstdc++; addresses as nm gives them.
funcs_test() {
    local name=$1 file=$2 nmflags=$3; shift 3
    nm $nmflags --defined-only "$file" | awk '$2 ~ /^[TtWi]$/ {sub(/@.*/, "", $3); print $3, "0x" $1}' |
        sed 's/ 0x0*/ 0x/' | grep -E "^($(echo "$@" | tr ' ' '|')) " | sort -u >"$TMP/want"
    "$DBGTOOL" funcs "$file" "$@" | sed 's/ ifunc$//' | sort -u >"$TMP/got"
    if [ ! -s "$TMP/want" ]; then
        fail "debug/funcs-$name" "nm found none of $*"
    elif cmp -s "$TMP/want" "$TMP/got"; then
        pass "debug/funcs-$name"
    else
        fail "debug/funcs-$name" "$(diff "$TMP/want" "$TMP/got" | head -4)"
    fi
}
libc=$(gcc -print-file-name=libc.so.6)
libcxx=$(realpath "$(g++ -print-file-name=libstdc++.so.6)")
funcs_test libc "$(realpath "$libc")" -D malloc free calloc realloc memalign posix_memalign aligned_alloc valloc \
    memcpy strlen
[ -x "$BIN/c_static" ] && funcs_test static "$BIN/c_static" "" malloc free calloc realloc __libc_malloc
funcs_test libstdcxx "$libcxx" -D _Znwm _Znam _ZdlPv _ZdaPv _ZdlPvm _ZnwmRKSt9nothrow_t

# Reports: text (frames vs addr2line), XML and SARIF parsed back, the
# repeat counted, a suppression generated.
if [ -x "$BIN/c_nopie" ]; then
    mkdir -p "$TMP/rep"
    timeout 60 "$DBGTOOL" report "$TMP/rep" "$BIN/c_nopie" >"$TMP/rep/text" 2>"$TMP/rep/err"
    if why=$(python3 $D/check.py report "$BIN/c_nopie" "$TMP/rep/text" "$TMP/rep/out.xml" "$TMP/rep/out.sarif"); then
        pass debug/report
    else
        fail debug/report "$why"
    fi
    # --num-callers: the text stops after main (below main cut).
    if grep -q "__libc_start\|(below main)\|_start" "$TMP/rep/text"; then
        fail debug/report-below-main "frames below main were printed"
    else
        pass debug/report-below-main
    fi
fi

# Suppressions: a matching one (frames, "...", wildcards) hides both
# reports and is counted; a non-matching one does not; a bad file is
# refused with FILE:LINE.
supp_test() {
    local name=$1 want=$2 text=$3
    mkdir -p "$TMP/s_$name"
    printf '%b' "$text" >"$TMP/s_$name/supp"
    timeout 60 "$DBGTOOL" report "$TMP/s_$name" "$BIN/c_nopie" >"$TMP/s_$name/text" 2>"$TMP/s_$name/err"
    if grep -qE "$want" "$TMP/s_$name/text" "$TMP/s_$name/err"; then
        pass "debug/supp-$name"
    else
        fail "debug/supp-$name" "no /$want/ in: $(grep -h 'SUMMARY\|dbgtool' "$TMP/s_$name/text" "$TMP/s_$name/err" | head -2)"
    fi
}
if [ -x "$BIN/c_nopie" ]; then
    supp_test frames 'suppressed: 2 from 1' '# comment\n{\n  exact\n  Memcheck:Addr4\n  fun:store\n  fun:leaf\n  fun:recurse\n}\n'
    supp_test dots 'suppressed: 2 from 1' '{\n  dots\n  Memcheck,Other:Addr8,Addr4\n  fun:st?re\n  ...\n  fun:middle\n  obj:*/c_nopie\n}\n'
    fault_line=$(grep -n '/\* the fault \*/' $D/crash.c | cut -d: -f1)
    supp_test src 'suppressed: 2 from 1' "{\n  src\n  Memcheck:Addr4\n  src:crash.c:$fault_line\n}\n"
    supp_test nomatch 'ERROR SUMMARY: 2 errors from 1 contexts \(suppressed: 0 from 0\)' '{\n  other\n  Memcheck:Addr4\n  fun:leaf\n}\n{\n kind\n Memcheck:Free\n fun:store\n}\n'
    # --gen-suppressions output, read back, suppresses the error it came from.
    gen=$(sed -n '/^{$/,/^}$/p' "$TMP/rep/text" | sed 's/<insert_a_suppression_name_here>/generated/')
    supp_test generated 'suppressed: 2 from 1' "$gen\n"
    supp_test bad 'supp:5: expected fun:' '{\n  bad\n  Memcheck:Addr4\n  fun:x\n  nonsense\n}\n'
fi

# End to end: ue --tool=memcheck on a heap overflow; the stack it reports
# vs gdb's backtrace with a breakpoint on the reported instruction.
ue_test() {
    local name=$1 backend=$2 d=$TMP/ue_$1_$2
    mkdir -p "$d"
    timeout 120 "$UE" --backend="$backend" --tool=memcheck --xml=yes --xml-file="$d/xml" --sarif-file="$d/sarif" \
        "$BIN/$name" >"$d/out" 2>"$d/text"
    local at
    at=$(grep -m1 -o '   at 0x[0-9A-F]*' "$d/text" | grep -o '0x.*')
    if [ -z "$at" ]; then
        fail "debug/ue-$name-$backend" "no report: $(head -c 300 "$d/text")"
        return
    fi
    timeout 120 gdb -batch -nx -q -ex "break *$at" -x $D/gdb_frames.py --args "$BIN/$name" >"$d/gdb" 2>&1
    local why
    if why=$(python3 $D/check.py ue_report "$d/gdb" "$d/text" "$d/xml" "$d/sarif"); then
        pass "debug/ue-$name-$backend"
    else
        fail "debug/ue-$name-$backend" "$why"
    fi
}
# (Not PIE: gdb runs the program at its own addresses, ue at others.)
if build heap_O1 gcc -O1 -g -no-pie $D/heap.c && build heap_O0 gcc -O0 -g -no-pie $D/heap.c; then
    ue_test heap_O1 interp
    ue_test heap_O1 jit
    ue_test heap_O0 jit
fi

# dlopen, dlclose, dlopen again at the same address: the second report must
# name the second library's function (objects forgotten on munmap, the
# unwinder's rule cache dropped), with lines from each library's DWARF.
if build libdla.so gcc -g -O0 -fPIC -shared $D/dl_lib.c &&
    build libdlb.so gcc -g -O2 -fPIC -shared -DFN=lib_overflow_b $D/dl_lib.c &&
    build dl_main gcc -g -O0 $D/dl_main.c; then
    timeout 120 "$UE" --tool=memcheck "$BIN/dl_main" "$BIN/libdla.so" lib_overflow "$BIN/libdlb.so" lib_overflow_b \
        >/dev/null 2>"$TMP/dl.text"
    lo=$(grep -n '/\* lib overflow \*/' $D/dl_lib.c | cut -d: -f1)
    lm=$(grep -n '/\* lib malloc \*/' $D/dl_lib.c | cut -d: -f1)
    lc=$(grep -n '/\* dl call \*/' $D/dl_main.c | cut -d: -f1)
    # The frames of the two "Invalid write of size 1" errors (whatever else
    # memcheck may report about ld.so), the allocator's frame left out.
    awk '/== Invalid write of size 1$/ {on = 1; next} /^==[0-9]*== $/ {on = 0}
        on && sub(/^==[0-9]*== +(at|by) 0x[0-9A-F]*: /, "") && !/^malloc / {print}' "$TMP/dl.text" >"$TMP/dl.got"
    printf '%s\n' "lib_overflow (dl_lib.c:$lo)" "main (dl_main.c:$lc)" "lib_overflow (dl_lib.c:$lm)" \
        "main (dl_main.c:$lc)" "lib_overflow_b (dl_lib.c:$lo)" "main (dl_main.c:$lc)" \
        "lib_overflow_b (dl_lib.c:$lm)" "main (dl_main.c:$lc)" >"$TMP/dl.want"
    if cmp -s "$TMP/dl.want" "$TMP/dl.got"; then
        pass debug/ue-dlopen-dlclose
    else
        fail debug/ue-dlopen-dlclose "$(diff "$TMP/dl.want" "$TMP/dl.got" | head -4)"
    fi
fi
