/*
 * coverage.c — `make isa-coverage`: what ue implements, what the
 * differential tester covers, and what disagrees with the host, per family.
 *
 * A form here is an encoding class: opcode map and byte, the ModRM.reg
 * opcode extension (for group opcodes only; elsewhere ModRM.reg names a
 * register), register or memory operand, the prefix that selects among
 * forms (none, 66, F3, F2: the last of F2/F3, else 66, as the decoder
 * reads a mandatory prefix) and REX.W.
 *
 *  - implemented: ue's decoder and lifter accept it (x86_translate lifts
 *    one instruction rather than ending the block with SIGILL); found by
 *    translating every form, independently of the test tables;
 *  - tested: at least one differential case ran with that encoding;
 *  - mismatched: at least one of those cases disagreed with the host.
 *
 * Forms a table tests that ue does not implement (LOCK on a register, the
 * reserved encodings) are counted apart: they pass when ue and the host
 * both refuse them.  Implemented forms without a row are listed by Zydis
 * mnemonic, so the table is the honest answer to "what does ue implement,
 * and what of it is checked?".
 */
#include "diff.h"

#include <Zydis/Zydis.h>
#include <stdlib.h>

enum { COV_IMPL = 1, COV_TESTED = 2, COV_BAD = 4 };
enum { NKEYS = 4 * 256 * 9 * 3 * 4 * 2 };

struct DiffCov {
    u8 flags[NKEYS];
    u32 cases[NKEYS];
};

/* Opcodes whose ModRM.reg is an opcode extension (SDM vol. 2, A.4). */
static bool is_group(unsigned map, unsigned opc)
{
    if (map == 0)
        return (opc >= 0x80 && opc <= 0x83) || opc == 0x8f || opc == 0xc0 || opc == 0xc1 || opc == 0xc6 ||
               opc == 0xc7 || (opc >= 0xd0 && opc <= 0xd3) || (opc >= 0xd8 && opc <= 0xdf) || opc == 0xf6 ||
               opc == 0xf7 || opc == 0xfe || opc == 0xff;
    if (map == 1)
        return opc == 0x00 || opc == 0x01 || opc == 0x0d || opc == 0x18 || (opc >= 0x71 && opc <= 0x73) ||
               opc == 0xae || opc == 0xb9 || opc == 0xba || opc == 0xc7;
    return false;
}

/* ext: 0..7, or 8 when ModRM.reg is not an extension (or there is no
 * ModRM); mem: 0 register, 1 memory, 2 no ModRM; pfx: 0 none, 1 66, 2 F3,
 * 3 F2. */
static u32 key(unsigned map, unsigned opc, unsigned ext, unsigned mem, unsigned pfx, unsigned w)
{
    if (!is_group(map, opc))
        ext = 8;
    return ((((map * 256 + opc) * 9 + ext) * 3 + mem) * 4 + pfx) * 2 + w;
}

static void unkey(u32 k, unsigned *map, unsigned *opc, unsigned *ext, unsigned *mem, unsigned *pfx, unsigned *w)
{
    *w = k % 2, k /= 2;
    *pfx = k % 4, k /= 4;
    *mem = k % 3, k /= 3;
    *ext = k % 9, k /= 9;
    *opc = k % 256, k /= 256;
    *map = k;
}

/* The key of a generated case, read back from its bytes (prefixes as the
 * decoder reads them; whether there is a ModRM from the row). */
static u32 key_of_case(const DiffCase *c)
{
    const u8 *p = c->code;
    unsigned i = 0, rex = 0, last_f2f3 = 0, has66 = 0;
    for (;; i++) {
        u8 b = p[i];
        if (b == 0x66)
            has66 = 1, rex = 0;
        else if (b == 0xf2 || b == 0xf3)
            last_f2f3 = b, rex = 0;
        else if (b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65 || b == 0x67)
            rex = 0;
        else if ((b & 0xf0) == 0x40)
            rex = b;
        else
            break;
    }
    unsigned map = 0;
    if (p[i] == 0x0f) {
        map = 1, i++;
        if (p[i] == 0x38 || p[i] == 0x3a)
            map = p[i] == 0x38 ? 2 : 3, i++;
    }
    unsigned opc = p[i++];
    unsigned pfx = last_f2f3 == 0xf3 ? 2 : last_f2f3 == 0xf2 ? 3 : has66 ? 1 : 0;
    unsigned ly = c->f->row->layout;
    unsigned ext = 8, mem = 2;
    if (ly == LY_E || ly == LY_EG || ly == LY_FIXED) {
        ext = (p[i] >> 3) & 7;
        mem = (p[i] >> 6) != 3;
    }
    return key(map, opc, ext, mem, pfx, (rex >> 3) & 1);
}

