/*
 * x64.h — the x86-64 host encoder: one function per instruction form the
 * JIT emits, each writing the bytes and carrying the assembly it produces in
 * a comment.
 *
 * Why by hand: an encoder library (Zydis's) is ~1000x too slow to sit on the
 * translation path; what a JIT needs is a few dozen forms.  tests/unit/jit
 * decodes everything this file can produce with Zydis and checks it.
 *
 * Conventions: sizes are in bytes (1, 2, 4, 8).  Registers are X64_RAX..
 * X64_R15 (same numbering as the guest's: identity homes) and X64_XMM0.. for
 * vector registers.  A memory operand is a JitMem; `gs` selects the guest
 * context segment (the JIT reaches the running thread's context through the
 * host GS base).  Writes go through an X64Buf, which stops writing (and sets
 * `full`) rather than overrun.
 */
#ifndef UE_JIT_X64_H
#define UE_JIT_X64_H

#include "base/base.h"

enum {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
};

/* ALU operations in their x86 encoding order (opcode bits 5..3). */
typedef enum X64Alu { X64_ADD, X64_OR, X64_ADC, X64_SBB, X64_AND, X64_SUB, X64_XOR, X64_CMP } X64Alu;
/* Shifts and rotates (ModRM.reg of C1/D3; SAL is emitted as SHL, /4). */
typedef enum X64Shift { X64_ROL, X64_ROR, X64_RCL, X64_RCR, X64_SHL, X64_SHR, X64_SAL, X64_SAR } X64Shift;
/* Condition codes (low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X64Cond {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} X64Cond;

typedef struct JitMem {
    i8 base;    /* -1: none */
    i8 index;   /* -1: none; never X64_RSP (not encodable) */
    u8 scale;   /* 0..3 */
    bool gs;    /* GS segment override (the guest context) */
    i32 disp;
} JitMem;

static inline JitMem x64_mem(int base, i32 disp) { return (JitMem){.base = (i8)base, .index = -1, .disp = disp}; }
static inline JitMem x64_gs(i32 disp) { return (JitMem){.base = -1, .index = -1, .gs = true, .disp = disp}; }

typedef struct X64Buf {
    u8 *p, *end;
    bool full;
} X64Buf;

static inline size_t x64_room(const X64Buf *b) { return (size_t)(b->end - b->p); }

