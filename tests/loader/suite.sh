# tests/loader: what a program finds when it starts — argv/envp/auxv, the
# stack, its own mappings, /proc/self — for each kind of executable (static,
# static-pie; dynamic and non-PIE glibc programs in glibc.sh), and #!
# scripts.  Outputs are compared with a native run in the same fixed
# environment; addresses, which differ by design, are checked for
# consistency by the programs themselves or for reproducibility here.
. tests/lib.sh
D="$BUILD/loader"
mkdir -p "$D"
CFLAGS_NOLIBC="-O1 -nostdlib -fno-stack-protector -mgeneral-regs-only -fno-builtin -Itests/syscalls -Wall"

# build NAME SRC KIND: KIND is static or static-pie.
build() {
    if ! gcc $CFLAGS_NOLIBC -"$3" -o "$D/$1" "$2" 2>"$TMP/cc.err"; then
        fail "loader/$1" "does not build: $(head -c 300 "$TMP/cc.err")"
        return 1
    fi
}

# in_env CMD...: run with a small fixed environment, including an empty
# value, blanks and non-ASCII bytes, so that envp passes through as is.
in_env() { env -i PATH="${IN_PATH:-/usr/bin:/bin}" HOME=/nonexistent 'SPACED=a b  c' EMPTY= 'UTF=é€' "$@"; }

# compare_env NAME -- PROG ARGS: PROG natively and under ue (with the
# options in UE_OPTS), both in_env.
compare_env() {
    local name=$1; shift 2
    in_env "$@" >"$TMP/n.out" 2>"$TMP/n.err"; local nrc=$?
    in_env timeout 60 "$UE" ${UE_OPTS:-} "$@" >"$TMP/u.out" 2>"$TMP/u.err"; local urc=$?
    if [ $nrc != $urc ]; then
        fail "$name" "exit status $urc under ue, $nrc natively; ue stderr: $(head -c 300 "$TMP/u.err")"
    elif ! cmp -s "$TMP/n.out" "$TMP/u.out"; then
        fail "$name" "stdout differs: $(diff "$TMP/n.out" "$TMP/u.out" | head -6 | tr '\n' ' ')"
    elif ! cmp -s "$TMP/n.err" "$TMP/u.err"; then
        fail "$name" "stderr differs: $(diff "$TMP/n.err" "$TMP/u.err" | head -6 | tr '\n' ' ')"
    else
        pass "$name"
    fi
}

for kind in static static-pie; do
    for prog in auxv addrs maps procself; do
        build "$prog-$kind" "tests/loader/$prog.c" "$kind" || continue
    done
    # auxv exits 3 when given arguments: the status must pass through too.
    [ -x "$D/auxv-$kind" ] && {
        compare_env "loader/auxv-$kind" -- "$D/auxv-$kind"
        compare_env "loader/argv-$kind" -- "$D/auxv-$kind" '' 'two words' "$(printf 'tab\there')" -x --y=z é
    }
    [ -x "$D/maps-$kind" ] && compare_env "loader/maps-$kind" -- "$D/maps-$kind"
    [ -x "$D/procself-$kind" ] && compare_env "loader/procself-$kind" -- "$D/procself-$kind" arg1 'arg 2'
done

# /proc/self/exe through a symlink names the target, as natively.
ln -sf "$D/procself-static" "$TMP/link-to-procself"
compare_env loader/procself-symlink -- "$TMP/link-to-procself"

# ---- /proc/self/maps lists the guest's regions only, all inside G.
if [ -x "$D/maps-static-pie" ]; then
    "$UE" "$D/maps-static-pie" raw >"$TMP/maps" 2>&1
    bad=$(awk '{ split($1, r, "-"); if (length(r[2]) > 12 || (length(r[2]) == 12 && r[2] > "100000000000")) print }' "$TMP/maps")
    if grep -q "$(basename "$UE")\$" "$TMP/maps"; then
        fail loader/maps-guest-only "ue's own file is listed: $(grep "$(basename "$UE")" "$TMP/maps" | head -1)"
    elif [ -n "$bad" ]; then
        fail loader/maps-guest-only "a region outside the guest window: $(echo "$bad" | head -1)"
    elif ! grep -q "r-xp .*$D/maps-static-pie\$" "$TMP/maps" || ! grep -q '\[stack\]$' "$TMP/maps"; then
        fail loader/maps-guest-only "the program's text or [stack] is missing: $(head -c 300 "$TMP/maps")"
    else
        pass loader/maps-guest-only
    fi