/* The bytes of one form (a [rax] or register ModRM where there is one). */
static unsigned form_bytes(u8 *buf, unsigned map, unsigned opc, int ext, unsigned mem, unsigned pfx, unsigned w)
{
    static const u8 pfx_byte[4] = {0, 0x66, 0xf3, 0xf2};
    unsigned n = 0;
    memset(buf, 0, 32);
    if (pfx)
        buf[n++] = pfx_byte[pfx];
    if (w)
        buf[n++] = 0x48;
    if (map)
        buf[n++] = 0x0f;
    if (map >= 2)
        buf[n++] = map == 2 ? 0x38 : 0x3a;
    buf[n++] = (u8)opc;
    if (ext >= 0)
        buf[n++] = (u8)((mem ? 0 : 0xc0) | ext << 3);
    return n;
}

/* Translate one form; true if the lifter accepted it.  *modrm says
 * whether the decoder read a ModRM byte. */
static bool implemented(Arena *arena, unsigned map, unsigned opc, int ext, unsigned mem, unsigned pfx, unsigned w,
                        bool *modrm)
{
    u8 buf[32];
    form_bytes(buf, map, opc, ext, mem, pfx, w);
    X86Insn in;
    if (x86_decode(&in, buf, sizeof buf, 0x10000) != X86_DECODE_OK) {
        *modrm = false;
        return false;
    }
    *modrm = in.has_modrm;
    X86TranslateOpts opts = {.single_step = true};
    IrBlock *blk = x86_translate(&opts, arena, 0x10000, buf, sizeof buf);
    bool ok = blk->ninsns == 1;
    ir_block_free(blk);
    arena_reset(arena);
    return ok;
}

static bool is_prefix_byte(unsigned b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
           b == 0x26 || b == 0x64 || b == 0x65 || (b & 0xf0) == 0x40 || b == 0x0f || b == 0xc4 || b == 0xc5;
}

void diff_cov_init(DiffRun *run)
{
    if (!run->opts->coverage)
        return;
    DiffCov *cov = ue_calloc(1, sizeof *cov);
    Arena arena = {0};
    for (unsigned map = 0; map < 4; map++) {
        for (unsigned opc = 0; opc < 256; opc++) {
            if (map == 0 && is_prefix_byte(opc))
                continue;
            if (map == 1 && (opc == 0x38 || opc == 0x3a))
                continue;
            for (unsigned pfx = 0; pfx < 4; pfx++) {
                for (unsigned w = 0; w < 2; w++) {
                    bool modrm;
                    for (int ext = 0; ext < 8; ext++) {
                        for (unsigned mem = 0; mem < 2; mem++) {
                            bool ok = implemented(&arena, map, opc, ext, mem, pfx, w, &modrm);
                            if (ok && !modrm)
                                cov->flags[key(map, opc, 8, 2, pfx, w)] |= COV_IMPL;
                            else if (ok)
                                cov->flags[key(map, opc, (unsigned)ext, mem, pfx, w)] |= COV_IMPL;
                        }
                    }
                }
            }
        }
    }
    arena_free(&arena);
    run->cov = cov;
}

void diff_cov_note(DiffRun *run, const DiffCase *c, bool ok)
{
    if (!run->cov)
        return;
    u32 k = key_of_case(c);
    run->cov->flags[k] |= COV_TESTED | (ok ? 0 : COV_BAD);
    run->cov->cases[k]++;
}

/* ---- the table ---- */

/* The row a form belongs to: same opcode (and extension), preferring the
 * row whose mandatory prefix is the form's. */
static const DiffRow *row_of(const DiffTable *const *tables, unsigned map, unsigned opc, unsigned ext, unsigned pfx)
{
    static const u8 pfx_byte[4] = {0, 0x66, 0xf3, 0xf2};
    const DiffRow *best = NULL;
    for (unsigned t = 0; tables[t]; t++) {
        for (u32 i = 0; i < tables[t]->nrows; i++) {
            const DiffRow *row = &tables[t]->rows[i];
            bool op = row->layout == LY_Z ? (opc & ~7u) == row->opc : opc == row->opc;
            unsigned rext = row->layout == LY_FIXED ? (row->ext >> 3) & 7 : row->ext;
            if (row->map != map || !op || (ext < 8 && rext != ext && row->layout != LY_EG))
                continue;
            if (row->pfx == pfx_byte[pfx])
                return row;
            if (!best && !row->pfx)
                best = row;
        }
    }
    return best;
}

typedef struct FamCov {
    char name[48];
    u32 impl, tested, bad, refused;
    u64 cases;
} FamCov;

