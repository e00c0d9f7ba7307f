/*
 * lift_x87.c — the x87 FPU (escape opcodes D8..DF) and the state
 * save/restore instructions of Grp15 (FXSAVE/FXRSTOR, XSAVE/XRSTOR), with
 * XGETBV, which describes what XSAVE manages.
 *
 * Pipeline position: called by translate.c through optab.def (XGETBV through
 * Grp7 in lift_ctrl.c); emits IR that
 * calls the helpers of x87_ops.c / x87_state.c, which compute on the host
 * FPU (x87_host.c) so results are bit-exact.
 *
 * The lifter's share of the work: decode the form, load memory operands and
 * pass them to the helper, store what a helper returns, stage FPU images
 * through X86Regs.scratch, and keep the order that makes faults precise —
 * every guest load happens before the helper that changes the FPU, every
 * store before the helper that pops or re-initialises (fst_done, fninit),
 * so a faulting access leaves the FPU as it was.
 *
 * x87 state is never cached in lifter slots: helpers read and write it in
 * X86Regs, and the few things done inline (FNSTSW, FNSTCW, the FIP/FOP/FDP
 * pointers) are direct GET/PUTs.
 *
 * Manual: Intel SDM vol. 2 appendix A.4 (escape opcode maps), vol. 1 ch. 8.
 * Undocumented aliases the hardware executes are accepted (DC D0/D8 FCOM/
 * FCOMP, DE D0 FCOMP, DD C8/DF C8 FXCH, D9 D8/DF D0/DF D8 FSTP, DF C0
 * FFREEP, DB E0/E1/E4 the 8087/287 no-ops).
 */
#include "arch/x86/x87_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7)

static u32 c64(X86Lift *L, u64 v) { return ir_const(L->b, IR_I64, v); }

/* Record FIP, FOP and (with a memory operand) FDP, as every x87
 * instruction does but FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW and the
 * environment saves and loads; after the instruction's memory accesses.
 * (The manual also lists FNOP, FINCSTP, FDECSTP and FFREE as control
 * instructions, but the host CPU records them; ue follows the host.) */
static void note_insn(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    ir_put(b, X86_OFF(fpu_ip), c64(L, in->pc));
    ir_put(b, X86_OFF(fop), ir_const(b, IR_I16, (u64)(in->opc & 7) << 8 | in->modrm));
    if (in->mod != 3)
        ir_put(b, X86_OFF(fpu_dp), x86_lea_addr(L, in));
}

static unsigned kind_bytes(X87Kind kind)
{
    static const u8 bytes[X87_NKINDS] = {
        [X87_M32FP] = 4, [X87_M64FP] = 8, [X87_M80FP] = 10, [X87_M16INT] = 2, [X87_M32INT] = 4,
        [X87_M64INT] = 8, [X87_M80BCD] = 10, [X87_T16] = 2, [X87_T32] = 4, [X87_T64] = 8,
    };
    return bytes[kind];
}

static u32 addr_plus(X86Lift *L, u32 addr, u64 off) { return off ? ir_add(L->b, addr, c64(L, off)) : addr; }

/* The memory operand as helper arguments: *lo = bytes 0..7 (zero-extended),
 * *hi = bytes 8..9 of a 10-byte operand. */
static void load_operand(X86Lift *L, const X86Insn *in, X87Kind kind, u32 *lo, u32 *hi)
{
    IrBuilder *b = L->b;
    u32 addr = x86_mem_addr(L, in);
    unsigned n = kind_bytes(kind);
    if (n == 10) {
        *lo = x86_load(L, IR_I64, addr);
        *hi = ir_zext(b, IR_I64, x86_load(L, IR_I16, addr_plus(L, addr, 8)));
    } else {
        *lo = ir_zext(b, IR_I64, x86_load(L, x86_int_type(n), addr));
        *hi = c64(L, 0);
    }
}

/* FST/FSTP/FIST(P)/FISTTP/FBSTP m: convert, store, then commit the status
 * word and pop.  An unmasked exception (X87_FST_SKIP) stores nothing and
 * does not pop; the CPU still checks the access (a store to an unwritable
 * page faults), so what is stored then is the memory's own old contents,
 * loaded first. */
