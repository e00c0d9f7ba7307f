/*
 * diff.h — the instruction-level differential tester (tests/diff/): every
 * instruction form ue implements is run natively on the host CPU and through
 * ue's decoder + lifter and each back end (interpreter, JIT) on the same
 * random inputs, and the full machine state after both is compared
 * (DESIGN.md, "Testing").
 *
 * Pieces:
 *   native.S    the trampoline: loads a DiffCpu (GPRs, RFLAGS, FXSAVE image)
 *               into the real CPU, runs the code buffer, saves it back
 *   exec.c      one case on all sides: native (trampoline, or a signal for
 *               branches and faults), interpreter, JIT; the comparison and
 *               the mismatch report
 *   gen.c       random encodings and inputs for a form: registers (REX,
 *               AH..BH), addressing modes, immediates, ignored prefixes,
 *               edge values, special floats
 *   rows_int.c  the integer instruction rows (one line per SDM form);
 *   rows_x87.c  the x87 rows; rows_sse.c derives MMX/SSE rows from what
 *               the lifter accepts
 *   pairs.c     flag producer + consumer pairs and register-only sequences
 *               translated as one block
 *   coverage.c  `make isa-coverage`
 *   main.c      the driver: forms x cases, pairs, sequences, per-family
 *               PASS/FAIL lines
 *   decheck/    decoder and lifter lengths against Zydis on real binaries
 *
 * The host is the oracle: nothing here knows what an instruction computes.
 * The table only says how to encode a form, which inputs must be shaped so
 * the instruction stays inside the test buffers, and which results the SDM
 * leaves undefined (those are masked, nothing else).
 */
#ifndef UE_DIFF_H
#define UE_DIFF_H

#include "arch/x86/x86.h"

#include <stdio.h>

/* ---- machine state (native.S knows these offsets) ---- */

typedef struct DiffCpu {
    u64 gpr[16];  /* 0 */
    u64 rflags;   /* 128 */
    u64 rip;      /* 136 */
    u64 pad[2];
    _Alignas(16) u8 fx[512]; /* 160: FXSAVE image (x87, MXCSR, XMM0-15) */
} DiffCpu;

/* Fields of the 64-bit FXSAVE image (SDM vol. 1, 10.5.1). */
enum {
    FX_FCW = 0, FX_FSW = 2, FX_FTW = 4, FX_FOP = 6, FX_FIP = 8, FX_FDP = 16,
    FX_MXCSR = 24, FX_MXCSR_MASK = 28, FX_ST = 32, FX_XMM = 160,
};

/* RFLAGS bits the comparison looks at: the arithmetic flags, DF, AC, ID. */
#define DIFF_FLAGS_CMP (X86_ARITH_FLAGS | X86_DF | X86_ID | X86_AC)

/* ---- the table ---- */

/* Operand layout of a row. */
enum {
    LY_NONE,  /* no register operand encoded (implicit operands only) */
    LY_E,     /* ModRM with an opcode extension in ModRM.reg (ext) */
    LY_EG,    /* ModRM: E = rm, G = reg */
    LY_Z,     /* register in the opcode's low 3 bits (+REX.B) */
    LY_REL,   /* relative branch: the immediate is a displacement */
    LY_FIXED, /* a fixed ModRM byte (ext), e.g. RDTSCP = 0F 01 F9 */
};

/* Operand sizes a row comes in (bit = size in bytes). */
enum { SZ_B = 1, SZ_W = 2, SZ_D = 4, SZ_Q = 8, SZ_WDQ = 14, SZ_DQ = 12, SZ_WQ = 10 };

/* Immediates. */
enum { IMM_NONE, IMM_B, IMM_W, IMM_Z, IMM_V, IMM_ENTER, IMM_MOFFS };