/* General-purpose register forms. */
void x64_mov_rr(X64Buf *b, unsigned size, int dst, int src);
void x64_mov_ri(X64Buf *b, int dst, u64 imm);                 /* shortest form; 64-bit result */
void x64_load(X64Buf *b, unsigned size, int dst, JitMem m);   /* zero-extends to 64 bits */
/* Sign-extend `from` bytes (1, 2, 4) into the low `to` bytes (2, 4, 8) of dst. */
void x64_load_sx(X64Buf *b, unsigned from, unsigned to, int dst, JitMem m);
void x64_store(X64Buf *b, unsigned size, JitMem m, int src);
void x64_store_i32(X64Buf *b, unsigned size, JitMem m, i32 imm); /* size 1, 2, 4 or 8 (sign-extended) */
void x64_lea(X64Buf *b, int dst, JitMem m);
void x64_alu_rr(X64Buf *b, X64Alu op, unsigned size, int dst, int src);
void x64_alu_ri(X64Buf *b, X64Alu op, unsigned size, int dst, i32 imm);
void x64_alu_rm(X64Buf *b, X64Alu op, unsigned size, int dst, JitMem m);
void x64_alu_mi(X64Buf *b, X64Alu op, unsigned size, JitMem m, i32 imm);
void x64_test_rr(X64Buf *b, unsigned size, int a, int c);
void x64_shift_ri(X64Buf *b, X64Shift op, unsigned size, int dst, u8 count);
void x64_shift_rcl(X64Buf *b, X64Shift op, unsigned size, int dst); /* count in CL */
void x64_imul_rr(X64Buf *b, unsigned size, int dst, int src);
void x64_imul_rri(X64Buf *b, unsigned size, int dst, int src, i32 imm);
void x64_mul1(X64Buf *b, unsigned size, bool sign, int src);   /* rdx:rax = rax * src */
void x64_div1(X64Buf *b, unsigned size, bool sign, int src);   /* rax, rdx = rdx:rax / src */
void x64_unary(X64Buf *b, unsigned size, bool neg, int dst);   /* NEG or NOT */
void x64_cqo(X64Buf *b);                                       /* rdx = sign of rax */
void x64_movzx(X64Buf *b, unsigned from, int dst, int src);    /* 1 or 2 -> 32 (zero to 64) */
void x64_movsx(X64Buf *b, unsigned from, unsigned to, int dst, int src); /* as x64_load_sx */
void x64_bswap(X64Buf *b, unsigned size, int r);
void x64_bitcount(X64Buf *b, u8 op, unsigned size, int dst, int src); /* op: 0xBC TZCNT, 0xBD LZCNT, 0xB8 POPCNT */
void x64_setcc(X64Buf *b, X64Cond cc, int dst);                /* 8-bit */
void x64_cmov(X64Buf *b, X64Cond cc, unsigned size, int dst, int src);
void x64_xchg_rm(X64Buf *b, unsigned size, int r, JitMem m);
void x64_cmpxchg(X64Buf *b, unsigned size, JitMem m, int src); /* LOCK CMPXCHG [m], src (rax implicit) */
void x64_mfence(X64Buf *b);
void x64_stmxcsr(X64Buf *b, JitMem m);                      /* stmxcsr dword [m] */
void x64_push(X64Buf *b, int r);
void x64_pop(X64Buf *b, int r);
void x64_ret(X64Buf *b);
void x64_call_r(X64Buf *b, int r);
void x64_jmp_r(X64Buf *b, int r);
void x64_jmp_m(X64Buf *b, JitMem m);
/* Relative branches: emit with a zero displacement and return the address
 * of the rel32 field (4-byte aligned for jmp when `align` is set, so it can
 * be repatched atomically). */
u8 *x64_jmp32(X64Buf *b, bool align);
u8 *x64_jcc32(X64Buf *b, X64Cond cc);
u8 *x64_call32(X64Buf *b);
/* Patch a rel32 field so the branch lands on `target` (runtime addresses:
 * field_rx is where the field will execute). */
void x64_patch_rel32(u8 *field, uintptr_t field_rx, uintptr_t target);
/* dec dword [rip+disp32]: emitted with disp32 0; returns the field, which
 * ends the instruction, so x64_patch_rel32 aims it at the counter. */
u8 *x64_dec_rip32(X64Buf *b);

/* Vector forms (128-bit). */
void x64_movdqu_load(X64Buf *b, int xdst, JitMem m);
void x64_movdqu_store(X64Buf *b, JitMem m, int xsrc);
void x64_movq_xr(X64Buf *b, int xdst, int src);  /* xmm = zext(r64) */
void x64_movq_rx(X64Buf *b, int dst, int xsrc);  /* r64 = xmm low */
void x64_pextrq(X64Buf *b, int dst, int xsrc, u8 lane);
void x64_pinsrq(X64Buf *b, int xdst, int src, u8 lane);
void x64_sse_rr(X64Buf *b, u8 prefix, u8 opc, int xdst, int xsrc); /* 66 0F opc family: PAND.. */
/* [prefix] 0F [map] opc /r [ib]: reg and rm registers (XMM or GPR, as the
 * instruction has them), map 0, 0x38 or 0x3a, imm8 < 0 for none. */
void x64_sse_op(X64Buf *b, u8 prefix, u8 map, u8 opc, int reg, int rm, int imm8);
/* [prefix] [REX.W for size 8] 0F opc /r: an XMM reg operand and a GPR rm
 * of size 4 or 8 (CVTSI2SD xmm, r32/r64). */
void x64_sse_op_w(X64Buf *b, unsigned size, u8 prefix, u8 opc, int xdst, int src);

#endif