static void store_st0(X86Lift *L, const X86Insn *in, X87Kind kind, bool pop)
{
    IrBuilder *b = L->b;
    u32 v = x86_call(L, &x87_h_fst, IR_V128, c64(L, kind), 0, 0);
    u32 lo = ir_extract(b, IR_I64, v, 0), hi = ir_extract(b, IR_I64, v, 8);
    u32 skip = ir_cmp(b, IR_CMPNE, ir_and(b, hi, c64(L, X87_FST_SKIP)), c64(L, 0));
    u32 addr = x86_mem_addr(L, in);
    unsigned n = kind_bytes(kind);
    if (n == 10) {
        u32 old_lo = x86_load(L, IR_I64, addr);
        u32 old_hi = x86_load(L, IR_I16, addr_plus(L, addr, 8));
        x86_store(L, addr, ir_select(b, skip, old_lo, lo));
        x86_store(L, addr_plus(L, addr, 8), ir_select(b, skip, old_hi, ir_trunc(b, IR_I16, hi)));
    } else {
        IrType t = x86_int_type(n);
        u32 old = x86_load(L, t, addr);
        x86_store(L, addr, ir_select(b, skip, old, ir_trunc(b, t, lo)));
    }
    u32 sw = ir_shr(b, hi, ir_const(b, IR_I8, 32)); /* the status word, X87_FST_SKIP >> 32 */
    x86_call(L, &x87_h_fst_done, IR_VOID, sw, c64(L, pop), 0);
}

/* The full status word: fsw with TOP inserted. */
static u32 status_word(X86Lift *L)
{
    IrBuilder *b = L->b;
    u32 sw = ir_get(b, IR_I16, X86_OFF(fsw));
    u32 top = ir_zext(b, IR_I16, ir_get(b, IR_I8, X86_OFF(ftop)));
    top = ir_shl(b, ir_and(b, top, ir_const(b, IR_I16, 7)), ir_const(b, IR_I8, 11));
    return ir_or(b, ir_and(b, sw, ir_const(b, IR_I16, ~(u64)FSW_TOP & 0xffff)), top);
}

/* ---- staging images through scratch ---- */

/* Store bytes [from, from + n) of the image staged in scratch to guest
 * memory at addr + from, in pieces of at most chunk bytes. */
static void store_scratch(X86Lift *L, u32 addr, unsigned from, unsigned n, unsigned chunk)
{
    IrBuilder *b = L->b;
    for (unsigned off = from; off < from + n;) {
        unsigned len = chunk;
        while (len > from + n - off)
            len >>= 1;
        u32 v = ir_get(b, x86_int_type(len), X86_OFF(scratch) + off);
        x86_store(L, addr_plus(L, addr, off), v);
        off += len;
    }
}

/* The reverse: guest memory at addr + from into scratch. */
static void load_scratch(X86Lift *L, u32 addr, unsigned from, unsigned n, unsigned chunk)
{
    IrBuilder *b = L->b;
    for (unsigned off = from; off < from + n;) {
        unsigned len = chunk;
        while (len > from + n - off)
            len >>= 1;
        u32 v = x86_load(L, x86_int_type(len), addr_plus(L, addr, off));
        ir_put(b, X86_OFF(scratch) + off, v);
        off += len;
    }
}

static unsigned env_bytes(unsigned how) { return ((how & X87_ENV_16) ? 14 : 28) + ((how & X87_ENV_REGS) ? 80 : 0); }

/* FNSTENV (then mask all exceptions, which clears ES and B: a pending
 * exception is dropped, as the CPU drops it) / FNSAVE (then FNINIT). */
static void lift_fstenv(X86Lift *L, const X86Insn *in, unsigned how)
{
    IrBuilder *b = L->b;
    x86_call(L, &x87_h_fstenv, IR_VOID, c64(L, how), 0, 0);
    store_scratch(L, x86_mem_addr(L, in), 0, env_bytes(how), 8);
    if (how & X87_ENV_REGS) {
        x86_call(L, &x87_h_fninit, IR_VOID, 0, 0, 0);
    } else {
        u32 cw = ir_get(b, IR_I16, X86_OFF(fcw)), sw = ir_get(b, IR_I16, X86_OFF(fsw));
        ir_put(b, X86_OFF(fcw), ir_or(b, cw, ir_const(b, IR_I16, FSW_EXC)));
        ir_put(b, X86_OFF(fsw), ir_and(b, sw, ir_const(b, IR_I16, (u16)~(FSW_ES | FSW_B))));
    }
}

/* FLDENV / FRSTOR. */
static void lift_fldenv(X86Lift *L, const X86Insn *in, unsigned how)
{
    load_scratch(L, x86_mem_addr(L, in), 0, env_bytes(how), 8);
    x86_call(L, &x87_h_fldenv, IR_VOID, c64(L, how), 0, 0);
}

