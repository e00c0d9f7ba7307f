# tests/progs: real programs (issue 2, "Tests that must pass"), each run
# natively and under ue with the same arguments, input, cwd and environment;
# stdout, stderr and the exit status must be byte-identical (tests/lib.sh
# compare_native).  Nothing here knows the expected output: the native run
# is the oracle.
#
#   busybox (Debian's busybox-static, /bin/busybox): echo, seq, sort,
#       md5sum, sh -c with arithmetic loops
#   Debian's dynamic binaries: ls -la /, sha256sum, gzip -c | gzip -dc,
#       sort -n, awk, sed, grep -c, python3, perl
#   our own guests (built by `make tests` into build/tests/progs):
#       cxx_exceptions (C++ exceptions + iostreams), longdouble (x87 + libm),
#       selfmod (code written, run and rewritten: RWX pages, its own block,
#       read() into code, mprotect flips, threads), tinyjit (a Brainfuck JIT compiling
#       203 programs into one buffer, RWX and W^X)
#
# Every program runs on both back ends (progs/NAME/interp, progs/NAME/jit:
# with UE_JIT_EAGER=1, every block compiled before its first run), on the
# JIT as it runs by default (first runs interpreted, "Tier 0" in
# src/exec/cache.c) compiling every block a second time after its first
# compiled run (progs/NAME/jit-hot: UE_JIT_HOT=1, "Tiers" there), and
# under the memory checker (progs/NAME/memcheck: ue --tool=memcheck -q
# --error-exitcode=99 on the default back end), where a clean run prints
# nothing of its own, so any error it reports breaks the comparison (issue
# 5: no reports on the real-program suite).
#
# Inputs are generated here, deterministically (same bytes on every run and
# every machine).  Programs are named by absolute path where PATH could pick
# another one (pyenv's python3 shim comes first on some machines).
# Each ue run may take UE_TIMEOUT seconds (default 120 here), and the suite
# stops starting new tests after UE_PROGS_BUDGET seconds (default 600), so a
# hanging emulator cannot push `make check` past its time limit.
. tests/lib.sh
: "${UE_TIMEOUT:=120}"
export UE_TIMEOUT
budget=${UE_PROGS_BUDGET:-600}
start=$SECONDS
D="$TMP/progs"
mkdir -p "$D"
cd "$D" || exit 1

REAL_UE=$UE
for be in interp jit; do
    printf '#!/bin/sh\nexport UE_JIT_EAGER=1\nexec "%s" --backend=%s "$@"\n' "$REAL_UE" "$be" >"$TMP/ue-$be"
    chmod +x "$TMP/ue-$be"
done
printf '#!/bin/sh\nexport UE_JIT_HOT=1\nexec "%s" --backend=jit "$@"\n' "$REAL_UE" >"$TMP/ue-jit-hot"
chmod +x "$TMP/ue-jit-hot"
printf '#!/bin/sh\nexec "%s" --tool=memcheck -q --error-exitcode=99 "$@"\n' "$REAL_UE" >"$TMP/ue-memcheck"
chmod +x "$TMP/ue-memcheck"