fi

# ---- #! scripts: interpreter with and without its one argument; argv is
# rewritten as the kernel does (interpreter, argument, script, the rest).
if [ -x "$D/auxv-static" ]; then
    printf '#!%s\n' "$D/auxv-static" >"$TMP/noarg.sh"
    printf '#!%s  -x  y \t\n' "$D/auxv-static" >"$TMP/onearg.sh"
    printf '#!%s\n' "$TMP/onearg.sh" >"$TMP/nested.sh"
    chmod +x "$TMP"/*.sh
    compare_env loader/script-noarg -- "$TMP/noarg.sh" a 'b c'
    compare_env loader/script-onearg -- "$TMP/onearg.sh" a
    compare_env loader/script-nested -- "$TMP/nested.sh"
    # Found through PATH, the script's path is the one PATH gave.
    (cd "$TMP" && IN_PATH="$TMP:/usr/bin:/bin" compare_env loader/script-path -- noarg.sh)
fi

# ---- address placement: fixed with --no-aslr and with --seed, varying
# otherwise.  Same environment and arguments for every run of a pair.
# addr_runs NAME OPTS_A -- OPTS_B: prints "same" or "different".
addr_runs() {
    in_env "$UE" $1 "$D/addrs-static-pie" >"$TMP/a1" 2>&1
    in_env "$UE" $2 "$D/addrs-static-pie" >"$TMP/a2" 2>&1
    if cmp -s "$TMP/a1" "$TMP/a2"; then echo same; else echo different; fi
}
# expect_addrs NAME WANT OPTS_A OPTS_B
expect_addrs() {
    local got; got=$(addr_runs "$3" "$4")
    if [ "$got" != "$2" ]; then
        fail "$1" "addresses are $got, expected $2: $(paste -d'|' "$TMP/a1" "$TMP/a2" | tr '\n' ' ')"
    elif ! grep -q '^start 0x' "$TMP/a1"; then
        fail "$1" "the program did not run: $(head -c 200 "$TMP/a1")"
    else
        pass "$1"
    fi
}
if [ -x "$D/addrs-static-pie" ]; then
    expect_addrs loader/no-aslr-reproducible same --no-aslr --no-aslr
    expect_addrs loader/seed-reproducible same --seed=1234 --seed=1234
    expect_addrs loader/seed-varies different --seed=1234 --seed=1235
    expect_addrs loader/aslr-varies different "" ""
    # Natively, setarch -R makes the same promise as --no-aslr.
    if setarch -R true 2>/dev/null; then
        in_env setarch -R "$D/addrs-static-pie" >"$TMP/n1"
        in_env setarch -R "$D/addrs-static-pie" >"$TMP/n2"
        cmp -s "$TMP/n1" "$TMP/n2" && pass loader/native-norandom-reference ||
            fail loader/native-norandom-reference "setarch -R runs differ natively"
    fi
fi

# ---- the stack grows as far as RLIMIT_STACK allows, natively and under ue
# (exit status 0 if the pages could be touched, 139 if not).
if build stack tests/loader/stack.c static; then
    for case in "8192 7000" "8192 9000" "16384 15000" "16384 17000" "1024 600" "1024 2000" "unlimited 30000"; do
        set -- $case
        n=$(bash -c 'ulimit -s "$1" && "$2" "$3" >/dev/null 2>&1; echo $?' _ "$1" "$D/stack" "$2" 2>/dev/null)
        u=$(bash -c 'ulimit -s "$1" && "$4" "$2" "$3" >/dev/null 2>&1; echo $?' _ "$1" "$D/stack" "$2" "$UE" 2>/dev/null)
        if [ "$n" = "$u" ]; then
            pass "loader/stack-$1-$2"
        else
            fail "loader/stack-$1-$2" "exit status $u under ue, $n natively (ulimit -s $1, $2 KiB)"
        fi
    done
fi

[ -f tests/loader/glibc.sh ] && . tests/loader/glibc.sh
