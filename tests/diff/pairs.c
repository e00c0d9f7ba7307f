/*
 * pairs.c — two-instruction cases: a flag-producing form (any table row)
 * followed by an instruction that consumes the flags, translated as one
 * block.  Single-instruction cases never put a flags producer and its
 * consumer in the same block, so they miss the lifter's known-producer
 * shortcuts (lift_flags.c: `cmp; jl` becomes one signed compare, CF of
 * INC/DEC/RCL from the producer's operands...) and the JIT's fused
 * compare-and-branch.  Here every producer meets every consumer.
 *
 * A pair is only generated when the consumer reads no flag the producer
 * leaves undefined for that input (the host may then differ from ue with
 * both right), and when the producer leaves no register or memory
 * undefined (the consumer might read it); flags the consumer keeps from the
 * producer are masked through DiffCase.extra_undef.
 */
#include "diff.h"

const char *const diff_pair_names[PAIR_NKINDS] = {
    "setcc", "cmovcc", "jcc8", "jcc32", "adc", "sbb", "inc", "dec", "cmc", "lahf", "rcl", "rcr", "shl", "bt",
    "rol", "ror",
};

/* Flags condition code cc reads (Jcc/SETcc/CMOVcc low nibble). */
static u64 cc_reads(unsigned cc)
{
    static const u64 r[8] = {X86_OF, X86_CF, X86_ZF, X86_CF | X86_ZF, X86_SF, X86_PF, X86_SF | X86_OF,
                             X86_ZF | X86_SF | X86_OF};
    return r[(cc >> 1) & 7];
}

bool diff_pair_producer(const DiffForm *f)
{
    static const char *const skip[] = {"priv", "int", "int3", "ud", "fence", "prefetch", "nop", "fwait", "rdtsc",
                                       "push", "pop", "enter", "leave", "call", "ret", "jmp", "jcc", "loop",
                                       "jrcxz", "xlat", "lea", "mov", "movzx", "movsx", "movsxd", "bswap", "movbe",
                                       "movnti", "xchg", "cbw", "cwd", "setcc", "cmovcc", "lahf", "cld", "std"};
    for (unsigned i = 0; i < UE_ARRAY_LEN(skip); i++)
        if (!strcmp(f->row->family, skip[i]))
            return false;
    return !(f->row->flags & RF_BRANCH) && !f->lock;
}

/* REX for a reg,rm register pair (or just rm), with W; 0 if none needed. */
static u8 rex_for(bool w, int reg, int rm, bool force)
{
    u8 rex = (u8)(0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0));
    return rex != 0x40 || force ? rex : 0;
}

/* Encode the consumer at code[at..]; returns its length.  *reads: flags it
 * reads; *undef: flags it leaves undefined or keeps from the producer. */
