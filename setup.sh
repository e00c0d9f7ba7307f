#!/usr/bin/env bash
# setup.sh — install what ue needs to build, test and benchmark on a fresh
# Debian 12 (bookworm) x86-64 machine, and only what is missing.
#
#   ./setup.sh            as root: installs the missing packages with apt-get
#                         as a user: prints the exact sudo command, exits 1
#   ./setup.sh --check    only report what is missing (exit 1 if anything is)
#
# Idempotent and fast when everything is there: one dpkg-query, no network.
# What each package is for:
#   build-essential  gcc, make, libc6-dev: ue itself, the test guests
#   g++              tests/progs/cxx_exceptions.cc
#   libzydis-dev     -d in_asm disassembly; the decoder's cross-check oracle
#   libdw-dev, libelf-dev   elfutils: symbols, DWARF lines, inlined frames
#                    and CFI for reports (src/debug)
#   libiberty-dev    the C++ demangler c++filt uses (src/debug)
#   gdb              tests/debug: the unwinder's oracle
#   libc6-dbg        glibc's own frames in reports get names and lines
#                    (Debian's valgrind recommends it for the same reason)
#   clang, libclang-rt-14-dev   libFuzzer targets (make fuzz-elf)
#   busybox-static   /bin/busybox: static real-program tests
#   python3, perl, gzip, gawk, sed, grep, coreutils, diffutils
#                    real-program tests (run natively and under ue) and the
#                    test scripts themselves (cmp, diff, timeout, mktemp)
#   xz-utils, bzip2, sqlite3, lua5.4   bench/run workloads (make bench)
#   qemu-user, valgrind                the peers bench/run compares ue with
set -u

PACKAGES=(
    build-essential g++ libzydis-dev libdw-dev libelf-dev libiberty-dev gdb libc6-dbg
    clang libclang-rt-14-dev
    busybox-static
    python3 perl gzip gawk sed grep coreutils diffutils findutils
    xz-utils bzip2 sqlite3 lua5.4 openssl qemu-user valgrind
)

check_only=0
case ${1:-} in
--check) check_only=1 ;;
"") ;;
-h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "setup.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
    echo "setup.sh: ue runs x86-64 Linux programs on an x86-64 Linux host; this is $(uname -sm)" >&2
    exit 1
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup.sh: not a Debian-based system (no dpkg-query). Install by hand the equivalents of:" >&2
    echo "  ${PACKAGES[*]}" >&2
    exit 1
fi

# Packages whose status is not "install ok installed".
missing_packages() {
    local -A ok=()
    local name status p
    while read -r name status; do
        [ "$status" = ii ] && ok[$name]=1
    done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null)
    for p in "${PACKAGES[@]}"; do
        [ -n "${ok[$p]:-}" ] || echo "$p"
    done
}

mapfile -t missing < <(missing_packages)

# ue reserves its guest window and shadow ranges with MAP_NORESERVE, which
# the kernel refuses under strict overcommit (vm.overcommit_memory=2).
if [ "$(cat /proc/sys/vm/overcommit_memory 2>/dev/null || echo 0)" = 2 ]; then
    echo "setup.sh: warning: vm.overcommit_memory is 2 (strict); ue needs 0 or 1 to reserve its address ranges" >&2
fi

if [ ${#missing[@]} = 0 ]; then
    exit 0
fi
if [ $check_only = 1 ]; then
    echo "setup.sh: missing packages: ${missing[*]}" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: these packages are missing; install them with:" >&2
    echo "sudo apt-get install -y ${missing[*]}"
    exit 1
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent or stale on a fresh machine: refresh them
# first (only now that something has to be installed).
if ! apt-get update -qq >/dev/null; then
    echo "setup.sh: apt-get update failed" >&2
    exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "setup.sh: apt-get install failed" >&2
    exit 1
fi
mapfile -t still < <(missing_packages)
if [ ${#still[@]} != 0 ]; then
    echo "setup.sh: still missing after apt-get: ${still[*]}" >&2
    exit 1
fi
exit 0
