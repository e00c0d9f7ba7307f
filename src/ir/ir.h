/*
 * ir.h — ue's intermediate representation: the one language between the
 * lifter (x86 -> IR), the passes (instrumentation, optimisation) and the back
 * ends (the portable interpreter in interp.c, later the x86-64 JIT).
 *
 * THE IR IN ONE PAGE
 *
 * A translation unit is an IrBlock: a flat array of IrOps covering one or more
 * guest instructions that run straight through (a superblock: it may leave
 * early through EXIT_IF side exits, and ends with EXIT or EXIT_IND).  There is
 * no control flow inside a block, so every pass is a single forward or
 * backward walk.
 *
 * Values live in temps, numbered from 1 (0 means "no operand").  Each temp has
 * one type and is assigned exactly once (SSA without phis).  Types:
 *
 *   i1           comparison results (0 or 1)
 *   i8 i16 i32 i64
 *   f32 f64      reserved for back ends that keep floats apart
 *   v128         an XMM value
 *
 * Integer values are held zero-extended; every integer op truncates its result
 * to its type.  Signedness lives in the ops (CMPLTS, SAR, SEXT...), not in the
 * types, as in VEX and LLVM.
 *
 * Guest state (registers, the flags thunk, FS base...) is a struct the IR does
 * not know: GET/PUT name it by byte offset.  The lifter promises that the
 * state at every IMARK is exactly the architectural state before that guest
 * instruction (stores of an instruction precede its PUTs; PUTs delayed across
 * instructions are flushed before anything that can fault or leave), so a
 * back end that faults inside instruction k reports the state as of IMARK k.
 *
 * Guest memory is reached only through LOAD/STORE/CAS with an address temp.
 * Helpers (CALL) compute; they never touch guest memory and never longjmp —
 * that keeps every guest access visible to instrumentation passes and makes a
 * helper as easy to call from a JIT as from the interpreter.
 *
 * Flags are not an IR concept: the x86 lifter keeps them as a lazy thunk in
 * guest state (DESIGN.md: op kind + operands) and evaluates conditions from it
 * with ordinary ops, or with a helper when the producer is not in the block.
 *
 * `add eax, [rbx+8]` at 0x401000, as `ue -d op` prints it:
 *
 *   ---- 0x401000  add eax, dword ptr [rbx+0x8]
 *   t1:i64 = GET rbx
 *   t2:i64 = ADD t1, 0x8:i64
 *   t3:i32 = LOAD t2
 *   t4:i64 = GET rax
 *   t5:i32 = TRUNC.i64 t4
 *   t6:i32 = ADD t5, t3
 *   t7:i64 = ZEXT.i32 t6
 *   PUT rax, t7
 *   PUT cc_op, 0x8:i64            (CC_OP_ADD32)
 *   PUT cc_dst, t7
 *   ...
 *
 * Constants are ops too (CONST) but the printer shows them inline.
 */
#ifndef UE_IR_H
#define UE_IR_H

#include "base/base.h"

typedef enum IrType {
    IR_VOID,
    IR_I1,
    IR_I8,
    IR_I16,
    IR_I32,
    IR_I64,
    IR_F32,
    IR_F64,
    IR_V128,
    IR_NTYPES
} IrType;

typedef enum IrOpcode {
#define X(name, nargs, flags) IR_##name,
#include "ir/ir_ops.def"
#undef X
    IR_NOPCODES
} IrOpcode;

enum {
    IRF_PURE = 1,
    IRF_MEM = 2,
    IRF_STATE = 4,
    IRF_EXIT = 8,
    IRF_CMP = 16,
};

/* Why a block was left.  The dispatcher acts on the kind; the new guest pc
 * has already been stored into the state's pc field. */
#define IR_EXIT_KINDS(X)                                                     \
    X(JUMP)      /* ordinary control transfer */                            \
    X(CALL)      /* a call: target is the callee */                         \
    X(RET)       /* a return */                                             \
    X(SYSCALL)   /* guest asked for a system call; pc is after it */        \
    X(SIGILL)    /* undecodable or unimplemented instruction at pc */       \
    X(FETCH)     /* instruction at pc runs into unmapped/non-exec memory */ \
    X(SIGTRAP)   /* int3: pc is after it, as the kernel reports it */       \
    X(DIVIDE)    /* #DE at pc: divide by zero or quotient overflow */       \
    X(SIMDFP)    /* #XM at pc: unmasked SSE floating-point exception */     \
    X(X87FP)     /* #MF at pc: an unmasked x87 exception is pending */      \
    X(PRIV)      /* privileged instruction at pc: #GP -> SIGSEGV */         \
    X(CPU)       /* state changed in a way the dispatcher must see */       \
    X(CLIENT)    /* a client request (ue/client.h); pc is after it */ \
    X(HOT)       /* (JIT) the block at pc ran often: compile it again */