static unsigned encode_consumer(DiffEnv *e, DiffRng *r, unsigned kind, u8 *code, unsigned at, u64 *reads,
                                u64 *undef)
{
    unsigned cc = (unsigned)diff_below(r, 16), n = at;
    int g = (int)diff_below(r, 16), m = (int)diff_below(r, 16);
    bool w = diff_rand(r) & 1;
    u8 rex;
    *reads = 0;
    *undef = 0;
    switch (kind) {
    case PAIR_SETCC: /* SETcc r8: SPL..DIL with a REX, AH..BH without */
        if ((rex = rex_for(false, 0, m, diff_rand(r) & 1)))
            code[n++] = rex;
        code[n++] = 0x0f, code[n++] = (u8)(0x90 + cc), code[n++] = (u8)(0xc0 | (m & 7));
        *reads = cc_reads(cc);
        break;
    case PAIR_CMOVCC:
        if ((rex = rex_for(w, g, m, false)))
            code[n++] = rex;
        code[n++] = 0x0f, code[n++] = (u8)(0x40 + cc), code[n++] = (u8)(0xc0 | (g & 7) << 3 | (m & 7));
        *reads = cc_reads(cc);
        break;
    case PAIR_JCC8:
    case PAIR_JCC32: {
        bool near = kind == PAIR_JCC8;
        unsigned len = near ? 2 : 6;
        u64 t = diff_pick_target(e, r, n + len, near ? -128 : -3000, near ? 127 : 3000);
        i64 rel = (i64)(t - (e->pc + n + len));
        if (near) {
            code[n++] = (u8)(0x70 + cc), code[n++] = (u8)rel;
        } else {
            code[n++] = 0x0f, code[n++] = (u8)(0x80 + cc);
            for (int i = 0; i < 4; i++)
                code[n++] = (u8)((u64)rel >> (8 * i));
        }
        *reads = cc_reads(cc);
        break;
    }
    case PAIR_ADC:
    case PAIR_SBB:
        if ((rex = rex_for(w, g, m, false)))
            code[n++] = rex;
        code[n++] = kind == PAIR_ADC ? 0x13 : 0x1b, code[n++] = (u8)(0xc0 | (g & 7) << 3 | (m & 7));
        *reads = X86_CF;
        break;
    case PAIR_INC:
    case PAIR_DEC: /* CF kept */
    case PAIR_RCL:
    case PAIR_RCR:
    case PAIR_SHL: { /* by CL; a zero count keeps every flag */
        static const u8 ops[][2] = {{0xff, 0}, {0xff, 1}, {0xd3, 2}, {0xd3, 3}, {0xd3, 4}};
        unsigned k = kind == PAIR_INC ? 0 : kind == PAIR_DEC ? 1 : kind == PAIR_RCL ? 2 : kind == PAIR_RCR ? 3 : 4;
        if ((rex = rex_for(true, 0, m, true)))
            code[n++] = rex;
        code[n++] = ops[k][0], code[n++] = (u8)(0xc0 | ops[k][1] << 3 | (m & 7));
        *reads = kind == PAIR_RCL || kind == PAIR_RCR ? X86_CF : 0;
        *undef = kind == PAIR_RCL || kind == PAIR_RCR ? X86_OF : kind == PAIR_SHL ? X86_AF | X86_OF : 0;
        break;
    }
    case PAIR_BT: /* CF set, ZF kept, the rest undefined */
        if ((rex = rex_for(w, g, m, false)))
            code[n++] = rex;
        code[n++] = 0x0f, code[n++] = 0xa3, code[n++] = (u8)(0xc0 | (g & 7) << 3 | (m & 7));
        *undef = X86_OF | X86_SF | X86_AF | X86_PF;
        break;
    case PAIR_ROL:
    case PAIR_ROR: { /* by an immediate: CF set, OF too for a count of 1, the rest kept */
        unsigned count = diff_rand(r) & 1 ? 1 : (unsigned)diff_below(r, 64);
        if ((rex = rex_for(w, 0, m, false)))
            code[n++] = rex;
        code[n++] = 0xc1, code[n++] = (u8)(0xc0 | (kind == PAIR_ROR) << 3 | (m & 7)), code[n++] = (u8)count;
        if ((count & (w ? 63 : 31)) != 1)
            *undef = X86_OF;
        break;
    }
    case PAIR_CMC:
        code[n++] = 0xf5;
        *reads = X86_CF;
        break;
    default: /* LAHF */
        code[n++] = 0x9f;
        *reads = X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF;
        break;
    }
    return n - at;
}

bool diff_gen_pair(DiffEnv *e, const DiffForm *producer, unsigned kind, DiffRng *r, DiffCase *c)
{
    for (int tries = 0; tries < 16; tries++) {
        diff_gen_case(e, producer, r, NULL, c);
        DiffMask pm;
        diff_undef(e, c, &pm);
        bool clean = !pm.mem_len;
        for (int i = 0; i < 16; i++)
            clean &= !pm.gpr_bits[i];
        u64 reads, undef;
        unsigned n = encode_consumer(e, r, kind, c->code, c->len, &reads, &undef);
        if (!clean || (reads & pm.flags))
            continue;
        c->len = (u8)(c->len + n);
        c->ninsn = 2;
        c->extra_undef = undef | pm.flags; /* a consumer may keep the producer's */
        c->pair = diff_pair_names[kind];
        return true;
    }
    return false;
}

/* ---- sequences ----
 * Two to eight register-only instructions in one block: the lifter keeps
 * registers and flags in temps across them (x86_priv.h: buffered writes)
 * and the JIT allocates registers over the whole block, so what one
 * instruction leaves in a temp the next one reads.  Members are drawn from
 * the integer forms without memory or stack operands, and the x87
 * register forms and FWAIT (with --fp-traps, an unmasked x87 exception
 * one member raises is taken, #MF, by a later one); a member may not
 * read a flag that an earlier one left undefined (flag effects below are
 * per family and conservative: a shift by CL may keep or replace them). */

typedef struct FlagFx {
    u64 reads, writes, undef;
} FlagFx;