/* ---- memory forms ---- */

/* D8 /r m32fp, DA m32int, DC m64fp, DE m16int: arithmetic or compare. */
static bool mem_arith(X86Lift *L, const X86Insn *in)
{
    static const X87Kind kinds[4] = {X87_M32FP, X87_M32INT, X87_M64FP, X87_M16INT};
    X87Kind kind = kinds[(in->opc & 7) >> 1];
    unsigned op = OPX(in);
    u32 lo, hi;
    load_operand(L, in, kind, &lo, &hi);
    if (op == 2 || op == 3)
        x86_call(L, &x87_h_fcom, IR_I64, c64(L, kind | (op == 3 ? X87_CTL_POP : 0)), lo, 0);
    else
        x86_call(L, &x87_h_arith, IR_VOID, c64(L, op | kind << 3), lo, 0);
    note_insn(L, in);
    return true;
}

enum { A_NONE, A_LD, A_ST, A_STP, A_CTL };

/* D9, DB, DD, DF memory forms by (opcode >> 1 & 3, ModRM.reg). */
static const struct { u8 act, kind; } ldst[4][8] = {
    {{A_LD, X87_M32FP}, {A_NONE, 0}, {A_ST, X87_M32FP}, {A_STP, X87_M32FP},
     {A_CTL, 0}, {A_CTL, 0}, {A_CTL, 0}, {A_CTL, 0}},
    {{A_LD, X87_M32INT}, {A_STP, X87_T32}, {A_ST, X87_M32INT}, {A_STP, X87_M32INT},
     {A_NONE, 0}, {A_LD, X87_M80FP}, {A_NONE, 0}, {A_STP, X87_M80FP}},
    {{A_LD, X87_M64FP}, {A_STP, X87_T64}, {A_ST, X87_M64FP}, {A_STP, X87_M64FP},
     {A_CTL, 0}, {A_NONE, 0}, {A_CTL, 0}, {A_CTL, 0}},
    {{A_LD, X87_M16INT}, {A_STP, X87_T16}, {A_ST, X87_M16INT}, {A_STP, X87_M16INT},
     {A_LD, X87_M80BCD}, {A_LD, X87_M64INT}, {A_STP, X87_M80BCD}, {A_STP, X87_M64INT}},
};

/* D9 /4../7 and DD /4, /6, /7: the control instructions with memory. */
static bool mem_control(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    unsigned size16 = in->opsize16 ? X87_ENV_16 : 0;
    u32 addr = x86_mem_addr(L, in);
    switch ((in->opc & 7) << 3 | OPX(in)) {
    case 1 << 3 | 4: lift_fldenv(L, in, size16); return true;
    case 1 << 3 | 5: /* FLDCW */
        x86_call(L, &x87_h_fldcw, IR_VOID, ir_zext(b, IR_I64, x86_load(L, IR_I16, addr)), 0, 0);
        return true;
    case 1 << 3 | 6: lift_fstenv(L, in, size16); return true;
    case 1 << 3 | 7: /* FNSTCW */
        x86_store(L, addr, ir_get(b, IR_I16, X86_OFF(fcw)));
        return true;
    case 5 << 3 | 4: lift_fldenv(L, in, size16 | X87_ENV_REGS); return true;
    case 5 << 3 | 6: lift_fstenv(L, in, size16 | X87_ENV_REGS); return true;
    case 5 << 3 | 7: /* FNSTSW m16 */
        x86_store(L, addr, status_word(L));
        return true;
    default:
        return false;
    }
}

static bool x87_mem(X86Lift *L, const X86Insn *in)
{
    if (!(in->opc & 1))
        return mem_arith(L, in);
    unsigned act = ldst[(in->opc >> 1) & 3][OPX(in)].act;
    X87Kind kind = (X87Kind)ldst[(in->opc >> 1) & 3][OPX(in)].kind;
    u32 lo, hi;
    switch (act) {
    case A_LD:
        load_operand(L, in, kind, &lo, &hi);
        x86_call(L, &x87_h_fld, IR_VOID, c64(L, kind), lo, hi);
        break;
    case A_ST:
    case A_STP:
        store_st0(L, in, kind, act == A_STP);
        break;
    case A_CTL:
        return mem_control(L, in);
    default:
        return false;
    }
    note_insn(L, in);
    return true;
}

/* ---- register forms ---- */

static void reg_call(X86Lift *L, const IrHelper *h, u64 a, u64 b)
{
    x86_call(L, h, IR_VOID, c64(L, a), c64(L, b), c64(L, 0));
}

