/*
 * x86_priv.h — private to src/arch/x86: the opcode attribute encoding, the
 * lifter context (X86Lift) and the vocabulary every lift_*.c file uses to
 * read and write guest registers, memory and flags.
 *
 * The lifter's promises (ir.h relies on them):
 *  - Register and flag writes of an instruction are buffered in X86Lift and
 *    become PUTs only after the instruction's last memory access, so a fault
 *    inside an instruction sees the state from before it.
 *  - Writes of earlier instructions may stay buffered (a later write of the
 *    same register simply replaces them) until something could observe guest
 *    state: a memory access that may fault, a helper that reads state, an
 *    exit.  That is the whole of tier 1's dead-store elimination.
 *  - A lifter that returns false must not have changed anything the block
 *    keeps: translate.c rolls the builder and X86Lift back to the IMARK.
 */
#ifndef UE_X86_PRIV_H
#define UE_X86_PRIV_H

#include "arch/x86/x86.h"

/* Opcode attributes (optab.def). */
enum {
    X86A_VALID = 1 << 0,
    X86A_M = 1 << 1,
    X86A_IB = 1 << 2,
    X86A_IW = 2 << 2,
    X86A_IZ = 3 << 2,
    X86A_IV = 4 << 2,
    X86A_MOFFS = 5 << 2,
    X86A_ENTER = 6 << 2,
    X86A_IMM_MASK = 7 << 2,
    X86A_D64 = 1 << 5,
    X86A_F64 = 1 << 6,
    X86A_GRP3 = 1 << 7,
};

extern const u16 x86_attrs[4][256];

/* Guest state slots the lifter caches in temps between instructions. */
enum {
    SLOT_GPR = 0, /* 16 GPRs */
    SLOT_CC_OP = 16,
    SLOT_CC_DST,
    SLOT_CC_SRC,
    SLOT_CC_SRC2,
    SLOT_DF,
    SLOT_XMM,     /* 16 XMM registers */
    NSLOTS = SLOT_XMM + 16,
};

/* What the lifter knows statically about the flags thunk. */
typedef struct X86CcKnown {
    u32 op;       /* CC_OP_* + size index, or CC_UNKNOWN */
    u32 dst, src; /* temps of the thunk's operands */
    u32 src1;     /* the first operand of ADD/SUB-like ops (not in the thunk) */
} X86CcKnown;
#define CC_UNKNOWN 0xffffffffu

typedef struct X86Lift {
    IrBuilder *b;
    const X86Insn *in;
    GuestAddr next_pc;          /* address after the current instruction */
    u32 cur[NSLOTS];            /* temp with the slot's value, 0: GET it */
    u32 committed[NSLOTS];      /* earlier instructions' value, not yet PUT */
    bool written[NSLOTS];       /* written by the current instruction */
    X86CcKnown cc;
    u32 ea;                     /* memory operand address of the current insn */
    bool ended;                 /* the current instruction ended the block */
    u32 side_exits_left;        /* conditional branches the block may still
                                 * lift past (x86_end_branch) */
    bool fp_masked;             /* X86TranslateOpts.fp_masked */
} X86Lift;

typedef bool (*X86LiftFn)(X86Lift *L, const X86Insn *in);

/* ---- lift.c: registers, memory, exits ---- */

IrType x86_int_type(unsigned bytes);
u32 x86_slot_get(X86Lift *L, unsigned slot);
void x86_slot_put(X86Lift *L, unsigned slot, u32 val);
/* Make guest state exact as of the current instruction's start (PUT every
 * committed write); the current instruction's own writes stay buffered. */
void x86_flush_committed(X86Lift *L);
/* PUT everything, including the current instruction's writes. */
void x86_flush_all(X86Lift *L);
/* Forget cached values (after a helper wrote guest state). */
void x86_invalidate(X86Lift *L);

/* GPR access by operand size in bytes (1, 2, 4, 8).  Byte registers 4..7
 * without REX are AH, CH, DH, BH.  Writes follow x86 rules: 32-bit writes
 * zero the upper half, 8/16-bit writes merge. */
u32 x86_get_reg(X86Lift *L, unsigned reg, unsigned size);
void x86_put_reg(X86Lift *L, unsigned reg, unsigned size, u32 val);
/* The address of the memory operand, without (lea) or with (mem) the
 * segment base; x86_mem_addr caches it for the current instruction. */
u32 x86_lea_addr(X86Lift *L, const X86Insn *in);
u32 x86_mem_addr(X86Lift *L, const X86Insn *in);
/* Guest memory, flushing committed state first (the access may fault). */
u32 x86_load(X86Lift *L, IrType type, u32 addr);
void x86_store(X86Lift *L, u32 addr, u32 val);
/* The E (ModRM.rm) and G (ModRM.reg) operands. */
u32 x86_get_E(X86Lift *L, const X86Insn *in, unsigned size);
void x86_put_E(X86Lift *L, const X86Insn *in, unsigned size, u32 val);
/* Write back a read-modify-write result to E.  With LOCK the store is a
 * compare-and-swap against the value read (old), and the instruction
 * restarts if memory changed meanwhile: nothing of it is committed yet, as
 * flags and registers are written after. */
