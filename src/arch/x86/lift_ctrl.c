/*
 * lift_ctrl.c — control transfer and system instructions: Jcc, JMP, CALL,
 * RET, LOOP/JrCXZ, Grp5, SYSCALL, INT3/INT1/INT n, UD*, privileged
 * instructions, CPUID, RDTSC/RDTSCP, Grp7 and Grp15's fences.
 *
 * Every branch ends the block (translate.c).  Exits carry a kind so the
 * dispatcher (and later the JIT's return-address stack) knows a call from a
 * return from a jump.
 */
#include "arch/x86/x86_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7)

static GuestAddr rel_target(const X86Insn *in) { return in->pc + in->len + in->imm; }

LIFTER(jcc)
{
    x86_end_branch(L, x86_cond(L, in->opc & 15), rel_target(in));
    return true;
}

LIFTER(jmp)
{
    x86_end_jump(L, rel_target(in), IR_EXIT_JUMP);
    return true;
}

LIFTER(call)
{
    x86_push(L, 8, ir_const(L->b, IR_I64, L->next_pc));
    x86_end_jump(L, rel_target(in), IR_EXIT_CALL);
    return true;
}

/* An indirect near branch to a non-canonical address is #GP on the branch
 * itself, before it pushes or pops anything; going there and failing to
 * fetch would report the target as the faulting pc.  False if the fault is
 * certain (the block has ended). */
static bool check_target(X86Lift *L, u32 target)
{
    IrBuilder *b = L->b;
    u32 sh = ir_const(b, IR_I8, 16);
    u32 canonical = ir_sar(b, ir_shl(b, target, sh), sh);
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, canonical, target), IR_EXIT_PRIV);
    return !L->ended;
}

/* RET / RET Iw: pop the return address, then release Iw bytes. */
LIFTER(ret)
{
    IrBuilder *b = L->b;
    u32 target = x86_pop(L, 8);
    if (!check_target(L, target))
        return true;
    if (in->opc == 0xc2) {
        u32 sp = x86_slot_get(L, SLOT_GPR + X86_RSP);
        x86_slot_put(L, SLOT_GPR + X86_RSP, ir_add(b, sp, ir_const(b, IR_I64, in->imm & 0xffff)));
    }
    x86_end_jump_ind(L, target, IR_EXIT_RET);
    return true;
}

/* E0..E3: LOOPNE, LOOPE, LOOP, JrCXZ; the counter is RCX or ECX (67h). */
LIFTER(loop)
{
    IrBuilder *b = L->b;
    unsigned csize = in->addrsize;
    IrType t = x86_int_type(csize);
    u32 cx = x86_get_reg(L, X86_RCX, csize);
    u32 zero = ir_const(b, t, 0);
    if (in->opc == 0xe3) {
        x86_end_branch(L, ir_cmp(b, IR_CMPEQ, cx, zero), rel_target(in));
        return true;
    }
    /* The ZF test reads the flags before RCX is written. */
    u32 zf = in->opc == 0xe2 ? 0 : x86_cond(L, in->opc == 0xe1 ? X86_CC_Z : X86_CC_NZ);
    cx = ir_binop(b, IR_SUB, t, cx, ir_const(b, t, 1));
    x86_put_reg(L, X86_RCX, csize, cx);
    u32 c = ir_cmp(b, IR_CMPNE, cx, zero);
    if (zf)
        c = ir_binop(b, IR_AND, IR_I1, c, zf);
    x86_end_branch(L, c, rel_target(in));
    return true;
}

/* Grp5: INC, DEC, CALL Ev, CALLF, JMP Ev, JMPF, PUSH Ev. */
LIFTER(grp5)
{
    switch (OPX(in)) {
    case 0: case 1:
        return x86_lift_inc_dec_Ev(L, in);
    case 2: { /* near indirect calls and jumps are 64-bit whatever the prefixes */
        u32 target = x86_get_E(L, in, 8);
        if (!check_target(L, target))
            return true;
        x86_push(L, 8, ir_const(L->b, IR_I64, L->next_pc));
        x86_end_jump_ind(L, target, IR_EXIT_CALL);
        return true;
    }
    case 4: {
        u32 target = x86_get_E(L, in, 8);
        if (check_target(L, target))
            x86_end_jump_ind(L, target, IR_EXIT_JUMP);
        return true;
    }
    case 6: {
        unsigned size = in->opsize16 ? 2 : 8;
        x86_push(L, size, x86_get_E(L, in, size));
        return true;
    }
    default:
        return false; /* far CALL/JMP, /7 */
    }
}

/* SYSCALL: the dispatcher performs the call, then sets RCX and R11 as the
 * kernel's return path leaves them. */
LIFTER(syscall)
{
    (void)in;
    x86_end_jump(L, L->next_pc, IR_EXIT_SYSCALL);
    return true;
}

LIFTER(int3)
{
    (void)in;
    x86_end_jump(L, L->next_pc, IR_EXIT_SIGTRAP);
    return true;
}