static FlagFx flag_fx(const DiffForm *f)
{
    const char *fam = f->row->family;
    u64 all = X86_ARITH_FLAGS;
    FlagFx fx = {0, 0, 0};
    switch (f->row->undef) {
    case UD_AF: fx.writes = all, fx.undef = X86_AF; break;
    case UD_MUL: fx.writes = all, fx.undef = X86_SF | X86_ZF | X86_AF | X86_PF; break;
    case UD_DIV: fx.writes = all, fx.undef = all; break;
    case UD_SHIFT: case UD_SHD: fx.undef = X86_AF | X86_OF | X86_CF; break;
    case UD_ROT: fx.undef = X86_OF; break;
    case UD_BT: fx.writes = X86_CF, fx.undef = X86_OF | X86_SF | X86_AF | X86_PF; break;
    case UD_CNT: fx.writes = all, fx.undef = X86_OF | X86_SF | X86_AF | X86_PF; break;
    default: break;
    }
    static const char *const full[] = {"add", "sub", "cmp", "neg", "adc", "sbb", "xadd", "cmpxchg", "popcnt"};
    for (unsigned i = 0; i < UE_ARRAY_LEN(full); i++)
        if (!strcmp(fam, full[i]))
            fx.writes = all;
    if (!strcmp(fam, "inc") || !strcmp(fam, "dec"))
        fx.writes = all & ~(u64)X86_CF;
    if (!strcmp(fam, "adc") || !strcmp(fam, "sbb") || !strcmp(fam, "rcl") || !strcmp(fam, "rcr") ||
        !strcmp(fam, "cmc"))
        fx.reads = X86_CF;
    if (!strcmp(fam, "setcc") || !strcmp(fam, "cmovcc"))
        fx.reads = cc_reads(f->row->opc & 15);
    if (!strcmp(fam, "lahf"))
        fx.reads = X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF;
    if (!strcmp(fam, "sahf"))
        fx.writes = X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF;
    if (!strcmp(fam, "clc") || !strcmp(fam, "stc") || !strcmp(fam, "cmc"))
        fx.writes |= X86_CF;
    return fx;
}

bool diff_seq_member(const DiffForm *f)
{
    static const char *const skip[] = {"priv", "int", "int3", "ud", "rdtsc", "xlat", "leave", "enter", "bsf",
                                       "bsr", "cpuid", "fence"};
    const DiffRow *row = f->row;
    for (unsigned i = 0; i < UE_ARRAY_LEN(skip); i++)
        if (!strcmp(row->family, skip[i]))
            return false;
    if (row->undef == UD_SHD && f->size == 2)
        return false; /* counts over 16 leave the result undefined */
    if (!strcmp(row->family, "x87-cmp") || !strcmp(row->family, "x87-move"))
        return false; /* FCMOVcc/FCOMI's flags are not modelled in flag_fx */
    return !f->mem && !f->lock && !f->rep && row->imm != IMM_MOFFS && row->map <= 2 &&
           !(row->flags & (RF_STACK | RF_STRING | RF_BRANCH | RF_VEC)) && row->layout != LY_REL;
}

bool diff_gen_seq(DiffEnv *e, const DiffForm *forms, const u32 *members, u32 nmembers, DiffRng *r, DiffCase *c)
{
    unsigned n = 2 + (unsigned)diff_below(r, 7);
    DiffCase part;
    u64 undef = 0, ever = 0; /* flags undefined now / at any point (a member may fault) */
    diff_gen_case(e, &forms[members[diff_below(r, nmembers)]], r, NULL, c);
    undef = ever = flag_fx(c->f).undef;
    for (unsigned k = 1; k < n; k++) {
        bool placed = false;
        for (int tries = 0; tries < 16 && !placed; tries++) {
            const DiffForm *f = &forms[members[diff_below(r, nmembers)]];
            FlagFx fx = flag_fx(f);
            if (fx.reads & undef)
                continue;
            diff_gen_case(e, f, r, NULL, &part); /* only its bytes are kept */
            if (c->len + part.len > sizeof c->code)
                break;
            memcpy(c->code + c->len, part.code, part.len);
            c->len = (u8)(c->len + part.len);
            undef = (undef & ~fx.writes) | fx.undef;
            ever |= undef;
            placed = true;
        }
        if (!placed)
            break;
        c->ninsn++;
    }
    /* The first member's inputs are the case's (diff_gen_case above drew
     * the data buffer for the last member: no member touches memory). */
    c->extra_undef = ever;
    c->pair = "sequence";
    return c->ninsn >= 2;
}