typedef enum IrExitKind {
#define X(k) IR_EXIT_##k,
    IR_EXIT_KINDS(X)
#undef X
    IR_NEXIT_KINDS
} IrExitKind;

/* One IR operation: 32 bytes. */
typedef struct IrOp {
    u8 opc;   /* IrOpcode */
    u8 type;  /* result type; for PUT/STORE the stored type */
    u8 aux;   /* source type (conversions), exit kind (exits), insn length (IMARK) */
    u8 pad;
    u32 dst;  /* result temp or 0 */
    u32 a, b, c;
    u32 pad2;
    u64 imm;  /* constant, state offset, guest pc, lane offset, helper */
} IrOp;

/* Helper signatures: integer or v128 arguments, integer or v128 result.
 * Every helper takes the guest state pointer first. */
typedef enum IrHelperSig {
    IRH_I_I,  /* u64  f(void *env, u64, u64, u64) */
    IRH_V_V,  /* V128 f(void *env, V128, V128, V128) */
    IRH_I_V,  /* u64  f(void *env, V128, V128, V128) */
    IRH_V_I,  /* V128 f(void *env, u64, u64, u64) */
} IrHelperSig;

enum {
    IRH_READS_STATE = 1,  /* reads guest state through env: pending PUTs first */
    IRH_WRITES_STATE = 2, /* writes guest state: cached GETs are stale after */
    IRH_NONDET = 4,       /* the result differs from one call to the next (a
                           * clock): --diff-check cannot compare its block */
};

/* A helper that computes exactly what one SSE instruction of an x86-64
 * host computes (guest and host alike), which a JIT there may emit instead
 * of the call: with a in xmm0 and b in xmm1, `op xmm0, xmm1[, imm8 c]`
 * leaves a v128 result in xmm0; `op r32, xmm0` an integer one.  All zero:
 * no such instruction (0F 00 is no SSE instruction; PSHUFB is 66 0F 38 00). */
typedef struct IrHostInsn {
    u8 prefix;  /* 0, 0x66, 0xf2 or 0xf3 */
    u8 map;     /* 0 (0F op), 0x38 (0F 38 op) or 0x3a (0F 3A op) */
    u8 opcode;
    u8 flags;   /* IRHI_* */
    u8 wide;    /* with IRHI_GPR_SRC: the GPR is 64-bit (REX.W) */
} IrHostInsn;

enum {
    IRHI_IMM8 = 1,   /* c is a constant: the instruction's imm8 */
    IRHI_SSE3 = 2,   /* the host must have this extension */
    IRHI_SSSE3 = 4,
    IRHI_SSE41 = 8,
    IRHI_SSE42 = 16,
    IRHI_MXCSR = 32, /* FP arithmetic: it obeys MXCSR's control bits and raises
                      * its flags (the helper emulates both; the instruction
                      * may stand in only while the guest's control bits are
                      * the host's, jit.c) */
    IRHI_EFLAGS = 64, /* `op xmm0, xmm1` sets ZF, PF and CF, the helper's
                       * result in their RFLAGS places (COMISD) */
    IRHI_GPR_SRC = 128, /* `op xmm0, r` with r the low bits of b (CVTSI2SD) */
};

typedef struct IrHelper {
    const char *name;
    void *fn;
    u8 sig;   /* IrHelperSig */
    u8 flags; /* IRH_* */
    u8 nargs;
    IrHostInsn host;
} IrHelper;

static inline bool ir_has_host_insn(const IrHelper *h) { return h->host.prefix | h->host.map | h->host.opcode; }

typedef u64 (*IrHelperII)(void *env, u64, u64, u64);
typedef V128 (*IrHelperVV)(void *env, V128, V128, V128);
typedef u64 (*IrHelperIV)(void *env, V128, V128, V128);
typedef V128 (*IrHelperVI)(void *env, u64, u64, u64);

/* A finished block, owned by the code cache. */
typedef struct IrBlock {
    GuestAddr guest_pc;
    u32 guest_size; /* bytes of guest code it covers, from guest_pc */
    u32 ninsns;
    void *native;   /* a native back end's compiled form, or NULL */
    bool no_native; /* the native back end declined this block */
    bool counted;   /* its native code counts its runs (a first compile) */
    bool borrowed;  /* ops are in a translation arena (ir_finish_borrowed) */
    u8 interpreted; /* runs on the interpreter before its first compile */
    u32 nrelies, cap_relies; /* the native code relies on the kills of */
    GuestAddr *relies;       /* the blocks at these pcs (freed with it) */
    u64 kills;      /* guest state the block overwrites before it can observe
                     * any: bit k = bytes [8k, 8k+8) (see ir_kills) */
    u32 nops;
    u32 ntemps;     /* temps are 1..ntemps-1 */
    IrOp *ops;
    u8 *temp_type;
} IrBlock;