LIFTER(int1)
{
    (void)in;
    x86_end_jump(L, L->next_pc, IR_EXIT_SIGTRAP);
    return true;
}

/* INT n: user code may not call gates other than 3 (INT 0x80's 32-bit
 * system calls are not modelled): #GP, which Linux turns into SIGSEGV. */
LIFTER(int_Ib)
{
    if ((in->imm & 0xff) == 3) {
        x86_end_jump(L, L->next_pc, IR_EXIT_SIGTRAP);
        return true;
    }
    /* Vector 4 (#OF) is user-callable too: a trap, so Linux's SIGSEGV
     * reports the pc after the instruction. */
    x86_end_jump(L, (in->imm & 0xff) == 4 ? L->next_pc : in->pc, IR_EXIT_PRIV);
    return true;
}

/* Privileged or I/O instructions: #GP in user mode. */
LIFTER(priv)
{
    /* MOV from/to CRn/DRn naming a register that does not exist is #UD,
     * which the CPU checks before the privilege (#GP).  64-bit mode has
     * CR0, CR2-CR4, CR8 and DR0-DR7 (REX.R reaches the others). */
    if (in->map == X86_MAP_0F && (in->opc & 0xfc) == 0x20) {
        unsigned n = in->reg;
        bool ok = (in->opc & 1) ? n < 8 : n == 0 || (n >= 2 && n <= 4) || n == 8;
        if (!ok)
            return false;
    }
    if (in->map == X86_MAP_0F && in->opc == 0x00 && OPX(in) >= 6)
        return false; /* Grp6 /6 (JMPE, IA-64 only) and /7 are #UD */
    x86_end_jump(L, in->pc, IR_EXIT_PRIV);
    return true;
}

/* UD0/UD1/UD2: defined to be undefined. */
LIFTER(ud)
{
    (void)L, (void)in;
    return false;
}

/* FWAIT: nothing but the x87's pending-exception check (#MF). */
LIFTER(fwait)
{
    (void)in;
    x86_x87_wait(L);
    return true;
}

LIFTER(cpuid)
{
    (void)in;
    x86_call(L, &x86_h_cpuid, IR_VOID, 0, 0, 0);
    return true;
}

static void put_tsc(X86Lift *L)
{
    IrBuilder *b = L->b;
    u32 tsc = ir_call(b, &x86_h_rdtsc, IR_I64, 0, 0, 0);
    x86_put_reg(L, X86_RAX, 4, ir_trunc(b, IR_I32, tsc));
    x86_put_reg(L, X86_RDX, 4, ir_trunc(b, IR_I32, ir_shr(b, tsc, ir_const(b, IR_I8, 32))));
}

LIFTER(rdtsc)
{
    (void)in;
    put_tsc(L);
    return true;
}

/* Grp7 (0F 01): only RDTSCP (F9) and XGETBV (D0, lift_x87.c: it describes
 * the state XSAVE manages) are reachable from user mode and advertised. */
LIFTER(grp7)
{
    if (in->modrm == 0xd0)
        return x86_lift_xgetbv(L, in);
    if (in->modrm == 0xf9) {
        put_tsc(L);
        x86_put_reg(L, X86_RCX, 4, ir_const(L->b, IR_I32, 0)); /* IA32_TSC_AUX: CPU 0 */
        return true;
    }
    if (in->mod != 3 && OPX(in) < 4)
        return x86_end_jump(L, in->pc, IR_EXIT_PRIV), true; /* SGDT.. are blocked by UMIP */
    return false;
}

/* Grp15 (0F AE): fences and CLFLUSH here; the state save/restore forms are
 * lifted with the x87/SSE state they move (lift_x87.c, lift_sse.c). */
LIFTER(grp15)
{
    if (in->mod == 3) {
        if (in->mprefix || OPX(in) < 5)
            return false; /* RDFSBASE & co. are not advertised (no FSGSBASE) */
        ir_fence(L->b);   /* LFENCE, MFENCE, SFENCE */
        return true;
    }
    switch (OPX(in)) {
    case 0: return in->mprefix == 0 && x86_lift_fxsave(L, in);
    case 1: return in->mprefix == 0 && x86_lift_fxrstor(L, in);
    case 2: return in->mprefix == 0 && x86_lift_ldmxcsr(L, in);
    case 3: return in->mprefix == 0 && x86_lift_stmxcsr(L, in);
    case 4: return in->mprefix == 0 && x86_lift_xsave(L, in);
    case 5: return in->mprefix == 0 && x86_lift_xrstor(L, in);
    case 7: /* CLFLUSH (66: CLFLUSHOPT, not advertised) */
        if (in->mprefix)
            return false;
        /* It faults like a byte load where the line is not readable. */
        x86_load(L, IR_I8, x86_mem_addr(L, in));
        ir_fence(L->b);
        return true;
    default:
        return false;
    }
}