/* FCOM-family on registers: FCOMI forms set ZF/PF/CF (OF/SF/AF cleared). */
static void reg_compare(X86Lift *L, unsigned i, u64 flags)
{
    u32 r = x86_call(L, &x87_h_fcom, IR_I64, c64(L, X87_REG | i << X87_CTL_I | flags), c64(L, 0), 0);
    if (flags & X87_CTL_EFLAGS)
        x86_set_eflags(L, r);
}

/* FCMOVcc: DA C0/C8/D0/D8 = B, E, BE, U; DB: their negations. */
static void reg_fcmov(X86Lift *L, const X86Insn *in)
{
    static const u8 cc[4] = {X86_CC_B, X86_CC_Z, X86_CC_BE, X86_CC_P};
    unsigned c = cc[OPX(in)] ^ ((in->opc & 1) ? 1 : 0);
    u32 cond = ir_zext(L->b, IR_I64, x86_cond(L, c));
    x86_call(L, &x87_h_fcmov, IR_VOID, c64(L, in->modrm & 7), cond, 0);
}

/* D9 C0..FF. */
static bool reg_d9(X86Lift *L, const X86Insn *in)
{
    unsigned i = in->modrm & 7, m = in->modrm;
    switch (OPX(in)) {
    case 0: reg_call(L, &x87_h_fld, X87_REG | i << X87_CTL_I, 0); break;
    case 1: reg_call(L, &x87_h_fxch, i, 0); break;
    case 2:
        return m == 0xd0; /* FNOP (D1..D7 are invalid) */
    case 3: reg_call(L, &x87_h_fst_st, i, 1); break; /* FSTP1 alias */
    case 4:
        if (m == 0xe2 || m == 0xe3 || m == 0xe6 || m == 0xe7)
            return false;
        reg_call(L, &x87_h_special, m - 0xe0, 0);
        break;
    case 5:
        if (m == 0xef)
            return false;
        reg_call(L, &x87_h_fld, X87_CONST | i << X87_CTL_I, 0);
        break;
    default:
        reg_call(L, &x87_h_special, m - 0xe0, 0);
        break;
    }
    return true;
}

/* DB E0..E7: FENI, FDISI, FNCLEX, FNINIT, FSETPM (the others invalid). */
static bool reg_db_control(X86Lift *L, const X86Insn *in)
{
    switch (in->modrm) {
    case 0xe0: case 0xe1: case 0xe4:
        return true; /* 8087/287 controls: no-ops since the 387 */
    case 0xe2: x86_call(L, &x87_h_fnclex, IR_VOID, 0, 0, 0); return true;
    case 0xe3: x86_call(L, &x87_h_fninit, IR_VOID, 0, 0, 0); return true;
    default: return false;
    }
}