/* What the IR needs to know about the guest state struct. */
typedef struct IrGuestInfo {
    u32 pc_offset;            /* where EXITs store the next guest pc (i64) */
    u32 state_size;
    /* Name of the state field at offset, for the printer; NULL if unknown. */
    const char *(*state_name)(u32 offset, char *buf, size_t len);
} IrGuestInfo;

/* ---- builder ---- */

typedef struct IrBuilder {
    Arena *arena;
    const IrGuestInfo *guest;
    IrOp *ops;
    u32 nops, cap_ops;
    u8 *temp_type;
    u32 *temp_def; /* index of the op defining each temp */
    u32 ntemps, cap_temps;
    u32 *cse;      /* value numbering of pure ops: hash -> temp */
    u32 cse_mask;
    GuestAddr guest_pc;
    u32 ninsns;
    bool ended; /* an EXIT or EXIT_IND was emitted */
} IrBuilder;

/* Start a block at guest_pc; ops are allocated in arena. */
void ir_begin(IrBuilder *b, Arena *arena, const IrGuestInfo *guest, GuestAddr guest_pc);
/* The kills summary of the block a guest pc starts (see IrBlock.kills),
 * for analyses across block boundaries; false if unavailable. */
typedef bool (*IrSuccFn)(void *ctx, GuestAddr pc, u64 *kills);
/* The block's kills summary (opt_deadput.c; ir_finish stores it). */
u64 ir_kills(const IrBlock *blk);
/* What a block's statically known successors tell about its exits
 * (opt_deadput.c), for a back end's code generation. */
typedef struct IrExitFacts {
    u8 *dead_put;    /* per op: a PUT every successor overwrites before
                      * anything can observe it */
    u64 *exit_kills; /* per op: for EXIT/EXIT_IF to a known block, that
                      * block's kills (state it overwrites before observing
                      * any); 0 for other ops */
} IrExitFacts;
/* Fill f (arrays of blk->nops entries, allocated by the caller). */
void ir_exit_facts(const IrBlock *blk, IrSuccFn succ, void *ctx, IrExitFacts *f);
/* Drop ops whose results are unused and that have no effect (opt_dce.c). */
void ir_dce(IrBuilder *b);
/* Copy the block out of the arena (free with ir_block_free). */
IrBlock *ir_finish(IrBuilder *b, u32 guest_size);
/* The same but its ops stay in the arena, valid until the arena is reset
 * (a block compiled at once needs no copy); ir_block_keep_ops copies them
 * out. */
IrBlock *ir_finish_borrowed(IrBuilder *b, u32 guest_size);
void ir_block_keep_ops(IrBlock *blk);
void ir_block_free(IrBlock *blk);
/* Free the ops of a block a native back end has compiled; the header
 * (pc, size, kills, native) stays.  ops is NULL afterwards. */
void ir_block_drop_ops(IrBlock *blk);
/* The same, but the memory is handed to the caller to free (with free(),
 * later: another thread may still be interpreting the ops); NULL if the
 * ops were borrowed or already gone. */
void *ir_block_detach_ops(IrBlock *blk);

IrType ir_temp_type(const IrBuilder *b, u32 t);
/* If t was produced by CONST, store its value in *v and return true. */
bool ir_is_const(const IrBuilder *b, u32 t, u64 *v);

u32 ir_const(IrBuilder *b, IrType type, u64 v);
void ir_imark(IrBuilder *b, GuestAddr pc, u32 len);
u32 ir_get(IrBuilder *b, IrType type, u32 offset);
void ir_put(IrBuilder *b, u32 offset, u32 val);
u32 ir_load(IrBuilder *b, IrType type, u32 addr);
void ir_store(IrBuilder *b, u32 addr, u32 val);
u32 ir_cas(IrBuilder *b, u32 addr, u32 expected, u32 desired);
void ir_fence(IrBuilder *b);
/* Binary op with constant folding and identities (x+0, x&-1, ...). */
u32 ir_binop(IrBuilder *b, IrOpcode op, IrType type, u32 x, u32 y);
u32 ir_unop(IrBuilder *b, IrOpcode op, IrType type, u32 x);
u32 ir_cmp(IrBuilder *b, IrOpcode op, u32 x, u32 y);
/* Width change: ZEXT/SEXT/TRUNC chosen from the types; a no-op when equal. */
u32 ir_zext(IrBuilder *b, IrType to, u32 x);
u32 ir_sext(IrBuilder *b, IrType to, u32 x);
u32 ir_trunc(IrBuilder *b, IrType to, u32 x);
u32 ir_select(IrBuilder *b, u32 cond, u32 x, u32 y);
u32 ir_extract(IrBuilder *b, IrType type, u32 v, u32 byte_off);
u32 ir_insert(IrBuilder *b, u32 v, u32 x, u32 byte_off);
/* Call a helper; args beyond h->nargs are ignored.  Returns 0 for void. */
u32 ir_call(IrBuilder *b, const IrHelper *h, IrType ret, u32 x, u32 y, u32 z);
/* Call h(x, y) only if cond (i1) holds; h takes at most two arguments and
 * returns nothing the block uses.  Back ends keep the call out of line. */
