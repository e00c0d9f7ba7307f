# tests/elf: bad input to the loader.  Every way a program can fail to
# start must give one line "ue: FILE: why" on stderr and the status a shell
# gives (127: not found, 126: cannot execute) — never a crash, never a hang.
#
# The malformed ELF files are made by mkbad.py from two real binaries (a
# static one built here and the system's dynamic /bin/true), one defect
# each.  Where the kernel itself refuses the file the same way (missing
# files, #! chains, permissions), the native exit status is checked too.
. tests/lib.sh
D="$BUILD/elf"
mkdir -p "$D"
W="$TMP/w"
mkdir -p "$W"
HELLO="$D/hello"
if ! gcc -nostdlib -static -o "$HELLO" tests/elf/hello.S 2>"$TMP/cc.err"; then
    fail "elf/build" "$(head -c 200 "$TMP/cc.err")"
    exit 0
fi
if ! python3 tests/elf/mkbad.py "$HELLO" /bin/true "$W" >"$TMP/made" 2>"$TMP/mk.err"; then
    fail "elf/mkbad" "$(tail -c 300 "$TMP/mk.err")"
    exit 0
fi

# expect_line NAME STATUS PATTERN -- ARGS: expect_ue, plus "exactly one line".
expect_line() {
    local name=$1
    local lines; lines=$(timeout 60 "$UE" "${@:5}" 2>&1 >/dev/null | wc -l)
    if [ "$lines" != 1 ]; then
        fail "$name" "$lines lines on stderr, expected one"
        return
    fi
    expect_ue "$@"
}

# native_status NAME STATUS FILE: the kernel (through bash) must refuse FILE
# with STATUS as well, so the expected status is not made up.
native_status() {
    (cd "$W" && timeout 20 bash -c '"$0"' "$3") >/dev/null 2>&1
    local rc=$?
    [ "$rc" = "$2" ] || fail "$1/native" "native exit status $rc, expected $2"
}

compare_native elf/control -- "$HELLO"

# ---- files that are not there or not runnable
expect_line elf/missing 127 "^ue: $W/nope: No such file or directory$" -- "$W/nope"
native_status elf/missing 127 "$W/nope"
expect_line elf/notdir 127 "^ue: $HELLO/x: Not a directory$" -- "$HELLO/x"
expect_line elf/not_in_path 127 "^ue: ue-no-such-command: command not found$" -- ue-no-such-command
expect_line elf/directory 126 "^ue: $W: Is a directory$" -- "$W"
native_status elf/directory 126 "$W"
cp "$HELLO" "$W/noexec"
chmod 644 "$W/noexec"
expect_line elf/noexec 126 "^ue: $W/noexec: Permission denied$" -- "$W/noexec"
native_status elf/noexec 126 "$W/noexec"
mkfifo "$W/fifo"
expect_line elf/fifo 126 "^ue: $W/fifo: Permission denied$" -- "$W/fifo"
expect_line elf/empty 126 ": not an executable: no ELF header and no #! line$" -- "$W/empty"
expect_line elf/notelf 126 ": not an executable: no ELF header and no #! line$" -- "$W/notelf"

# ---- malformed ELF files: name, expected message
while read -r name msg; do
    grep -qx "$name" "$TMP/made" || { fail "elf/$name" "mkbad.py did not make it"; continue; }
    expect_line "elf/$name" 126 "^ue: $W/$name: $msg" -- "$W/$name"
done <<'EOF'
class32 not an x86-64 ELF executable \(32-bit i386\)$
aarch64 not an x86-64 ELF executable \(64-bit AArch64\)$
bigendian malformed ELF header \(byte order or version\)$
reloc not an executable \(ELF type 1\)$
trunc_header truncated ELF: file too short for an ELF header$
trunc_segment truncated ELF: a segment lies beyond the end of the file$
phoff_beyond truncated or malformed ELF: program headers outside the file$
phoff_huge truncated or malformed ELF: program headers outside the file$
phentsize malformed ELF: bad program header entry size$
phnum_zero malformed ELF: bad number of program headers$
no_load malformed ELF: no loadable segment$
overlap malformed ELF: overlapping or unsorted segments$
absurd_memsz malformed ELF: a segment lies outside the user address space$
filesz_gt_memsz malformed ELF: segment file size exceeds its memory size$
offset_beyond truncated ELF: a segment lies beyond the end of the file$
misaligned malformed ELF: segment address and file offset disagree modulo the page size$
low_exec segments at 0x1000-0x4000 lie outside the guest address range
entry_outside malformed ELF: entry point 0x7ff000000000 is not in an executable segment$
interp_unterminated malformed ELF: PT_INTERP is not a NUL-terminated path$
EOF

