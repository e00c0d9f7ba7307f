/*
 * decheck.c — ue's decoder and lifter against Zydis on real code and on
 * random bytes (tests/diff; `make check` runs a bounded pass).
 *
 *   decheck [--random N] [--top N] FILE...
 *
 * For every instruction Zydis finds in the executable sections of each ELF
 * FILE, linearly: does ue decode it, does the lifter accept it (one
 * instruction lifted by x86_translate, or a fault exit such as #GP for a
 * privileged instruction), and — for everything ue accepts — is the length
 * Zydis's.  Prints one PASS/FAIL line per file with the share of
 * instructions ue decodes and lifts, overall and among the ISA extensions
 * ue's CPUID advertises (glibc picks its code paths by CPUID, so the latter
 * is what a program actually runs; the goal is 100%), then the mnemonics
 * most often left unlifted.  --random N feeds N random 15-byte strings:
 * whatever ue lifts, Zydis must decode with the same length.
 *
 * Zydis is the oracle only for lengths and validity; semantics are the
 * differential tester's (diffcpu).
 */
#include "arch/x86/x86.h"

#include <Zydis/Zydis.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static ZydisDecoder zyd;
static Arena arena;

/* Whether an instruction belongs to the ISA extensions ue's CPUID reports
 * (src/arch/x86/cpuid.c).  Of CET only ENDBR64/32, which run as NOPs where
 * CET is absent; the shadow-stack instructions (INCSSP...) run only when
 * CPUID reports it. */
static bool advertised(const ZydisDecodedInstruction *zi)
{
    if (zi->meta.isa_ext == ZYDIS_ISA_EXT_CET)
        return zi->mnemonic == ZYDIS_MNEMONIC_ENDBR64 || zi->mnemonic == ZYDIS_MNEMONIC_ENDBR32;
    switch (zi->meta.isa_ext) {
    case ZYDIS_ISA_EXT_BASE: case ZYDIS_ISA_EXT_LONGMODE: case ZYDIS_ISA_EXT_X87: case ZYDIS_ISA_EXT_MMX:
    case ZYDIS_ISA_EXT_SSE: case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_SSE3: case ZYDIS_ISA_EXT_SSSE3:
    case ZYDIS_ISA_EXT_SSE4: case ZYDIS_ISA_EXT_MOVBE: case ZYDIS_ISA_EXT_LZCNT: case ZYDIS_ISA_EXT_RDTSCP:
    case ZYDIS_ISA_EXT_AMD3DNOW_PREFETCH: case ZYDIS_ISA_EXT_XSAVE: case ZYDIS_ISA_EXT_CLFSH:
    case ZYDIS_ISA_EXT_PAUSE:
        return true;
    default:
        return false;
    }
}

/* MOV to/from CRn/DRn: the SDM ignores ModRM.mod there and ue decodes a
 * memory form; privileged either way (the decoder unit test notes it). */
static bool is_mov_cr_dr(const ZydisDecodedInstruction *zi)
{
    return zi->opcode_map == ZYDIS_OPCODE_MAP_0F && (zi->opcode & 0xfc) == 0x20;
}

typedef struct Stats {
    u64 total, decoded, lifted, adv, adv_lifted, mismatches;
    u32 unlifted[ZYDIS_MNEMONIC_MAX_VALUE + 1];
    bool unlifted_adv[ZYDIS_MNEMONIC_MAX_VALUE + 1];
} Stats;

/* ue on one instruction Zydis decoded at p (vaddr pc, avail bytes). */
static void check_one(const u8 *p, size_t avail, u64 pc, const ZydisDecodedInstruction *zi, Stats *st,
                      const char *file)
{
    bool adv = advertised(zi);
    st->total++;
    st->adv += adv;
    X86Insn in;
    bool lifted = false;
    if (x86_decode(&in, p, avail, pc) == X86_DECODE_OK) {
        st->decoded++;
        X86TranslateOpts opts = {.single_step = true};
        IrBlock *blk = x86_translate(&opts, &arena, pc, p, avail);
        lifted = blk->ninsns == 1 || (blk->nops && blk->ops[blk->nops - 1].aux == IR_EXIT_PRIV &&
                                       blk->ops[blk->nops - 1].imm == pc);
        /* UD0/UD1/UD2 are #UD by definition: refusing them is right. */
        lifted |= zi->mnemonic == ZYDIS_MNEMONIC_UD0 || zi->mnemonic == ZYDIS_MNEMONIC_UD1 ||
                  zi->mnemonic == ZYDIS_MNEMONIC_UD2;
        ir_block_free(blk);
        arena_reset(&arena);
        if (lifted && in.len != zi->length && !is_mov_cr_dr(zi)) {
            if (st->mismatches++ < 5) {
                printf("    %s at 0x%llx: ue length %u, Zydis %u:", file, (unsigned long long)pc, in.len, zi->length);
                for (unsigned i = 0; i < 15 && i < avail; i++)
                    printf(" %02x", p[i]);
                printf("\n");
            }
        }
    }
    if (lifted) {
        st->lifted++;
        st->adv_lifted += adv;
    } else {
        st->unlifted[zi->mnemonic]++;
        st->unlifted_adv[zi->mnemonic] |= adv;
    }
}

