# tests/loader/glibc.sh — sourced by tests/loader/suite.sh: the loader
# cases that need glibc: static, static-pie, dynamic (PIE, the default) and
# non-PIE executables printing getauxval() values, consistency checks and
# their file mappings, compared with native runs (compare_env: a fixed
# environment), on both back ends.
for kind in static static-pie pie no-pie; do
    flags="-$kind"
    [ "$kind" = pie ] && flags="-pie"
    if ! gcc -O1 $flags -o "$D/glibc-$kind" tests/loader/glibc_auxv.c 2>"$TMP/cc.err"; then
        fail "loader/glibc-$kind" "does not build: $(head -c 300 "$TMP/cc.err")"
        continue
    fi
    for be in interp jit; do
        UE_OPTS=--backend=$be compare_env "loader/glibc-$kind/$be" -- "$D/glibc-$kind" one 'two words' ''
    done
done
