/*
 * jit_priv.h — private to src/jit: compiled blocks, the code cache and the
 * lowering entry point.
 */
#ifndef UE_JIT_PRIV_H
#define UE_JIT_PRIV_H

#include "jit/jit.h"
#include "jit/x64.h"

/* Precise-fault side table: for each host instruction that may fault, the
 * guest instruction it belongs to and which guest GPRs are not in their
 * homes at that point (their values are in the env instead). */
typedef struct JitSideEntry {
    u32 host_off;   /* offset of the faulting host instruction in the block */
    u16 in_env;     /* bit r: guest GPR r is in the env, not in host GPR r */
    u8 nlazy;       /* deferred PUTs pending here: lazy[lazy_first ..] */
    u8 pad;
    u32 lazy_first;
    GuestAddr guest_pc;
} JitSideEntry;

/* A deferred PUT pending at a fault point: where its value is. */
enum { JIT_LAZY_REG, JIT_LAZY_SLOT, JIT_LAZY_CONST };
typedef struct JitLazyRec {
    u32 offset;     /* env offset of the state field */
    u8 kind;        /* JIT_LAZY_* */
    u8 reg;
    u16 slot;
    u64 value;      /* JIT_LAZY_CONST */
} JitLazyRec;

struct JitCode {
    GuestAddr guest_pc;
    u8 *rx;          /* entry point (executable view) */
    u32 size;
    u32 nside, nlazy;
    JitSideEntry *side;
    JitLazyRec *lazy;
    /* Chained jumps into this block: the RX address of each rel32.  Before
     * it was chained, each jumped to the exit stub right after it (where
     * jit_unlink points it again). */
    struct JitLink {
        u64 link;
        struct JitLink *next;
    } *in;
};

/* How generated code left: every exit stores the offset of its record
 * (from jit_exit_rec) to JitThread.exit_rec and jumps to the common exit
 * path; jit_run reads the rest from the record.  (Storing pc, kind and
 * link from each exit took 65 bytes of code; this takes 17.) */
typedef struct JitExitRec {
    GuestAddr pc;   /* the next guest pc, unless pc_in_env */
    u64 link;       /* RX address of the chainable jump's rel32, or 0 */
    u32 kind;       /* IrExitKind */
    u32 pc_in_env;  /* the exit stored the pc itself (indirect exits) */
} JitExitRec;

/* A record for an exit being emitted, and its offset; NULL when there is
 * no room (until the next flush). */
JitExitRec *jit_exit_rec(u32 *offset);

/* Indirect-jump lookup: a direct-mapped table from guest pc to host code,
 * probed by generated code (jit_publish fills it; a flush empties it).
 * An entry holds its guest pc with bit 63 flipped (JIT_IND_KEY), so the
 * all-zero entry of fresh memory is empty: it stands for a non-canonical
 * pc, which no lookup asks for (the lifter faults on those first), while
 * pc 0 (a NULL function pointer) must find nothing. */
enum { JIT_IND_BITS = 16 };
#define JIT_IND_KEY (1ull << 63)
/* The key while the thread is interrupted: target ^ JIT_IND_STOP equals an
 * entry only for a non-canonical target, and the lifter faults on those. */
#define JIT_IND_STOP (JIT_IND_KEY | 1ull << 62)
typedef struct JitIndEntry {
    u64 guest_pc; /* guest pc ^ JIT_IND_KEY; 0: empty */
    u64 host;
} JitIndEntry;

static inline u32 jit_ind_slot(u64 pc) { return (u32)((pc ^ (pc >> JIT_IND_BITS)) & ((1u << JIT_IND_BITS) - 1)); }

/* The code cache. */
typedef struct JitCache {
    u8 *rw, *rx;     /* the same memory, writable and executable views */
    size_t size, used;
    uintptr_t exit_routine; /* RX address of the common exit path */
    uintptr_t enter_routine;
    uintptr_t call_routine; /* RX address of the register-saving helper call */
    JitCode **blocks; /* in address order, for fault lookup */
    u32 nblocks, cap_blocks;
} JitCache;

extern JitCache jit_cache;
extern JitConfig jit_cfg;
/* lower.c's tables of jit_cfg (at jit_init). */
void jit_lower_setup(void);

/* The exception flags in MXCSR (IE DE ZE OE UE PE, bits 0-5). */
enum { MXCSR_FLAG_BITS = 0x3f };

/* Offsets from the GS base (the env) of JitThread fields. */
#define JIT_THREAD(field) ((i32)(jit_cfg.thread_offset + offsetof(JitThread, field)))

/* Lower blk into buf (an RW view at rx_delta from its RX address); with a
 * counter, the code counts it down on entry and leaves with IR_EXIT_HOT
 * when it reaches zero.  Returns false if the block uses something not
 * lowered yet. */
bool jit_lower(const IrBlock *blk, const IrExitFacts *facts, u32 *counter, X64Buf *buf, intptr_t rx_delta,
               JitCode *out, Arena *arena);

#endif