static void print_top(const Stats *st, unsigned top)
{
    for (int pass = 0; pass < 2; pass++) {
        u32 shown = 0, done[64];
        unsigned nd = 0;
        printf("    not lifted, %s: ", pass ? "not advertised" : "advertised by ue's CPUID");
        while (shown < top && nd < 64) {
            u32 best = 0, bi = 0;
            for (u32 m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
                bool skip = st->unlifted_adv[m] == pass;
                for (unsigned k = 0; k < nd && !skip; k++)
                    skip = done[k] == m;
                if (!skip && st->unlifted[m] > best)
                    best = st->unlifted[m], bi = m;
            }
            if (!best)
                break;
            printf("%s%s %u", shown ? ", " : "", ZydisMnemonicGetString((ZydisMnemonic)bi), best);
            done[nd++] = bi;
            shown++;
        }
        printf("%s\n", shown ? "" : "none");
    }
}

/* Walk the executable sections of path; false if it cannot be read. */
static bool check_file(const char *path, unsigned top, bool *ok)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0)
        return false;
    const u8 *f = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f == MAP_FAILED)
        return false;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
    Stats *st = ue_calloc(1, sizeof *st);
    for (unsigned s = 0; s < eh->e_shnum; s++) {
        if (!(sh[s].sh_flags & SHF_EXECINSTR) || sh[s].sh_type != SHT_PROGBITS)
            continue;
        const u8 *p = f + sh[s].sh_offset;
        for (size_t off = 0; off < sh[s].sh_size;) {
            ZydisDecodedInstruction zi;
            size_t avail = sh[s].sh_size - off;
            if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, p + off, avail, &zi))) {
                off++; /* data or padding in the section */
                continue;
            }
            check_one(p + off, avail, sh[s].sh_addr + off, &zi, st, path);
            off += zi.length;
        }
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    double pd = st->total ? 100.0 * (double)st->decoded / (double)st->total : 0;
    double pl = st->total ? 100.0 * (double)st->lifted / (double)st->total : 0;
    double pa = st->adv ? 100.0 * (double)st->adv_lifted / (double)st->adv : 0;
    if (st->mismatches) {
        printf("FAIL decheck/%s: %llu lifted instructions whose length differs from Zydis's\n", name,
               (unsigned long long)st->mismatches);
        *ok = false;
    } else {
        printf("PASS decheck/%s (lengths agree)\n", name);
    }
    printf("    %s: %llu instructions; ue decodes %.2f%%, lifts %.2f%%; of the %llu in extensions ue advertises, "
           "lifts %.3f%%\n", name, (unsigned long long)st->total, pd, pl, (unsigned long long)st->adv, pa);
    print_top(st, top);
    free(st);
    munmap((void *)f, (size_t)sb.st_size);
    return true;
}

/* Random byte strings: whatever ue lifts, Zydis decodes, to the same
 * length. */
static bool check_random(u64 n)
{
    UeRand r = {0x5eed};
    u64 lifted = 0, bad = 0;
    for (u64 k = 0; k < n; k++) {
        u8 buf[16];
        for (int i = 0; i < 16; i += 8) {
            u64 v = ue_rand_next(&r);
            memcpy(buf + i, &v, 8);
        }
        X86Insn in;
        /* 0F 18..1F is the hint-NOP space: hardware runs what is not
         * assigned as NOP, Zydis (without MPX/CET modes) says invalid. */
        if (x86_decode(&in, buf, 15, 0x10000) != X86_DECODE_OK ||
            (in.map == X86_MAP_0F && (in.opc & 0xf8) == 0x18))
            continue;
        X86TranslateOpts opts = {.single_step = true};
        IrBlock *blk = x86_translate(&opts, &arena, 0x10000, buf, 15);
        bool ok = blk->ninsns == 1;
        ir_block_free(blk);
        arena_reset(&arena);
        if (!ok)
            continue;
        lifted++;
        ZydisDecodedInstruction zi;
        if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, buf, 15, &zi)) &&
            (zi.length == in.len || is_mov_cr_dr(&zi)))
            continue;
        if (bad++ < 5) {
            printf("    random: ue lifts %u bytes, Zydis %s:", in.len,
                   ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, buf, 15, &zi)) ? "decodes another length"
                                                                                    : "rejects it");
            for (int i = 0; i < 15; i++)
                printf(" %02x", buf[i]);
            printf("\n");
        }
    }
    if (bad)
        printf("FAIL decheck/random: %llu of %llu lifted byte strings disagree with Zydis\n", (unsigned long long)bad,
               (unsigned long long)lifted);
    else
        printf("PASS decheck/random (%llu lifted of %llu byte strings, lengths agree)\n", (unsigned long long)lifted,
               (unsigned long long)n);
    return bad == 0;
}

int main(int argc, char **argv)
{
    ZydisDecoderInit(&zyd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    setvbuf(stdout, NULL, _IOLBF, 0);
    u64 random = 0;
    unsigned top = 12;
    bool ok = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--random") && i + 1 < argc) {
            random = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--top") && i + 1 < argc) {
            top = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!check_file(argv[i], top, &ok)) {
            printf("FAIL decheck/%s: cannot read it\n", argv[i]);
            ok = false;
        }
    }
    if (random)
        ok &= check_random(random);
    return ok ? 0 : 1;
}
