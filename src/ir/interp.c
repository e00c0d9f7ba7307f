/*
 * interp.c — the portable back end: executes an IrBlock directly.
 *
 * Where it sits: the exec layer's dispatcher looks a block up in the code
 * cache and calls interp_run; the JIT (src/jit/) runs the same IR natively.
 * This file is the reference semantics for differential tests and the engine
 * of builds without a JIT, so it is plain C: no inline assembly, no host-ISA
 * assumptions (guest memory is reached through a host pointer, which the
 * native identity-mapped build and a soft-MMU build both provide).
 *
 * Dispatch sits behind CASE/NEXT so the same bodies compile to a computed-goto
 * threaded loop with GCC/Clang and to a switch elsewhere (QuickJS's scheme).
 *
 * Faults: a guest LOAD/STORE/CAS to unmapped or protected memory raises a
 * host SIGSEGV inside this function.  The function lives in its own section
 * ("ue_guest_access") so the exec layer's signal handler can tell a guest
 * fault (host pc inside this section) from a bug in ue (anywhere else); the
 * guest pc of the faulting instruction is the last IMARK, kept in *cur_pc.
 * The lifter guarantees the guest state at an IMARK is architectural, so the
 * handler can abandon the block with siglongjmp and deliver the fault.
 */
#include "ir/ir.h"
#include "ir/ir_eval.h"

#define GUEST_ACCESS __attribute__((section("ue_guest_access"), noinline))
/* The guest-memory accessors below are always inlined into the
 * GUEST_ACCESS functions, -O0 included: called, they lie outside the
 * section, and a debug build took their faults for ue's own. */
#define ACCESSOR static inline __attribute__((always_inline))

extern const char __start_ue_guest_access[], __stop_ue_guest_access[];

bool interp_owns_host_pc(uintptr_t host_pc)
{
    return host_pc >= (uintptr_t)__start_ue_guest_access && host_pc < (uintptr_t)__stop_ue_guest_access;
}

ACCESSOR u64 load_int(const void *p, unsigned bytes)
{
    switch (bytes) {
    case 1: return *(const volatile u8 *)p;
    case 2: { u16 v; memcpy(&v, p, 2); return v; }
    case 4: { u32 v; memcpy(&v, p, 4); return v; }
    default: { u64 v; memcpy(&v, p, 8); return v; }
    }
}

