# tests/lib.sh — shared by every suite (sourced).  A suite prints one line
# per test: "PASS name" or "FAIL name: why"; tests/run_all.sh counts them.
#
#   UE        the ue binary under test (absolute path)
#   TMP       a scratch directory for this suite, removed afterwards
#   BUILD     build/tests: where suites put the binaries they compile
#   UE_BUILD_DIR  build/$(MODE) of UE: the unit-test binaries are there
#   UE_TIMEOUT    seconds one run under ue may take (default 300)

pass() { echo "PASS $1"; }
# One line per test, whatever the reason contains.
fail() { echo "FAIL $1: $(printf '%s' "$2" | tr '\n' ' ')"; }

# compare_native NAME [--stdin FILE] [--no-stderr] [--racy] -- CMD ARGS...
# Runs CMD natively and under ue (same cwd, same environment, both under
# `timeout`, so both see the same processes around them) and requires
# identical stdout, exit status and (unless --no-stderr) stderr.
# --racy: CMD reads something other processes change while it runs (the
# link count of /proc is the number of processes on the machine; /tmp's
# changes with every mkdir there).  CMD also runs natively right after ue,
# and ue's run must equal one of the two native runs; up to 10 rounds.
compare_native() {
    local name=$1; shift
    local stdin=/dev/null check_err=1 racy=0
    while [ "$1" != "--" ]; do
        case $1 in
        --stdin) stdin=$2; shift 2 ;;
        --no-stderr) check_err=0; shift ;;
        --racy) racy=1; shift ;;
        *) echo "compare_native: bad option $1" >&2; return 2 ;;
        esac
    done
    shift
    local d="$TMP/cmp.$$.$RANDOM" t=${UE_TIMEOUT:-300}
    mkdir -p "$d"
    local nrc urc nrc2 round=0
    while :; do
        timeout "$t" "$@" <"$stdin" >"$d/n.out" 2>"$d/n.err"; nrc=$?
        timeout "$t" "$UE" "$@" <"$stdin" >"$d/u.out" 2>"$d/u.err"; urc=$?
        [ $racy = 1 ] || break
        [ $nrc = $urc ] && cmp -s "$d/n.out" "$d/u.out" && cmp -s "$d/n.err" "$d/u.err" && break
        timeout "$t" "$@" <"$stdin" >"$d/n2.out" 2>"$d/n2.err"; nrc2=$?
        if [ $nrc2 = $urc ] && cmp -s "$d/n2.out" "$d/u.out" && cmp -s "$d/n2.err" "$d/u.err"; then
            mv "$d/n2.out" "$d/n.out"; mv "$d/n2.err" "$d/n.err"; nrc=$nrc2
            break
        fi
        round=$((round + 1))
        [ $round -lt 10 ] || break
    done
    if [ $nrc != $urc ]; then
        fail "$name" "exit status $urc under ue, $nrc natively; ue stderr: $(head -c 300 "$d/u.err")"
    elif ! cmp -s "$d/n.out" "$d/u.out"; then
        fail "$name" "stdout differs: $(diff "$d/n.out" "$d/u.out" | head -5 | tr '\n' ' ')"
    elif [ $check_err = 1 ] && ! cmp -s "$d/n.err" "$d/u.err"; then
        fail "$name" "stderr differs: $(diff "$d/n.err" "$d/u.err" | head -5 | tr '\n' ' ')"
    else
        pass "$name"
    fi
    rm -rf "$d"
}

# expect_ue NAME STATUS PATTERN -- ARGS...: ue ARGS must exit with STATUS and
# its stderr must match the extended regex PATTERN.
expect_ue() {
    local name=$1 status=$2 pattern=$3; shift 4
    local err; err=$(timeout "${UE_TIMEOUT:-60}" "$UE" "$@" 2>&1 >/dev/null); local rc=$?
    if [ "$rc" != "$status" ]; then
        fail "$name" "exit status $rc, expected $status; stderr: $(echo "$err" | head -c 300)"
    elif ! echo "$err" | grep -Eq -- "$pattern"; then
        fail "$name" "stderr does not match /$pattern/: $(echo "$err" | head -c 300)"
    else
        pass "$name"
    fi
}
