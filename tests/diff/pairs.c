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