/* Everything but D9, with esc = opcode & 7. */
static bool reg_other(X86Lift *L, const X86Insn *in)
{
    unsigned esc = in->opc & 7, op = OPX(in), i = in->modrm & 7;
    u64 ix = (u64)i << X87_CTL_I;
    switch (esc << 3 | op) {
    case 0 << 3 | 2: case 4 << 3 | 2: reg_compare(L, i, 0); break;
    case 0 << 3 | 3: case 4 << 3 | 3: case 6 << 3 | 2: reg_compare(L, i, X87_CTL_POP); break;
    case 2 << 3 | 0: case 2 << 3 | 1: case 2 << 3 | 2: case 2 << 3 | 3:
    case 3 << 3 | 0: case 3 << 3 | 1: case 3 << 3 | 2: case 3 << 3 | 3:
        reg_fcmov(L, in);
        break;
    case 2 << 3 | 5:
        if (in->modrm != 0xe9)
            return false;
        reg_compare(L, 1, X87_CTL_UNORD | 2 * X87_CTL_POP); /* FUCOMPP */
        break;
    case 3 << 3 | 4: return reg_db_control(L, in);
    case 3 << 3 | 5: reg_compare(L, i, X87_CTL_UNORD | X87_CTL_EFLAGS); break;
    case 3 << 3 | 6: reg_compare(L, i, X87_CTL_EFLAGS); break;
    case 5 << 3 | 0: reg_call(L, &x87_h_ffree, i, 0); break;
    case 5 << 3 | 1: case 7 << 3 | 1: reg_call(L, &x87_h_fxch, i, 0); break;
    case 5 << 3 | 2: reg_call(L, &x87_h_fst_st, i, 0); break;
    case 5 << 3 | 3: case 7 << 3 | 2: case 7 << 3 | 3: reg_call(L, &x87_h_fst_st, i, 1); break;
    case 5 << 3 | 4: reg_compare(L, i, X87_CTL_UNORD); break;
    case 5 << 3 | 5: reg_compare(L, i, X87_CTL_UNORD | X87_CTL_POP); break;
    case 6 << 3 | 3:
        if (in->modrm != 0xd9)
            return false;
        reg_compare(L, 1, 2 * X87_CTL_POP); /* FCOMPP */
        break;
    case 7 << 3 | 0: reg_call(L, &x87_h_ffree, i, 1); break; /* FFREEP */
    case 7 << 3 | 4: /* FNSTSW AX */
        if (in->modrm != 0xe0)
            return false;
        x86_put_reg(L, X86_RAX, 2, status_word(L));
        return true;
    case 7 << 3 | 5: reg_compare(L, i, X87_CTL_UNORD | X87_CTL_EFLAGS | X87_CTL_POP); break;
    case 7 << 3 | 6: reg_compare(L, i, X87_CTL_EFLAGS | X87_CTL_POP); break;
    default:
        if (esc == 0) /* D8: ST(0) = ST(0) op ST(i) */
            reg_call(L, &x87_h_arith, op | X87_REG << 3 | ix, 0);
        else if (esc == 4) /* DC: ST(i) = ST(i) op ST(0) */
            reg_call(L, &x87_h_arith, op | X87_REG << 3 | ix | X87_CTL_TO_SRC, 0);
        else if (esc == 6) /* DE: the same, then pop */
            reg_call(L, &x87_h_arith, op | X87_REG << 3 | ix | X87_CTL_TO_SRC | X87_CTL_POP, 0);
        else
            return false;
        break;
    }
    note_insn(L, in);
    return true;
}

/* ---- delayed exceptions (#MF) ----
 * An unmasked x87 exception does not trap where it is raised: the helper
 * gives the unmasked response and sets ES (x87_ops.c), and the next
 * waiting x87 instruction — every one but the FN* controls below, and
 * FWAIT — takes #MF before doing anything (Intel SDM vol. 1 §8.6, §8.7).
 * Linux turns it into SIGFPE at that instruction, the code from FSW & ~FCW
 * (fp_trap.c). */

void x86_x87_wait(X86Lift *L)
{
    IrBuilder *b = L->b;
    u32 es = ir_and(b, ir_get(b, IR_I16, X86_OFF(fsw)), ir_const(b, IR_I16, FSW_ES));
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, es, ir_const(b, IR_I16, 0)), IR_EXIT_X87FP);
}

/* The non-waiting instructions: FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV,
 * FNSAVE, and the 8087/287 controls DB E0/E1/E4 (FNENI, FNDISI, FNSETPM). */
static bool no_wait(const X86Insn *in)
{
    if (in->mod == 3)
        return (in->opc == 0xdb && (in->modrm & 0xf8) == 0xe0) || (in->opc == 0xdf && in->modrm == 0xe0);
    unsigned ext = OPX(in);
    return (in->opc == 0xd9 && (ext == 6 || ext == 7)) || (in->opc == 0xdd && (ext == 6 || ext == 7));
}

LIFTER(x87)
{
    if (!no_wait(in))
        x86_x87_wait(L);
    if (in->mod != 3)
        return x87_mem(L, in);
    if ((in->opc & 7) == 1) {
        if (!reg_d9(L, in))
            return false;
        note_insn(L, in);
        return true;
    }
    return reg_other(L, in);
}

/* ---- Grp15: FXSAVE/FXRSTOR, XSAVE/XRSTOR ---- */

/* #GP (SIGSEGV) if cond holds.  Returns false if cond is a constant true:
 * the instruction always faults and the block has ended (the caller must
 * emit nothing more). */
static bool gp_if(X86Lift *L, u32 cond)
{
    u64 v;
    if (ir_is_const(L->b, cond, &v)) {
        if (!v)
            return true;
        x86_end_jump(L, L->in->pc, IR_EXIT_PRIV);
        return false;
    }
    x86_fault_if(L, cond, IR_EXIT_PRIV);
    return true;
}

/* #GP unless addr is a multiple of align. */
static bool check_align(X86Lift *L, u32 addr, u64 align)
{
    IrBuilder *b = L->b;
    u32 mis = ir_and(b, addr, c64(L, align - 1));
    return gp_if(L, ir_cmp(b, IR_CMPNE, mis, c64(L, 0)));
}