/* Row flags. */
enum {
    RF_LOCK = 1 << 0,     /* LOCK is legal with a memory operand */
    RF_MEM = 1 << 1,      /* memory operand only */
    RF_REG = 1 << 2,      /* register operand only */
    RF_D64 = 1 << 3,      /* operand size defaults to 64 (66h gives 16) */
    RF_F64 = 1 << 4,      /* operand size is 64 whatever the prefixes */
    RF_STACK = 1 << 5,    /* uses the stack: RSP points into the data buffer */
    RF_STRING = 1 << 6,   /* string instruction: RSI/RDI/RCX shaped, REP forms */
    RF_BRANCH = 1 << 7,   /* may transfer control */
    RF_NOREXW = 1 << 8,   /* no REX.W noise on byte forms (W changes meaning) */
    RF_ADDR32 = 1 << 9,   /* 67h changes an implicit register (string, LOOP) */
    RF_BYTEPFX = 1 << 10, /* byte form: also try 66h and REX.W, which it ignores */
    RF_REXW = 1 << 11,    /* always REX.W (CRC32 Gq,Eb) */
    RF_EB = 1 << 12,      /* E is a byte operand whatever the size (MOVZX Gv,Eb) */
    RF_EW = 1 << 13,      /* E is a word operand (MOVZX Gv,Ew) */
    RF_NOACCESS = 1 << 14, /* the memory operand is not accessed (LEA, NOP, PREFETCH) */
    RF_M16 = 1 << 15,     /* the memory operand is 2x the size (CMPXCHG8B/16B) */
    RF_GD = 1 << 16,      /* G is a 32/64-bit register whatever the size (CRC32) */
    RF_VEC = 1 << 18,     /* MMX/SSE (rows_sse.c): operands in whatever register
                           * file the encoding names, memory up to 16 bytes,
                           * random inputs only (no edge-value pairs) */
    RF_NOEDGE = 1 << 17,  /* keep the operand off the guard pages: the access
                           * width is vendor-specific (66 MOVSXD: Intel reads 16
                           * bits, AMD 32), so only a fault would tell */
};

/* What the SDM leaves undefined (masked in the comparison). */
enum {
    UD_NONE,
    UD_AF,     /* AND, OR, XOR, TEST */
    UD_MUL,    /* SF ZF AF PF */
    UD_DIV,    /* all six */
    UD_SHIFT,  /* SHL/SHR/SAR: by count */
    UD_ROT,    /* ROL/ROR/RCL/RCR: OF unless count 1 */
    UD_SHD,    /* SHLD/SHRD */
    UD_BT,     /* OF SF AF PF */
    UD_BSX,    /* BSF/BSR: CF OF SF AF PF; the destination if the source is 0 */
    UD_CNT,    /* TZCNT/LZCNT: OF SF AF PF */
    UD_RDTSC,  /* RDTSC/RDTSCP: the counter values (EDX:EAX, ECX) */
};

/* Input shaping: registers or memory a row needs set to something sensible. */
enum {
    SH_NONE,
    SH_COUNT,    /* CL: a shift/rotate count, mostly 0..65 */
    SH_DIV,      /* dividend mostly in range of the divisor */
    SH_BTOFF,    /* BT m, r: the bit offset keeps the unit inside the buffer */
    SH_TARGET,   /* indirect branch: E holds a target in the code buffer */
    SH_RET,      /* RET: [RSP] holds a target in the code buffer */
    SH_CMPXCHG,  /* CMPXCHG: rAX often equals E */
    SH_CMPXCHG8, /* CMPXCHG8B/16B: rDX:rAX often equals memory */
    SH_ENTER,    /* ENTER: RBP and RSP in the data buffer */
    SH_LEAVE,    /* LEAVE: RBP in the data buffer */
    SH_XLAT,     /* XLAT: RBX + AL in the data buffer */
    SH_POPF,     /* POPF: [RSP] without TF/AC/NT */
    SH_LOOP,     /* LOOP/JrCXZ: RCX small */
    SH_INTN,     /* INT n: any vector but 0x80 (the 32-bit system call gate) */
};

typedef struct DiffRow {
    const char *family;   /* one PASS/FAIL line per family */
    const char *form;     /* SDM operand notation, e.g. "Ev,Gv" */
    u8 map, opc, ext;     /* opcode map and byte; ModRM.reg extension */
    u8 layout;            /* LY_* */
    u8 sizes;             /* SZ_* */
    u8 imm;               /* IMM_* */
    u8 pfx;               /* mandatory prefix: 0, 0x66, 0xf2, 0xf3 */
    u8 undef;             /* UD_* */
    u8 shape;             /* SH_* */
    u32 flags;            /* RF_* */
} DiffRow;

typedef struct DiffTable {
    const char *name;     /* "int", "sse", "x87" */
    const DiffRow *rows;
    u32 nrows;
} DiffTable;

extern const DiffTable diff_table_int;
/* Built by diff_sse_init from what ue's lifter accepts (rows_sse.c). */
extern DiffTable diff_table_sse;
void diff_sse_init(void);
extern const DiffTable diff_table_x87;

