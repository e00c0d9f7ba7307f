#!/usr/bin/env bash
# tests/run_all.sh UE — run every suite (tests/*/suite.sh) against the ue
# binary UE and print the per-test results, then "N passed, N failed" last.
# A suite is a bash script printing "PASS name" / "FAIL name: why" lines.
#
#   VERBOSE=1         also print the PASS lines
#   SUITES="unit progs"  run only these suites (default: every one)
#   UE_BUILD_DIR      the objects of UE's build mode (build/rel, build/dbg...),
#                     where the unit tests are; `make check` sets it
set -u
cd "$(dirname "$0")/.."
UE=$(realpath "${1:-build/ue}")
export UE
export BUILD=$PWD/build/tests
if [ -z "${UE_BUILD_DIR:-}" ]; then
    case $UE in
    "$PWD/build/ue") UE_BUILD_DIR=build/rel ;;
    *) UE_BUILD_DIR=$(dirname "$UE") ;;
    esac
fi
UE_BUILD_DIR=$(realpath "$UE_BUILD_DIR")
export UE_BUILD_DIR
mkdir -p "$BUILD"
passed=0 failed=0 failures=""
for suite in tests/*/suite.sh; do
    name=$(basename "$(dirname "$suite")")
    if [ -n "${SUITES:-}" ] && [[ " $SUITES " != *" $name "* ]]; then
        continue
    fi
    TMP=$(mktemp -d "/tmp/ue-test-$name.XXXXXX")
    export TMP
    echo "== $name"
    while IFS= read -r line; do
        case $line in
        PASS*) passed=$((passed + 1)); [ -n "${VERBOSE:-}" ] && echo "$line" ;;
        FAIL*) failed=$((failed + 1)); failures+="$line"$'\n'; echo "$line" ;;
        *) echo "$line" ;;
        esac
    done < <(bash "$suite" 2>&1)
    rm -rf "$TMP"
done
# The failures again, last: a long log is often read from its end.
if [ -n "$failures" ]; then
    echo "== failed"
    printf '%s' "$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
