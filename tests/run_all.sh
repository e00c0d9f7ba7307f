#!/usr/bin/env bash
# tests/run_all.sh UE — run every suite (tests/*/suite.sh) against the ue
# binary UE and print the per-test results, then "N passed, N failed" last.
# A suite is a bash script printing "PASS name" / "FAIL name: why" lines.
set -u
cd "$(dirname "$0")/.."
UE=$(realpath "${1:-build/ue}")
export UE
export BUILD=$PWD/build/tests
mkdir -p "$BUILD"
passed=0 failed=0
for suite in tests/*/suite.sh; do
    name=$(basename "$(dirname "$suite")")
    TMP=$(mktemp -d "/tmp/ue-test-$name.XXXXXX")
    export TMP
    echo "== $name"
    while IFS= read -r line; do
        case $line in
        PASS*) passed=$((passed + 1)); [ -n "${VERBOSE:-}" ] && echo "$line" ;;
        FAIL*) failed=$((failed + 1)); echo "$line" ;;
        *) echo "$line" ;;
        esac
    done < <(bash "$suite" 2>&1)
    rm -rf "$TMP"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