/* One form: a row at one operand size, register or memory, LOCK or not,
 * with or without REP. */
typedef struct DiffForm {
    const DiffRow *row;
    u8 size;      /* operand size in bytes */
    u8 noise;     /* byte forms: 0, 0x66 or 0x48 (REX.W), ignored prefixes */
    u8 rep;       /* 0, 0xf2 or 0xf3 */
    bool mem;
    bool lock;
    char name[96];
} DiffForm;

/* ---- the test environment ---- */

#define DIFF_CODE_SIZE 0x10000u  /* code buffer, filled with INT3 */
#define DIFF_DATA_SIZE 0x2000u   /* data buffer: two pages between guard pages */

typedef struct DiffEnv {
    u8 *code;     /* DIFF_CODE_SIZE bytes, read+execute, below 2 GiB */
    u8 *wcode;    /* the same memory, writable */
    u64 pc;       /* where the instruction under test goes */
    u8 *data;     /* DIFF_DATA_SIZE bytes, below 2 GiB, guard pages around */
    void *jit_cpu; /* the back ends' guest state (a JitCpu, exec.c) */
    u64 gs_base;  /* the host GS base (and ue's) while testing */
    u8 *mem_in;   /* the data buffer's input image */
    u8 *mem_native; /* ... after the native run */
    bool strict;  /* compare undefined results too */
    bool fp_traps; /* unmask SSE/x87 exceptions in some cases (#XM, #MF) */
    u64 flakes;   /* native runs that faulted once and not when run again */
    bool jit;     /* the JIT back end is available: cases run on it too */
    u64 jit_declined; /* cases the JIT did not compile (interpreter only) */
    u64 bad_backend[2]; /* mismatching cases per back end: interp, jit */
    /* host features the native side needs */
    bool host_lzcnt, host_bmi1, host_movbe, host_popcnt, host_sse42;
} DiffEnv;

/* One generated case. */
typedef struct DiffCase {
    const DiffForm *f;
    u64 pc;
    u8 code[32];        /* one instruction, or a pair (diff_gen_pair) */
    u8 len;
    u8 ninsn;           /* 1, or 2 for a pair: translated as one block */
    u64 extra_undef;    /* flags the pair's second instruction leaves undefined */
    const char *pair;   /* the second instruction's kind, for reports */
    int e_reg, g_reg;   /* GPRs of the register operands (-1: none) */
    bool e_high, g_high; /* ... and they are AH..BH (bits 8..15 of e_reg/g_reg) */
    bool has_mem;
    u64 ea;             /* memory operand address */
    u64 imm;
    bool addr32;
    DiffCpu in;
} DiffCase;

/* How a run ended. */
typedef enum DiffEnd {
    END_NEXT,    /* went on at `pc` (fall-through or branch target) */
    END_TRAP,    /* the instruction itself raised #BP (INT3): pc after it */
    END_DE,      /* SIGFPE: #DE, or #XM/#MF (unmasked SIMD/x87 exception) */
    END_UD,      /* #UD: SIGILL */
    END_GP,      /* #GP: SIGSEGV with no address */
    END_PF,      /* page fault at `addr` */
    END_BUS,     /* SIGBUS */
    END_SYSCALL, /* ue asked for a system call */
    END_OTHER,
} DiffEnd;

typedef struct DiffResult {
    DiffCpu cpu;
    DiffEnd end;
    u64 pc;
    u64 addr;
    int sig, code; /* the signal that ended a native run, 0 if none */
} DiffResult;

/* Masks of results the SDM leaves undefined for one case. */
typedef struct DiffMask {
    u64 flags;     /* RFLAGS bits not compared */
    u64 gpr_bits[16]; /* per GPR: bits not compared */
    u64 mem_addr;     /* memory not compared: [mem_addr, mem_addr + mem_len) */
    u32 mem_len;
} DiffMask;

/* ---- exec.c ---- */

/* Set up buffers, signal handlers and the GS base; false (with a message)
 * if the host cannot run the tests. */
bool diff_env_init(DiffEnv *e);
/* Run c natively and under ue; true if they agree.  On a mismatch, print
 * the form, the inputs and both results to out (if not NULL). */
bool diff_run_case(DiffEnv *e, const DiffCase *c, FILE *out);
/* Undefined results of c (from the SDM). */
void diff_undef(const DiffEnv *e, const DiffCase *c, DiffMask *m);

/* ---- gen.c ---- */