# run NAME NEED... -- compare_native args: on each back end; a FAIL instead
# when a program is missing (./setup.sh installs them) or the time budget
# is spent.
run() {
    local be
    for be in interp jit jit-hot memcheck; do
        UE="$TMP/ue-$be" run1 "$1/$be" "${@:2}"
    done
}
run1() {
    local name=$1; shift
    while [ "$1" != "--" ]; do
        if [ ! -x "$1" ]; then
            case $1 in
            "$BUILD"/*) fail "$name" "$1 is not built: run make tests (make check builds it)" ;;
            *) fail "$name" "$1 is missing: run ./setup.sh" ;;
            esac
            return
        fi
        shift
    done
    shift
    if [ $((SECONDS - start)) -ge "$budget" ]; then
        fail "$name" "not run: the suite's time budget (${budget}s) is spent"
        return
    fi
    compare_native "$name" "$@"
}

# ---- inputs ----
# words.txt: 3000 lines "word<n> <number> <key>" from a 31-bit LCG.
# nums.txt:  5000 signed integers and decimals, one a line, unsorted.
# blob.txt:  ~600 KB of mixed text, compressible but not trivially.
x=12345
words=(alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima)
{
    for ((i = 0; i < 3000; i++)); do
        x=$(((x * 1103515245 + 12345) & 0x7fffffff))
        echo "${words[x % 12]}$((x % 97)) $((x % 100003 - 50000)) k$((x >> 20))"
    done
} >words.txt
{
    for ((i = 0; i < 5000; i++)); do
        x=$(((x * 1103515245 + 12345) & 0x7fffffff))
        if ((x % 5 == 0)); then
            echo "-$((x % 1000)).$((x % 97))"
        else
            echo "$((x % 2000001 - 1000000))"
        fi
    done
} >nums.txt
for ((i = 0; i < 50; i++)); do
    cat words.txt
    echo "# section $i"
done | head -c 600000 >blob.txt

BB=/bin/busybox
PY=/usr/bin/python3
PROGS="$BUILD/progs"

# ---- busybox (static) ----
run progs/busybox_echo $BB -- -- $BB echo hello, "  spaced  out  " 'tab	in' -n
run progs/busybox_echo_e $BB -- -- $BB echo -e 'a\tb\\c\0101\n'
run progs/busybox_seq $BB -- -- $BB seq 1 1000
run progs/busybox_sort $BB -- --stdin words.txt -- $BB sort
run progs/busybox_sort_nr $BB -- --stdin nums.txt -- $BB sort -n -r
run progs/busybox_md5sum $BB -- -- $BB md5sum words.txt nums.txt blob.txt
run progs/busybox_md5sum_stdin $BB -- --stdin blob.txt -- $BB md5sum
run progs/busybox_sh_arith $BB -- -- $BB sh -c '
    i=0 s=0 p=1
    while [ $i -lt 3000 ]; do
        s=$((s + i * i % 7 - (i ^ 5) / 3))
        p=$(( (p * 31 + i) % 1000003 ))
        i=$((i + 1))
    done
    echo "sum=$s p=$p shifts=$((1 << 40)) $((-7 / 2)) $((-7 % 3)) $((0x7fffffffffffffff + 1))"
    exit $(( (s % 200 + 200) % 200 ))'

# ---- Debian's dynamic binaries ----
run progs/ls_la_root /bin/ls -- --racy -- /bin/ls -la /
run progs/sha256sum /usr/bin/sha256sum -- -- /usr/bin/sha256sum words.txt nums.txt blob.txt
run progs/gzip_c /bin/gzip -- -- /bin/gzip -c -9 blob.txt

# gzip -c | gzip -dc: the pipe is native, each gzip runs under ue; the
# result must be the input, and both ends must succeed.
for be in interp jit memcheck; do
    if [ ! -x /bin/gzip ] || [ $((SECONDS - start)) -ge "$budget" ]; then
        UE="$TMP/ue-$be" run1 "progs/gzip_roundtrip/$be" /bin/gzip -- -- true
        continue
    fi
    timeout "$UE_TIMEOUT" "$TMP/ue-$be" /bin/gzip -c blob.txt 2>gz1.err |
        timeout "$UE_TIMEOUT" "$TMP/ue-$be" /bin/gzip -dc >roundtrip.txt 2>gz2.err
    st=("${PIPESTATUS[@]}")
    if [ "${st[0]}" != 0 ] || [ "${st[1]}" != 0 ]; then
        fail "progs/gzip_roundtrip/$be" "exit statuses ${st[0]} | ${st[1]} under ue: $(head -c 300 gz1.err gz2.err)"
    elif ! cmp -s blob.txt roundtrip.txt; then
        fail "progs/gzip_roundtrip/$be" "round trip differs from the input: $(cmp blob.txt roundtrip.txt 2>&1 | head -c 200)"
    else
        pass "progs/gzip_roundtrip/$be"
    fi
    rm -f roundtrip.txt
done

run progs/sort_n /usr/bin/sort -- -- /usr/bin/sort -n nums.txt
run progs/awk /usr/bin/awk -- -- /usr/bin/awk '
    { n[$1]++; sum += $2; if ($2 > max || NR == 1) max = $2; len += length($0) }
    $3 ~ /^k1[0-9]*$/ { k1++ }
    END {
        printf "lines %d sum %d max %d avg %.4f len %d k1 %d\n", NR, sum, max, sum / NR, len, k1
        for (w in n) if (n[w] > 40) c++
        printf "words over 40: %d; %s %s\n", c, toupper("done"), substr("emulator", 3, 4)
    }' words.txt
run progs/sed /bin/sed -- -- /bin/sed -e 's/\([a-z]*\)\([0-9][0-9]*\) /<\2:\1> /' -e '/^#/d' -e '/delta/s/-/minus /g' \
    -e '10,20y/abc/xyz/' -e '$a\
the end' words.txt
run progs/grep_c /bin/grep -- -- /bin/grep -c -E '^(alpha|golf)[0-9]+ -?[0-9]*7 ' words.txt
run progs/grep_c_nomatch /bin/grep -- -- /bin/grep -c 'no such line' words.txt
run progs/python3_json_sha256 $PY -- -- $PY -c \
    'import json,hashlib; print(hashlib.sha256(json.dumps(list(range(1000))).encode()).hexdigest())'
run progs/perl_squares /usr/bin/perl -- -- /usr/bin/perl -e 'print join(",", map { $_*$_ } 1..20), "\n"'
# OpenSSL: multi-word bignum arithmetic (carry chains through ADC/SBB
# loops: a JIT bug once made it call 2^127-1 "not prime") and AES in
# software (ue's CPUID has no AES-NI).
run progs/openssl_prime /usr/bin/openssl -- -- /usr/bin/openssl prime 170141183460469231731687303715884105727 2305843009213693953
run progs/openssl_aes /usr/bin/openssl -- -- /usr/bin/openssl enc -aes-128-cbc -K 00112233445566778899aabbccddeeff \
    -iv 0102030405060708090a0b0c0d0e0f10 -in words.txt -a

# ---- our own guests ----
run progs/cxx_exceptions "$PROGS/cxx_exceptions" -- -- "$PROGS/cxx_exceptions"
run progs/longdouble "$PROGS/longdouble" -- -- "$PROGS/longdouble"
run progs/selfmod "$PROGS/selfmod" -- -- "$PROGS/selfmod"
run progs/tinyjit "$PROGS/tinyjit" -- -- "$PROGS/tinyjit"

# ---- the JIT's code cache filling up ----
# UE_JIT_CACHE_KB makes the cache small: it fills and is flushed (every
# block compiled again, the tiers' counters, records and indirect-jump
# tables emptied) 5 to 120 times in each of these runs.
flush_run() {
    local kb=$1 name=$2
    shift 2
    UE_JIT_CACHE_KB=$kb UE="$TMP/ue-jit" run1 "$name/jit-flush" "$@"
}
flush_run 4096 progs/python3_json_sha256 $PY -- -- $PY -c \
    'import json,hashlib; print(hashlib.sha256(json.dumps(list(range(1000))).encode()).hexdigest())'
flush_run 256 progs/openssl_prime /usr/bin/openssl -- -- /usr/bin/openssl prime 170141183460469231731687303715884105727
flush_run 128 progs/selfmod "$PROGS/selfmod" -- -- "$PROGS/selfmod"
flush_run 128 progs/tinyjit "$PROGS/tinyjit" -- -- "$PROGS/tinyjit"