static FamCov *fam_get(FamCov **v, u32 *n, u32 *cap, const char *name)
{
    for (u32 i = 0; i < *n; i++)
        if (!strcmp((*v)[i].name, name))
            return &(*v)[i];
    FamCov f = {.impl = 0};
    snprintf(f.name, sizeof f.name, "%s", name);
    VEC_PUSH(*v, *n, *cap, f);
    return &(*v)[*n - 1];
}

/* Family name of a form: its row's, else Zydis's mnemonic in brackets. */
static void fam_name(const DiffTable *const *tables, u32 k, char *buf, size_t len)
{
    unsigned map, opc, ext, mem, pfx, w;
    unkey(k, &map, &opc, &ext, &mem, &pfx, &w);
    const DiffRow *row = row_of(tables, map, opc, ext, pfx);
    if (row) {
        snprintf(buf, len, "%s", row->family);
        return;
    }
    u8 bytes[32];
    unsigned n = form_bytes(bytes, map, opc, ext == 8 ? (mem == 2 ? -1 : 0) : (int)ext, mem == 1, pfx, w);
    ZydisDisassembledInstruction zi;
    const char *m = "?";
    if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, 0x10000, bytes, n + 8, &zi)))
        m = ZydisMnemonicGetString(zi.info.mnemonic);
    snprintf(buf, len, "[%s]", m);
}

static void print_untested(const DiffTable *const *tables, const DiffCov *cov)
{
    static const char *const pfx_name[4] = {"", "66 ", "f3 ", "f2 "};
    printf("\nImplemented but not tested:\n");
    unsigned shown = 0;
    for (u32 k = 0; k < NKEYS; k++) {
        if (!(cov->flags[k] & COV_IMPL) || (cov->flags[k] & COV_TESTED))
            continue;
        unsigned map, opc, ext, mem, pfx, w;
        unkey(k, &map, &opc, &ext, &mem, &pfx, &w);
        char fam[48];
        fam_name(tables, k, fam, sizeof fam);
        printf("  %-14s %s%s%s%s%02x", fam, pfx_name[pfx], w ? "rex.w " : "", map ? "0f " : "",
               map == 2 ? "38 " : map == 3 ? "3a " : "", opc);
        if (ext < 8)
            printf(" /%u", ext);
        printf("%s\n", mem == 2 ? "" : mem ? " mem" : " reg");
        shown++;
    }
    if (!shown)
        printf("  (none)\n");
}

void diff_cov_print(DiffRun *run, const DiffTable *const *tables)
{
    const DiffCov *cov = run->cov;
    FamCov *fams = NULL, tot = {.impl = 0};
    u32 nf = 0, cap = 0;
    for (u32 k = 0; k < NKEYS; k++) {
        u8 f = cov->flags[k];
        if (!f)
            continue;
        char name[48];
        fam_name(tables, k, name, sizeof name);
        FamCov *fc = fam_get(&fams, &nf, &cap, name);
        bool impl = f & COV_IMPL, tested = f & COV_TESTED;
        fc->impl += impl;
        fc->tested += impl && tested;
        fc->bad += (f & COV_BAD) != 0;
        fc->refused += tested && !impl;
        fc->cases += cov->cases[k];
    }
    printf("ISA coverage: a form is opcode x ModRM.reg extension (groups) x register/memory operand x\n"
           "prefix (none/66/F3/F2) x REX.W.  implemented = ue's decoder and lifter accept it; tested =\n"
           "differential cases ran (edge pairs + %llu random per table form); refused = tested forms\n"
           "ue rejects, as the host does (LOCK misuse, reserved encodings).\n\n",
           (unsigned long long)run->opts->cases);
    printf("%-16s %11s %8s %10s %8s %10s\n", "family", "implemented", "tested", "mismatched", "refused", "cases");
    for (int pass = 0; pass < 2; pass++) {
        for (u32 i = 0; i < nf; i++) {
            const FamCov *fc = &fams[i];
            if ((fc->name[0] == '[') != pass)
                continue;
            printf("%-16s %11u %8u %10u %8u %10llu\n", fc->name, fc->impl, fc->tested, fc->bad, fc->refused,
                   (unsigned long long)fc->cases);
            tot.impl += fc->impl, tot.tested += fc->tested, tot.bad += fc->bad, tot.refused += fc->refused;
            tot.cases += fc->cases;
        }
    }
    printf("%-16s %11u %8u %10u %8u %10llu\n", "total", tot.impl, tot.tested, tot.bad, tot.refused,
           (unsigned long long)tot.cases);
    print_untested(tables, cov);
    free(fams);
}