void ir_call_if(IrBuilder *b, u32 cond, const IrHelper *h, u32 x, u32 y);
void ir_exit_if(IrBuilder *b, u32 cond, GuestAddr target, IrExitKind kind);
/* Append a copy of op with operands x, y, z (for passes that rewrite a
 * block into a new builder); returns the new result temp (0 if none). */
u32 ir_emit_copy(IrBuilder *b, const IrOp *op, u32 x, u32 y, u32 z);
void ir_exit(IrBuilder *b, GuestAddr target, IrExitKind kind);
void ir_exit_ind(IrBuilder *b, u32 target, IrExitKind kind);

/* Convenience: arithmetic on the temp's own type. */
static inline u32 ir_add(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_ADD, ir_temp_type(b, x), x, y); }
static inline u32 ir_sub(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_SUB, ir_temp_type(b, x), x, y); }
static inline u32 ir_and(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_AND, ir_temp_type(b, x), x, y); }
static inline u32 ir_or(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_OR, ir_temp_type(b, x), x, y); }
static inline u32 ir_xor(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_XOR, ir_temp_type(b, x), x, y); }
static inline u32 ir_shl(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_SHL, ir_temp_type(b, x), x, y); }
static inline u32 ir_shr(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_SHR, ir_temp_type(b, x), x, y); }
static inline u32 ir_sar(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_SAR, ir_temp_type(b, x), x, y); }

/* ---- facts about types and ops ---- */

extern const char *const ir_op_names[IR_NOPCODES];
extern const u8 ir_op_nargs[IR_NOPCODES];
extern const u8 ir_op_flags[IR_NOPCODES];
extern const char *const ir_type_names[IR_NTYPES];
extern const char *const ir_exit_names[IR_NEXIT_KINDS];
/* Width in bits of an integer type (i1 counts as 1); 128 for v128. */
unsigned ir_type_bits(IrType t);
static inline u64 ir_type_mask(IrType t)
{
    unsigned n = ir_type_bits(t);
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* ---- printer and verifier ---- */

/* Print the block in the `-d op` format to fd.  disasm(pc, buf, len), if given,
 * describes the guest instruction at an IMARK. */
typedef void (*IrDisasmFn)(GuestAddr pc, char *buf, size_t len);
void ir_print(int fd, const IrBlock *blk, const IrGuestInfo *guest, IrDisasmFn disasm);

/* Check the block's invariants (types, single assignment, use after def,
 * operand counts, a final exit).  Returns NULL if well formed, else a static
 * message naming the first bad op (its index in *bad_op). */
const char *ir_verify(const IrBlock *blk, const IrGuestInfo *guest, u32 *bad_op);

/* ---- the interpreter back end (interp.c) ---- */

typedef union IrVal {
    u64 i;
    V128 v;
} IrVal;

/* Run blk on guest state env with scratch temps (at least blk->ntemps).
 * Stores the next guest pc at guest->pc_offset and returns the IrExitKind.
 * A fault in a guest access arrives as a host signal; the current
 * instruction's pc is in *cur_pc when it does (see interp.c). */
/* A record of the guest memory a run wrote: each STORE or CAS that took
 * effect, with the bytes it replaced, in order (undo them backwards).
 * --diff-check runs a block on the interpreter with a journal, takes its
 * writes back, then runs the block on the JIT and compares. */
typedef struct IrStoreEntry {
    GuestAddr addr;
    u32 size;      /* 1..16 */
    u8 old[16];
} IrStoreEntry;

typedef struct IrStoreJournal {
    IrStoreEntry *e;
    u32 n, cap;
} IrStoreJournal;

/* interp_run, recording the guest memory writes in *journal (which the
 * caller empties first; NULL: none recorded). */
IrExitKind interp_run_journal(const IrBlock *blk, void *env, IrVal *temps, const IrGuestInfo *guest,
                              volatile GuestAddr *cur_pc, IrStoreJournal *journal);

static inline IrExitKind interp_run(const IrBlock *blk, void *env, IrVal *temps, const IrGuestInfo *guest,
                                    volatile GuestAddr *cur_pc)
{
    return interp_run_journal(blk, env, temps, guest, cur_pc, NULL);
}

/* True if host_pc lies in code that performs guest memory accesses on
 * behalf of the interpreter (so a fault there is the guest's). */
bool interp_owns_host_pc(uintptr_t host_pc);

#endif
