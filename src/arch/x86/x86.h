/*
 * x86.h — the x86-64 guest: its register file as the IR sees it (X86Regs,
 * reached by GET/PUT offsets), the decoder's output (X86Insn), and the
 * translator that turns guest code into an IrBlock.
 *
 * Pipeline position: bytes -> x86_decode -> X86Insn -> lifter (lift_*.c) ->
 * IrBuilder -> IrBlock.  Nothing here knows about threads, the code cache or
 * the OS; the exec layer embeds X86Regs at the start of each GuestCpu.
 */
#ifndef UE_X86_H
#define UE_X86_H

#include "base/base.h"
#include "ir/ir.h"

enum {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* RFLAGS bits. */
enum {
    X86_CF = 1u << 0, X86_PF = 1u << 2, X86_AF = 1u << 4, X86_ZF = 1u << 6,
    X86_SF = 1u << 7, X86_TF = 1u << 8, X86_IF = 1u << 9, X86_DF = 1u << 10,
    X86_OF = 1u << 11, X86_AC = 1u << 18, X86_ID = 1u << 21,
    X86_ARITH_FLAGS = X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF,
};

/*
 * The lazy flags thunk (DESIGN.md): cc_op says how the six arithmetic flags
 * follow from cc_dst/cc_src/cc_src2, so most instructions only record their
 * operands and the flags are computed when — if ever — something reads them.
 * Ops come in four sizes (B, W, L, Q: +0..+3).
 *
 *   EFLAGS       src = the flags themselves
 *   ADD, SUB     dst = result, src = second operand
 *   ADC, SBB     as ADD/SUB, src2 = carry in
 *   LOGIC        dst = result; CF = OF = AF = 0
 *   INC, DEC     dst = result, src = CF before (INC/DEC preserve it)
 *   SHL          dst = result, src = operand shifted by count-1 (CF = its msb)
 *   SHR, SAR     dst = result, src = operand shifted by count-1 (CF = its lsb);
 *                SHR's OF = msb of src, SAR's OF = 0 (count 1 rules)
 *   MUL          dst = low result, src = non-zero iff CF = OF = 1
 *   RESULT       ZF, SF, PF from dst; CF, AF, OF are the bits of src
 */
enum {
    CC_OP_EFLAGS = 0,
    CC_OP_ADD = 4, CC_OP_ADC = 8, CC_OP_SUB = 12, CC_OP_SBB = 16,
    CC_OP_LOGIC = 20, CC_OP_INC = 24, CC_OP_DEC = 28, CC_OP_SHL = 32,
    CC_OP_SHR = 36, CC_OP_SAR = 40, CC_OP_MUL = 44, CC_OP_RESULT = 48,
    CC_OP_COUNT = 52,
};

/* x86 condition codes, as in Jcc/SETcc/CMOVcc (low nibble of the opcode). */
enum {
    X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_NB, X86_CC_Z, X86_CC_NZ, X86_CC_BE, X86_CC_NBE,
    X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_NL, X86_CC_LE, X86_CC_NLE,
};

/* The architectural state of one guest thread, as GET/PUT see it. */
typedef struct X86Regs {
    u64 gpr[16];
    u64 rip;
    u64 cc_op, cc_dst, cc_src, cc_src2;
    u64 df;        /* direction flag: 0 or 1 */
    u64 eflags_hi; /* RFLAGS bits outside the thunk and DF (ID, AC, ...) */
    u64 fs_base, gs_base;
    u32 mxcsr;
    u32 simd_trap; /* set by every SSE FP helper: the unmasked exceptions
                    * it raised, nonzero if the instruction takes #XM
                    * (sse_priv.h, fp_end) */
    _Alignas(16) V128 xmm[16];
    /* x87: physical registers as raw 80-bit values in 16-byte slots;
     * ST(i) is st[(ftop + i) & 7]. */
    _Alignas(16) u8 st[8][16];
    u16 fcw, fsw;  /* fsw without TOP (bits 11..13 kept in ftop) */
    u8 ftop;
    u8 ftag;       /* bit i set: physical register i holds a value */
    u16 fop;
    u64 fpu_ip, fpu_dp;
    /* Scratch area for helpers that stage data the lifter then stores to
     * memory (FXSAVE/XSAVE images), so helpers never touch guest memory. */
    _Alignas(64) u8 scratch[1024];
} X86Regs;

#define X86_OFF(field) ((u32)offsetof(X86Regs, field))
#define X86_GPR_OFF(r) ((u32)(offsetof(X86Regs, gpr) + 8 * (r)))
#define X86_XMM_OFF(r) ((u32)(offsetof(X86Regs, xmm) + 16 * (r)))

extern const IrGuestInfo x86_guest_info;

/* Put the registers in the state the kernel gives a new process. */
void x86_regs_init(X86Regs *r);
/* Full RFLAGS from the thunk, DF and eflags_hi. */
u64 x86_get_rflags(const X86Regs *r);
/* Set RFLAGS (user-modifiable bits only), replacing the thunk. */
void x86_set_rflags(X86Regs *r, u64 rflags);
/* The six arithmetic flags a thunk describes. */
u64 x86_cc_eflags(u64 op, u64 dst, u64 src, u64 src2);
/* The architectural registers that differ between a and b, one line each
 * ("    rax      <a>  <b>"), into out; returns how many differ
 * (regs_compare.c). */
unsigned x86_regs_compare(const X86Regs *a, const X86Regs *b, char *out, size_t len);
/* The general registers, RIP, RFLAGS and MXCSR of r as indented lines. */
void x86_regs_format(const X86Regs *r, char *out, size_t len);

/* ---- decoder ---- */

enum { X86_MAP_1B, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

/* Segment override: only FS and GS mean anything in 64-bit mode. */
enum { X86_SEG_NONE, X86_SEG_FS, X86_SEG_GS };

typedef struct X86Insn {
    GuestAddr pc;
    u8 len;
    u8 map;       /* X86_MAP_* */
    u8 opc;       /* opcode byte within the map */
    u8 opsize;    /* effective operand size of "v" operands: 2, 4 or 8 */
    u8 addrsize;  /* 4 or 8 */
    u8 seg;       /* X86_SEG_* */
    u8 rep;       /* 0, 0xf2 or 0xf3 (the last one given) */
    u8 mprefix;   /* mandatory prefix for SSE tables: 0, 0x66, 0xf2, 0xf3 */
    bool lock;
    bool opsize16; /* a 0x66 prefix was present */
    u8 rex;       /* 0 if none, else 0x40..0x4f */
    bool rex_w;
    /* VEX */
    bool vex;
    u8 vex_l;     /* 0: 128-bit, 1: 256-bit */
    u8 vex_v;     /* register named by vvvv (already inverted), 0..15 */
    /* ModRM */
    bool has_modrm;
    u8 modrm;
    u8 mod;       /* 0..3 */
    u8 reg;       /* ModRM.reg with REX.R applied: 0..15 */
    u8 rm;        /* ModRM.rm with REX.B applied (register form), 0..15 */
    /* memory operand (mod != 3) */
    i8 base;      /* -1: none */
    i8 index;     /* -1: none */
    u8 scale;     /* 0..3 */
    bool rip_rel;
    i64 disp;
    /* immediates, sign- or zero-extended as the form says */
    u64 imm;
    u64 imm2;     /* ENTER's second immediate */
    u8 imm_size;
    u16 attrs;    /* X86A_* of the opcode table entry */
    u8 bytes[15];
} X86Insn;

typedef enum X86DecodeStatus {
    X86_DECODE_OK,
    X86_DECODE_INVALID, /* not an instruction ue knows (or invalid in 64-bit mode) */
    X86_DECODE_SHORT,   /* ran out of bytes: the instruction crosses `avail` */
} X86DecodeStatus;

/* Decode one instruction from code[0..avail) at guest address pc. */
X86DecodeStatus x86_decode(X86Insn *in, const u8 *code, size_t avail, GuestAddr pc);

/* ---- translator ---- */

typedef struct X86TranslateOpts {
    u32 max_insns;   /* end a block after this many instructions */
    bool single_step; /* one instruction per block (debugging, diff runs) */
    bool borrow;     /* leave the block's ops in the arena (ir_finish_borrowed) */
    bool fp_masked;  /* every SSE exception stays masked while the block lives
                      * (the caller drops it first): FP helpers need no #XM
                      * check after them (cache.c sets it from the JIT) */
} X86TranslateOpts;

/* Translate guest code at pc into a block.  code points at the guest bytes of
 * pc (readable for avail bytes).  Undecodable or unimplemented instructions end
 * the block with an IR_EXIT_SIGILL exit at their address; an instruction that
 * would cross `avail` ends the block before it (or, if it is the first, exits
 * with IR_EXIT_SIGILL... see x86_translate in translate.c for the rule). */
IrBlock *x86_translate(const X86TranslateOpts *opts, Arena *arena, GuestAddr pc, const u8 *code, size_t avail);

/* The guest memory access the instruction at pc makes (its first store if
 * it writes, else its first load): size in bytes and direction, found by
 * lifting it.  False if it makes none or cannot be decoded. */
bool x86_insn_access(GuestAddr pc, const u8 *code, size_t avail, unsigned *size, bool *write);

/* Format the instruction at code for `-d in_asm` / diagnostics. */
void x86_disasm(GuestAddr pc, const u8 *code, size_t avail, char *buf, size_t len);

/* ---- CPUID ---- */

/* What ue's CPUID returns for leaf/subleaf (registers in out[0..3] = a,b,c,d). */
void x86_cpuid(u32 leaf, u32 subleaf, u32 out[4]);
/* AT_HWCAP / AT_HWCAP2 values consistent with x86_cpuid. */
u64 x86_hwcap(void);
u64 x86_hwcap2(void);

/* ---- FPU state images (x87_state.c) ---- */

/* Sizes of an FXSAVE image and of the standard-form XSAVE area for the
 * components ue offers (XCR0 = x87|SSE: legacy region and header). */
enum { X86_FXSAVE_SIZE = 512, X86_XSAVE_SIZE = 576 };

/* Write r's x87, MMX and SSE state as an FXSAVE64 image (X86_FXSAVE_SIZE
 * bytes) or, with xsave, as a standard-form XSAVE area (X86_XSAVE_SIZE,
 * XSTATE_BV = x87|SSE): the fpstate of a signal frame.  Bytes 464..511
 * (software-reserved, where the kernel puts its fpx_sw_bytes) are zero. */
void x86_fpu_save_image(const X86Regs *r, u8 *image, bool xsave);
/* Load such an image (rt_sigreturn).  With xsave, a component whose
 * XSTATE_BV bit is clear gets its initial state.  MXCSR reserved bits are
 * dropped, as the kernel sanitises them, instead of faulting. */
void x86_fpu_load_image(X86Regs *r, const u8 *image, bool xsave);

/* ---- floating-point exceptions (fp_trap.c) ---- */

/* The si_code of the SIGFPE Linux sends for #XM (unmasked SIMD
 * floating-point exception): FPE_FLTINV, FPE_FLTDIV, FPE_FLTOVF,
 * FPE_FLTUND or FPE_FLTRES, from MXCSR as the handler will see it. */
int x86_simd_fpe_code(const X86Regs *r);
/* The same for #MF (a pending unmasked x87 exception), from FSW and FCW. */
int x86_x87_fpe_code(const X86Regs *r);

#endif