ACCESSOR void store_int(void *p, unsigned bytes, u64 v)
{
    switch (bytes) {
    case 1: *(volatile u8 *)p = (u8)v; break;
    case 2: { u16 x = (u16)v; memcpy(p, &x, 2); break; }
    case 4: { u32 x = (u32)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* Atomic compare-and-swap of 1..8 bytes; returns the old value.  Unaligned
 * addresses are allowed, as x86 LOCK allows them (the host being x86-64
 * makes the builtin a LOCK CMPXCHG that handles them; other hosts would
 * need a lock here). */
ACCESSOR u64 cas_int(void *p, unsigned bytes, u64 expect, u64 desire)
{
    switch (bytes) {
    case 1: { u8 e = (u8)expect; __atomic_compare_exchange_n((u8 *)p, &e, (u8)desire, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return e; }
    case 2: { u16 e = (u16)expect; __atomic_compare_exchange_n((u16 *)p, &e, (u16)desire, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return e; }
    case 4: { u32 e = (u32)expect; __atomic_compare_exchange_n((u32 *)p, &e, (u32)desire, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return e; }
    default: { u64 e = expect; __atomic_compare_exchange_n((u64 *)p, &e, desire, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return e; }
    }
}

/* 16-byte compare-and-swap (CMPXCHG16B; the lifter has checked the
 * alignment it needs).  GCC's __atomic builtins would call libatomic for 16
 * bytes; the __sync one is an inline LOCK CMPXCHG16B with -mcx16. */
ACCESSOR V128 cas_v128(void *p, V128 expect, V128 desire)
{
    unsigned __int128 e = (unsigned __int128)expect.hi << 64 | expect.lo;
    unsigned __int128 d = (unsigned __int128)desire.hi << 64 | desire.lo;
    unsigned __int128 old = __sync_val_compare_and_swap((unsigned __int128 *)p, e, d);
    return (V128){(u64)old, (u64)(old >> 64)};
}

static inline V128 v_and(V128 a, V128 b) { return (V128){a.lo & b.lo, a.hi & b.hi}; }
static inline V128 v_or(V128 a, V128 b) { return (V128){a.lo | b.lo, a.hi | b.hi}; }
static inline V128 v_xor(V128 a, V128 b) { return (V128){a.lo ^ b.lo, a.hi ^ b.hi}; }
static inline V128 v_andn(V128 a, V128 b) { return (V128){~a.lo & b.lo, ~a.hi & b.hi}; }

#define T(x) (temps[(x)].i)
#define TV(x) (temps[(x)].v)
#define BITS(op) ((unsigned)ir_bits_of[(op)->type])
#define ABITS(op) ((unsigned)ir_bits_of[(op)->aux])
#define STATE(off) ((char *)env + (off))

#if defined(__GNUC__) && !defined(UE_INTERP_SWITCH)
#define DISPATCH() goto *dispatch[op->opc]
#define CASE(name) L_##name:
#define NEXT() do { op++; DISPATCH(); } while (0)
#define DEFAULT() L_default:
#else
#define DISPATCH() goto top
#define CASE(name) case IR_##name:
#define NEXT() do { op++; goto top; } while (0)
#define DEFAULT() default:
#endif

/* The journal's entry for a write of size bytes at p that has just taken
 * effect, replacing old (written only after the store succeeded, so a
 * faulting store leaves nothing to undo). */
static void journal_add(IrStoreJournal *j, const void *p, unsigned size, const u8 *old)
{
    IrStoreEntry e = {.addr = (GuestAddr)(uintptr_t)p, .size = size};
    memcpy(e.old, old, size);
    VEC_PUSH(j->e, j->n, j->cap, e);
}

/* The bytes at p, before a write of size bytes there when journalling
 * (byte loads inline here: a guest fault must happen in this section). */
#define JOURNAL_BEFORE(p, size)                                              \
    u8 old_[16];                                                             \
    if (UE_UNLIKELY(journal))                                                \
        for (unsigned k_ = 0; k_ < (size); k_++)                             \
            old_[k_] = ((const volatile u8 *)(p))[k_]
#define JOURNAL_AFTER(p, size)                                               \
    if (UE_UNLIKELY(journal))                                                \
        journal_add(journal, (p), (size), old_)

GUEST_ACCESS IrExitKind interp_run_journal(const IrBlock *blk, void *env, IrVal *temps, const IrGuestInfo *guest,
                                           volatile GuestAddr *cur_pc, IrStoreJournal *journal)
{
    const IrOp *op = blk->ops;
    u64 *pc_slot = (u64 *)STATE(guest->pc_offset);

#if defined(__GNUC__) && !defined(UE_INTERP_SWITCH)
    static const void *const dispatch[256] = {
#define X(name, nargs, flags) [IR_##name] = &&L_##name,
#include "ir/ir_ops.def"
#undef X
    };
    if (0)
        goto L_default; /* unknown opcodes have a NULL entry: caught by ir_verify */
    DISPATCH();
#else
top:
    switch (op->opc) {
#endif

    CASE(NOP) NEXT();
    CASE(IMARK) *cur_pc = op->imm; NEXT();
    CASE(CONST)
        if (op->type == IR_V128)
            TV(op->dst) = (V128){op->imm, 0};
        else
            T(op->dst) = op->imm;
        NEXT();
    CASE(GET)
        if (op->type == IR_V128)
            memcpy(&TV(op->dst), STATE(op->imm), 16);
        else
            T(op->dst) = load_int(STATE(op->imm), BITS(op) / 8 ? BITS(op) / 8 : 1);
        NEXT();
    CASE(PUT)
        if (op->type == IR_V128)
            memcpy(STATE(op->imm), &TV(op->a), 16);
        else
            store_int(STATE(op->imm), BITS(op) / 8 ? BITS(op) / 8 : 1, T(op->a));
        NEXT();
    CASE(LOAD)
        if (op->type == IR_V128)
            memcpy(&TV(op->dst), (const void *)(uintptr_t)T(op->a), 16);
        else
            T(op->dst) = load_int((const void *)(uintptr_t)T(op->a), BITS(op) / 8);
        NEXT();
    CASE(STORE) {
        void *p = (void *)(uintptr_t)T(op->a);
        unsigned size = op->type == IR_V128 ? 16 : BITS(op) / 8;
        JOURNAL_BEFORE(p, size);
        if (op->type == IR_V128)
            memcpy(p, &TV(op->b), 16);
        else
            store_int(p, size, T(op->b));
        JOURNAL_AFTER(p, size);
        NEXT();
    }
    CASE(CAS) {
        void *p = (void *)(uintptr_t)T(op->a);
        unsigned size = op->type == IR_V128 ? 16 : BITS(op) / 8;
        JOURNAL_BEFORE(p, size);
        if (op->type == IR_V128)
            TV(op->dst) = cas_v128(p, TV(op->b), TV(op->c));
        else
            T(op->dst) = cas_int(p, size, T(op->b), T(op->c));
        JOURNAL_AFTER(p, size);
        NEXT();
    }
    CASE(FENCE) __atomic_thread_fence(__ATOMIC_SEQ_CST); NEXT();

    CASE(ADD) T(op->dst) = (T(op->a) + T(op->b)) & ir_mask_of(BITS(op)); NEXT();
    CASE(SUB) T(op->dst) = (T(op->a) - T(op->b)) & ir_mask_of(BITS(op)); NEXT();
    CASE(MUL) T(op->dst) = (T(op->a) * T(op->b)) & ir_mask_of(BITS(op)); NEXT();
    CASE(AND)
        if (op->type == IR_V128)
            TV(op->dst) = v_and(TV(op->a), TV(op->b));
        else
            T(op->dst) = T(op->a) & T(op->b);
        NEXT();
    CASE(OR)
        if (op->type == IR_V128)
            TV(op->dst) = v_or(TV(op->a), TV(op->b));
        else
            T(op->dst) = T(op->a) | T(op->b);
        NEXT();
    CASE(XOR)
        if (op->type == IR_V128)
            TV(op->dst) = v_xor(TV(op->a), TV(op->b));
        else
            T(op->dst) = T(op->a) ^ T(op->b);
        NEXT();
    CASE(ANDN)
        if (op->type == IR_V128)
            TV(op->dst) = v_andn(TV(op->a), TV(op->b));
        else
            T(op->dst) = ~T(op->a) & T(op->b) & ir_mask_of(BITS(op));
        NEXT();
    CASE(NOT)
        if (op->type == IR_V128)
            TV(op->dst) = (V128){~TV(op->a).lo, ~TV(op->a).hi};
        else
            T(op->dst) = ~T(op->a) & ir_mask_of(BITS(op));
        NEXT();
    CASE(MULHU) CASE(MULHS) CASE(DIVU) CASE(DIVS) CASE(REMU) CASE(REMS)
    CASE(SHL) CASE(SHR) CASE(SAR) CASE(ROL) CASE(ROR)
        T(op->dst) = ir_eval_binop((IrOpcode)op->opc, BITS(op), T(op->a), T(op->b));
        NEXT();
    CASE(CMPEQ) T(op->dst) = T(op->a) == T(op->b); NEXT();
    CASE(CMPNE) T(op->dst) = T(op->a) != T(op->b); NEXT();
    CASE(CMPLTU) T(op->dst) = T(op->a) < T(op->b); NEXT();
    CASE(CMPLEU) T(op->dst) = T(op->a) <= T(op->b); NEXT();
    CASE(CMPLTS) CASE(CMPLES)
        /* operand width is the operands' type, which the op does not carry:
         * operands are zero-extended, so sign-extend from the wider of the
         * two temps' recorded types. */
        T(op->dst) = ir_eval_binop((IrOpcode)op->opc, ir_bits_of[blk->temp_type[op->a]], T(op->a), T(op->b));
        NEXT();
    CASE(NEG) CASE(CLZ) CASE(CTZ) CASE(POPCNT) CASE(BSWAP)
        T(op->dst) = ir_eval_unop((IrOpcode)op->opc, BITS(op), T(op->a));
        NEXT();
    CASE(ZEXT)
        if (op->type == IR_V128)
            TV(op->dst) = (V128){T(op->a), 0};
        else
            T(op->dst) = T(op->a);
        NEXT();
    CASE(SEXT) T(op->dst) = ir_sx(T(op->a), ABITS(op)) & ir_mask_of(BITS(op)); NEXT();
    CASE(TRUNC)
        if (op->aux == IR_V128)
            T(op->dst) = TV(op->a).lo & ir_mask_of(BITS(op));
        else
            T(op->dst) = T(op->a) & ir_mask_of(BITS(op));
        NEXT();
    CASE(SELECT)
        if (op->type == IR_V128)
            TV(op->dst) = T(op->a) ? TV(op->b) : TV(op->c);
        else
            T(op->dst) = T(op->a) ? T(op->b) : T(op->c);
        NEXT();
    CASE(EXTRACT) {
        u64 r = 0;
        memcpy(&r, (const u8 *)&TV(op->a) + op->imm, BITS(op) / 8);
        T(op->dst) = r;
        NEXT();
    }
    CASE(INSERT) {
        V128 v = TV(op->a);
        u64 x = T(op->b);
        memcpy((u8 *)&v + op->imm, &x, ir_bits_of[blk->temp_type[op->b]] / 8);
        TV(op->dst) = v;
        NEXT();
    }
    CASE(CALL) {
        const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
        switch (h->sig) {
        case IRH_I_I: {
            u64 r = ((IrHelperII)h->fn)(env, T(op->a), T(op->b), T(op->c));
            if (op->dst)
                T(op->dst) = r & ir_mask_of(BITS(op));
            break;
        }
        case IRH_V_V: {
            V128 r = ((IrHelperVV)h->fn)(env, TV(op->a), TV(op->b), TV(op->c));
            if (op->dst)
                TV(op->dst) = r;
            break;
        }
        case IRH_I_V: {
            u64 r = ((IrHelperIV)h->fn)(env, TV(op->a), TV(op->b), TV(op->c));
            if (op->dst)
                T(op->dst) = r & ir_mask_of(BITS(op));
            break;
        }
        case IRH_V_I: {
            V128 r = ((IrHelperVI)h->fn)(env, T(op->a), T(op->b), T(op->c));
            if (op->dst)
                TV(op->dst) = r;
            break;
        }
        }
        NEXT();
    }
    CASE(CALL_IF)
        if (T(op->a)) {
            const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
            if (h->sig == IRH_I_I)
                ((IrHelperII)h->fn)(env, T(op->b), T(op->c), 0);
            else
                ((IrHelperVV)h->fn)(env, TV(op->b), TV(op->c), (V128){0, 0});
        }
        NEXT();
    CASE(EXIT_IF)
        if (T(op->a)) {
            *pc_slot = op->imm;
            return (IrExitKind)op->aux;
        }
        NEXT();
    CASE(EXIT)
        *pc_slot = op->imm;
        return (IrExitKind)op->aux;
    CASE(EXIT_IND)
        *pc_slot = T(op->a);
        return (IrExitKind)op->aux;
    DEFAULT()
        ue_panic("interp: bad opcode %u", op->opc);
#if !(defined(__GNUC__) && !defined(UE_INTERP_SWITCH))
    }
#endif
}