/* FXSAVE m512: 16-byte aligned; bytes 416..511 are left alone (reserved,
 * and 464..511 are the software's). */
bool x86_lift_fxsave(X86Lift *L, const X86Insn *in)
{
    u32 addr = x86_mem_addr(L, in);
    if (!check_align(L, addr, 16))
        return true;
    x86_call(L, &x87_h_fxsave, IR_VOID, c64(L, in->rex_w), 0, 0);
    store_scratch(L, addr, 0, 416, 16);
    return true;
}

/* FXRSTOR m512: #GP for a misaligned image or MXCSR reserved bits. */
bool x86_lift_fxrstor(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    u32 addr = x86_mem_addr(L, in);
    if (!check_align(L, addr, 16))
        return true;
    load_scratch(L, addr, 0, 416, 16);
    u32 mx = ir_get(b, IR_I32, X86_OFF(scratch) + 24);
    u32 bad = ir_and(b, mx, ir_const(b, IR_I32, 0xffff0000u));
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, bad, ir_const(b, IR_I32, 0)), IR_EXIT_PRIV);
    x86_call(L, &x87_h_fxrstor, IR_VOID, c64(L, in->rex_w), 0, 0);
    x86_end_jump(L, L->next_pc, IR_EXIT_CPU); /* a new MXCSR: as after LDMXCSR */
    return true;
}

/* The requested-feature bitmap: EDX:EAX & XCR0. */
static u32 xsave_rfbm(X86Lift *L)
{
    IrBuilder *b = L->b;
    u32 eax = ir_zext(b, IR_I64, x86_get_reg(L, X86_RAX, 4));
    u32 edx = ir_zext(b, IR_I64, x86_get_reg(L, X86_RDX, 4));
    u32 m = ir_or(b, ir_shl(b, edx, ir_const(b, IR_I8, 32)), eax);
    return ir_and(b, m, c64(L, X87_XCR0));
}

/* XSAVE m (standard form): 64-byte aligned.  Only the components in RFBM
 * are written, and XSTATE_BV is read-modify-written, so the area's old
 * legacy bytes and XSTATE_BV are staged first and the helper overwrites
 * what it saves; the lifter then stores the whole staged range back. */
bool x86_lift_xsave(X86Lift *L, const X86Insn *in)
{
    u32 addr = x86_mem_addr(L, in);
    if (!check_align(L, addr, 64))
        return true;
    u32 rfbm = xsave_rfbm(L);
    load_scratch(L, addr, 0, 416, 16);
    load_scratch(L, addr, 512, 8, 8);
    x86_call(L, &x87_h_xsave, IR_VOID, c64(L, in->rex_w), rfbm, 0);
    store_scratch(L, addr, 0, 416, 16);
    store_scratch(L, addr, 512, 8, 8);
    return true;
}

/* XRSTOR m (standard form): #GP for a misaligned area, a malformed header
 * or MXCSR reserved bits (xrstor_check), else restore or initialise each
 * requested component. */
bool x86_lift_xrstor(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    u32 addr = x86_mem_addr(L, in);
    if (!check_align(L, addr, 64))
        return true;
    u32 rfbm = xsave_rfbm(L);
    load_scratch(L, addr, 0, 416, 16);
    load_scratch(L, addr, 512, 24, 8);
    u32 bad = x86_call(L, &x87_h_xrstor_check, IR_I64, rfbm, 0, 0);
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, bad, c64(L, 0)), IR_EXIT_PRIV);
    x86_call(L, &x87_h_xrstor, IR_VOID, c64(L, in->rex_w), rfbm, 0);
    x86_end_jump(L, L->next_pc, IR_EXIT_CPU); /* a new MXCSR: as after LDMXCSR */
    return true;
}

/* XGETBV (0F 01 D0, reached from Grp7): XCR0 for ECX = 0; any other XCR
 * (XGETBV with ECX = 1 is not advertised) is #GP. */
bool x86_lift_xgetbv(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    if (in->mprefix)
        return false;
    u32 ecx = x86_get_reg(L, X86_RCX, 4);
    if (!gp_if(L, ir_cmp(b, IR_CMPNE, ecx, ir_const(b, IR_I32, 0))))
        return true;
    x86_put_reg(L, X86_RAX, 4, ir_const(b, IR_I32, (u32)X87_XCR0));
    x86_put_reg(L, X86_RDX, 4, ir_const(b, IR_I32, (u32)(X87_XCR0 >> 32)));
    return true;
}