void x86_rmw_put_E(X86Lift *L, const X86Insn *in, unsigned size, u32 old, u32 val);
u32 x86_get_G(X86Lift *L, const X86Insn *in, unsigned size);
void x86_put_G(X86Lift *L, const X86Insn *in, unsigned size, u32 val);
/* An integer constant of operand size. */
u32 x86_imm(X86Lift *L, unsigned size, u64 v);
/* Stack: push/pop of size bytes (2 or 8), ordered so a fault leaves RSP as
 * it was. */
void x86_push(X86Lift *L, unsigned size, u32 val);
u32 x86_pop(X86Lift *L, unsigned size);
/* Call a helper, flushing/invalidating cached state as its flags require. */
u32 x86_call(X86Lift *L, const IrHelper *h, IrType ret, u32 a, u32 b, u32 c);
/* Leave the block through a fault-like exit at the current instruction if
 * cond holds (state as of the instruction's start). */
void x86_fault_if(X86Lift *L, u32 cond, IrExitKind kind);
/* End the block after this instruction: to a constant or computed target. */
void x86_end_jump(X86Lift *L, GuestAddr target, IrExitKind kind);
void x86_end_jump_ind(X86Lift *L, u32 target, IrExitKind kind);
/* Conditional branch ending the block: taken -> target, else next_pc. */
void x86_end_branch(X86Lift *L, u32 cond, GuestAddr target);

/* ---- lift_flags.c: the lazy flags thunk ---- */

/* Record a flags-producing operation (op is CC_OP_ADD etc., size in bytes). */
void x86_set_cc(X86Lift *L, unsigned op, unsigned size, u32 dst, u32 src1, u32 src, u32 src2);
/* The six arithmetic flags as an i64 in RFLAGS positions. */
u32 x86_get_eflags(X86Lift *L);
/* Replace the thunk with explicit flags (i64, RFLAGS positions). */
void x86_set_eflags(X86Lift *L, u32 flags);
/* Condition code cc (X86_CC_*) as an i1. */
u32 x86_cond(X86Lift *L, unsigned cc);
/* CF as an i64 0/1. */
u32 x86_get_cf(X86Lift *L);

/* ---- helpers.c: IR helpers of the x86 guest ---- */

/* "rax", "rcx", ... "r15", in register-number order. */
extern const char *const x86_gpr_names[16];

#define X86_HELPERS(X)                                                       \
    X(cc_eflags, IRH_I_I, IRH_READS_STATE, 0)                               \
    X(cc_cond, IRH_I_I, IRH_READS_STATE, 1)                                 \
    X(cpuid, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 0)                \
    X(rdtsc, IRH_I_I, IRH_NONDET, 0)                                        \
    X(div128u, IRH_V_I, 0, 3)                                               \
    X(div128s, IRH_V_I, 0, 3)                                               \
    X(idiv128_fault, IRH_I_I, 0, 3)                                         \
    X(rotc, IRH_V_I, 0, 3)                                                  \
    X(crc32c, IRH_I_I, 0, 3)

#define X(name, sig, flags, nargs) extern const IrHelper x86_h_##name;
X86_HELPERS(X)
#undef X

/* ---- lifters by family, named after optab.def ---- */

#define LIFTER(name) bool lift_##name(X86Lift *L, const X86Insn *in)
#define X(map, opc, attrs, lifter) LIFTER(lifter);
#define X8(map, opc, attrs, lifter) LIFTER(lifter);
#include "arch/x86/optab.def"
#undef X
#undef X8
LIFTER(vex);

/* Lifters one family lends another (Grp5's INC/DEC, Grp15's state saves). */
bool x86_lift_inc_dec_Ev(X86Lift *L, const X86Insn *in);
bool x86_lift_fxsave(X86Lift *L, const X86Insn *in);
bool x86_lift_fxrstor(X86Lift *L, const X86Insn *in);
bool x86_lift_ldmxcsr(X86Lift *L, const X86Insn *in);
bool x86_lift_stmxcsr(X86Lift *L, const X86Insn *in);
bool x86_lift_xsave(X86Lift *L, const X86Insn *in);
bool x86_lift_xrstor(X86Lift *L, const X86Insn *in);
bool x86_lift_xgetbv(X86Lift *L, const X86Insn *in);
/* #MF before a waiting x87 instruction (and FWAIT) if an unmasked x87
 * exception is pending (lift_x87.c). */
void x86_x87_wait(X86Lift *L);

#endif