# ---- the dynamic linker named by PT_INTERP
expect_line elf/interp_missing 127 \
    "^ue: $W/interp_missing: cannot run its ELF interpreter /nonexistent/ld.so: No such file or directory$" \
    -- "$W/interp_missing"
native_status elf/interp_missing 127 "$W/interp_missing"
(cd "$W" && expect_line elf/interp_notelf 126 "^ue: ./interp_notelf: its ELF interpreter ./notelf: not an ELF file$" \
    -- ./interp_notelf)
expect_line elf/interp_dir 126 "^ue: $W/interp_dir: cannot run its ELF interpreter /tmp: Is a directory$" \
    -- "$W/interp_dir"

# ---- #! scripts
script() { printf "$2" >"$W/$1"; chmod 755 "$W/$1"; }
script sh_ok "#!$HELLO\n"
compare_native elf/script_ok -- "$W/sh_ok"
script sh_empty "#!\n"
expect_line elf/script_empty 126 "^ue: $W/sh_empty: empty #! line$" -- "$W/sh_empty"
script sh_blank "#!   \t  \nexit 3\n"
expect_line elf/script_blank 126 "^ue: $W/sh_blank: empty #! line$" -- "$W/sh_blank"
script sh_missing "#!/nonexistent/interp -x\n"
expect_line elf/script_missing 127 \
    "^ue: $W/sh_missing: bad #! interpreter /nonexistent/interp: No such file or directory$" -- "$W/sh_missing"
native_status elf/script_missing 127 "$W/sh_missing"
script sh_crlf "#!$HELLO\r\n"
expect_line elf/script_crlf 127 "^ue: $W/sh_crlf: bad #! interpreter $HELLO.: No such file or directory$" \
    -- "$W/sh_crlf"
native_status elf/script_crlf 127 "$W/sh_crlf"
script sh_notelf "#!$W/notelf\n"
expect_line elf/script_notelf 126 \
    "^ue: $W/sh_notelf: bad #! interpreter $W/notelf: not an executable: no ELF header and no #! line$" \
    -- "$W/sh_notelf"
script sh_dir "#!$W\n"
expect_line elf/script_dir 126 "^ue: $W/sh_dir: bad #! interpreter $W: Is a directory$" -- "$W/sh_dir"
native_status elf/script_dir 126 "$W/sh_dir"
script sh_noexec "#!$W/noexec\n"
expect_line elf/script_noexec 126 "^ue: $W/sh_noexec: bad #! interpreter $W/noexec: Permission denied$" \
    -- "$W/sh_noexec"
native_status elf/script_noexec 126 "$W/sh_noexec"
long=$(printf '/x%.0s' $(seq 200))
script sh_long "#!$long"
expect_line elf/script_too_long 126 "^ue: $W/sh_long: #! line too long" -- "$W/sh_long"

# #! chains: the kernel follows 5 levels of interpreters; ue must agree
# with it at every depth.
prev=$HELLO
for n in 1 2 3 4 5 6 7; do
    script "chain$n" "#!$prev\n"
    prev="$W/chain$n"
    (timeout 20 "$W/chain$n") >/dev/null 2>&1
    nrc=$?
    timeout 20 "$UE" "$W/chain$n" >/dev/null 2>"$TMP/chain.err"
    urc=$?
    if [ "$nrc" != "$urc" ]; then
        fail "elf/chain$n" "exit status $urc under ue, $nrc natively: $(head -c 200 "$TMP/chain.err")"
    elif [ "$urc" != 0 ] && ! grep -q "^ue: .*: too many levels of #! interpreters$" "$TMP/chain.err"; then
        fail "elf/chain$n" "unexpected message: $(head -c 200 "$TMP/chain.err")"
    else
        pass "elf/chain$n"
    fi
done