/* Random generator state (xorshift). */
typedef UeRand DiffRng;
static inline u64 diff_rand(DiffRng *r) { return ue_rand_next(r); }
static inline u64 diff_below(DiffRng *r, u64 n) { return n ? ue_rand_next(r) % n : 0; }

/* Edge values for an operand of size bytes: count in *n. */
const u64 *diff_edges(unsigned size, unsigned *n);
/* Edge values of a form's E operand and of its source (G, immediate or
 * count); every pair of them is one edge case. */
const u64 *diff_e_edges(const DiffForm *f, unsigned *n);
const u64 *diff_src_edges(const DiffForm *f, unsigned *n);
/* A branch target in the code buffer at lo..hi bytes from e->pc + len
 * (the end of the case's bytes), avoiding the case and its exit stub. */
u64 diff_pick_target(const DiffEnv *e, DiffRng *r, unsigned len, i64 lo, i64 hi);
/* Build case c of form f.  With edge != NULL, the E operand gets edge[0]
 * and the source (G or the immediate) edge[1]. */
void diff_gen_case(DiffEnv *e, const DiffForm *f, DiffRng *r, const u64 *edge, DiffCase *c);
/* Pairs: a flag-producing form followed, in the same block, by an
 * instruction that reads or partly keeps the flags (SETcc, Jcc, ADC...),
 * so the lifter's known-producer conditions and the JIT's fused flags run.
 * False if no case without undefined inputs to the consumer was found. */
enum { PAIR_SETCC, PAIR_CMOVCC, PAIR_JCC8, PAIR_JCC32, PAIR_ADC, PAIR_SBB, PAIR_INC, PAIR_DEC, PAIR_CMC, PAIR_LAHF,
       PAIR_RCL, PAIR_RCR, PAIR_SHL, PAIR_BT, PAIR_ROL, PAIR_ROR, PAIR_NKINDS };
extern const char *const diff_pair_names[PAIR_NKINDS];
bool diff_gen_pair(DiffEnv *e, const DiffForm *producer, unsigned kind, DiffRng *r, DiffCase *c);
/* Whether a form can start a pair (it produces flags and falls through). */
bool diff_pair_producer(const DiffForm *f);
/* Sequences: 2..8 register-only instructions in one block (pairs.c). */
bool diff_seq_member(const DiffForm *f);
bool diff_gen_seq(DiffEnv *e, const DiffForm *forms, const u32 *members, u32 nmembers, DiffRng *r, DiffCase *c);
/* All forms of the table rows; returns the count (forms in *out, malloc'd). */
u32 diff_forms(const DiffTable *const *tables, DiffForm **out);
/* False if the host CPU lacks what the form needs (it is then skipped). */
bool diff_host_supports(const DiffEnv *e, const DiffForm *f);

/* ---- main.c / coverage.c: the driver ---- */

typedef struct DiffOpts {
    u64 cases, seed;
    const char *family, *match;
    unsigned show;
    bool strict, edges, coverage, list, quiet, no_jit, fp_traps;
    u64 pairs;      /* cases per pair kind */
    u64 seqs;       /* instruction sequences */
} DiffOpts;

typedef struct DiffFamily {
    const char *name;
    u32 forms, skipped, bad_forms;
    u64 cases, mismatches;
    const DiffForm *last_bad_form;
    char *first; /* report of the first mismatch */
} DiffFamily;

typedef struct DiffCov DiffCov;

typedef struct DiffRun {
    DiffEnv *env;
    const DiffOpts *opts;
    DiffFamily *fam;
    u32 nfam, capfam;
    u64 cases;
    DiffCov *cov;
} DiffRun;

/* Coverage (coverage.c): note every case's encoding, then print per family
 * the forms ue implements (decoder + lifter accept), those tested, and
 * those with mismatches. */
void diff_cov_init(DiffRun *run);
void diff_cov_note(DiffRun *run, const DiffCase *c, bool ok);
void diff_cov_print(DiffRun *run, const DiffTable *const *tables);

/* ---- native.S ---- */

/* Load `in` into the CPU and jump to entry; the exit stub (diff_native_exit)
 * saves the CPU into diff_native_out and returns here.  Branches elsewhere
 * and faults come back through a signal and siglongjmp instead. */
void diff_native_enter(const DiffCpu *in, u64 entry);
extern void diff_native_exit(void);
extern DiffCpu diff_native_out;
/* Restore the host's x87/SSE state after a siglongjmp out of a test. */
void diff_native_fp_restore(void);

#endif
