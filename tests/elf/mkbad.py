#!/usr/bin/env python3
"""tests/elf/mkbad.py STATIC DYNAMIC OUTDIR — make malformed executables.

Each output is a copy of a real, working binary (STATIC: a static ELF
without PT_INTERP; DYNAMIC: a PIE with PT_INTERP) with one defect patched
in, so that a test fails for exactly that defect.  The files are made fresh
by every test run instead of being checked in.  Prints the names written.
"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_INTERP = 1, 3
# Indices into a program header as a list.
TYPE, FLAGS, OFFSET, VADDR, PADDR, FILESZ, MEMSZ, ALIGN = range(8)


class Elf:
    def __init__(self, path):
        self.b = bytearray(open(path, "rb").read())
        f = EHDR.unpack_from(self.b, 0)
        self.phoff, self.phnum = f[5], f[9]

    def eh(self, field, fmt, value):
        """Patch an ELF header field at byte offset `field`."""
        struct.pack_into(fmt, self.b, field, value)
        return self

    def phdrs(self):
        for i in range(self.phnum):
            off = self.phoff + i * PHDR.size
            yield off, list(PHDR.unpack_from(self.b, off))

    def loads(self):
        return [(o, p) for o, p in self.phdrs() if p[0] == PT_LOAD]

    def put(self, off, p):
        PHDR.pack_into(self.b, off, *p)
        return self


def main():
    static, dynamic, out = sys.argv[1:4]
    made = {}

    def variant(name, elf=None, data=None):
        made[name] = bytes(elf.b) if elf is not None else data

    S = lambda: Elf(static)
    D = lambda: Elf(dynamic)
    raw = open(static, "rb").read()

    variant("class32", S().eh(4, "B", 1).eh(18, "<H", 3))   # ELFCLASS32, EM_386
    variant("aarch64", S().eh(18, "<H", 183))               # e_machine = EM_AARCH64
    variant("bigendian", S().eh(5, "B", 2))                 # EI_DATA = ELFDATA2MSB
    variant("reloc", S().eh(16, "<H", 1))                   # e_type = ET_REL
    variant("trunc_header", data=raw[:40])
    text = S().loads()[1][1]
    # Cut inside the second segment's file contents (headers stay whole).
    variant("trunc_segment", data=raw[:text[OFFSET] + text[FILESZ] // 2])
    variant("phoff_beyond", S().eh(32, "<Q", len(raw) + 4096))   # e_phoff
    variant("phoff_huge", S().eh(32, "<Q", 2**64 - 8))
    variant("phentsize", S().eh(54, "<H", 32))
    variant("phnum_zero", S().eh(56, "<H", 0))
    e = S()
    for off, p in e.loads():
        p[TYPE] = 0                                         # PT_LOAD -> PT_NULL
        e.put(off, p)
    variant("no_load", e)
    e = S()
    (o1, p1), (o2, p2) = e.loads()[:2]
    p2[OFFSET], p2[VADDR], p2[PADDR] = p1[OFFSET], p1[VADDR], p1[PADDR]  # second over the first
    variant("overlap", e.put(o2, p2))
    e = S()
    o, p = e.loads()[0]
    p[MEMSZ] = 2**62
    variant("absurd_memsz", e.put(o, p))
    e = S()
    o, p = e.loads()[-1]
    p[FILESZ] = p[MEMSZ] + 4096
    variant("filesz_gt_memsz", e.put(o, p))
    e = S()
    o, p = e.loads()[0]
    p[OFFSET] = len(raw) + 8192
    variant("offset_beyond", e.put(o, p))
    e = S()
    o, p = e.loads()[0]
    p[VADDR] += 0x10                                        # vaddr != offset mod page
    variant("misaligned", e.put(o, p))
    e = S()
    for off, p in e.loads():                                # ET_EXEC below G (page 1)
        p[VADDR] -= 0x3ff000
        p[PADDR] -= 0x3ff000
        e.put(off, p)
    variant("low_exec", e.eh(24, "<Q", struct.unpack_from("<Q", e.b, 24)[0] - 0x3ff000))
    variant("entry_outside", S().eh(24, "<Q", 0x7ff000000000))

    # Dynamic: PT_INTERP pointing elsewhere (the kernel reads up to the
    # first NUL; the segment's last byte must stay NUL).
    def interp(path):
        e = D()
        for off, p in e.phdrs():
            if p[TYPE] == PT_INTERP:
                assert len(path) < p[FILESZ]
                e.b[p[OFFSET]:p[OFFSET] + p[FILESZ]] = path.encode().ljust(p[FILESZ], b"\0")
        return e

    variant("interp_missing", interp("/nonexistent/ld.so"))
    variant("interp_notelf", interp("./notelf"))             # relative: to the cwd
    variant("interp_dir", interp("/tmp"))
    e = interp("/x")
    for off, p in e.phdrs():
        if p[TYPE] == PT_INTERP:
            e.b[p[OFFSET] + p[FILESZ] - 1] = ord("x")                  # no terminating NUL
    variant("interp_unterminated", e)

    variant("notelf", data=b"this is plain text, not a program\n")
    variant("empty", data=b"")
    for name, data in made.items():
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o755)
        print(name)


if __name__ == "__main__":
    main()
