/*
 * diffcheck.c — --diff-check: every block runs twice from the same guest
 * state, first on the interpreter (the reference semantics), then on the
 * JIT, and the two outcomes are compared; the first difference stops the
 * run with the block and both states.  The tool to reach for when a real
 * program goes wrong under the JIT only: it names the block, where the
 * differential tests (tests/diff) only cover instructions one by one.
 *
 * One block, as exec_run drives it:
 *   diff_check_before: save the state; run the interpreter with a store
 *     journal (ir.h); keep the state it reached, how it ended (exit kind,
 *     or the guest fault it raised) and the bytes it left at every address
 *     it wrote; undo those writes backwards and restore the state.
 *   The JIT runs the block, unchained, so it returns after this block.
 *   diff_check_after (the block exited) or diff_check_after_fault (it
 *     faulted): compare the registers, the memory the reference wrote and
 *     the way the block ended.
 *
 * What is not compared: memory the JIT wrote where the reference did not
 * (only the reference keeps a journal; both run the same IR stores, so a
 * wrong address shows as a missing value at the right one, unless the
 * right value happened to be there already).  Blocks that call a helper
 * whose result changes from call to call (RDTSC, IRH_NONDET) and blocks
 * the JIT declines run once, unchecked.  Guest threads take turns: a
 * process-wide lock is held from the reference run to the comparison, so
 * no other guest thread's code writes memory in between (another thread's
 * system call still can, a race the check would report as a divergence).
 *
 * Testing the checker itself: UE_DIFF_CHECK_INJECT=N (or N:mem) corrupts
 * the JIT's result of the N-th checked block (its RAX, or the first byte
 * it wrote), so tests/diff can see a divergence reported.
 */
#include "exec/exec_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct DiffRun {
    const IrBlock *blk;
    X86Regs before, ref;    /* the state the block started from; the reference's */
    IrExitKind ref_kind;    /* how the reference ended, if it did not fault */
    bool ref_faulted;
    int ref_sig;
    GuestAddr ref_fault_addr;
    IrStoreJournal journal;
    u8 (*after)[16];        /* per journal entry: the bytes the reference left */
    u32 cap_after;
};

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static u64 nchecked;
static u64 inject_at;       /* UE_DIFF_CHECK_INJECT: block number, 0 none */
static bool inject_mem;

/* (called with check_lock held) */
static void read_inject(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    const char *v = getenv("UE_DIFF_CHECK_INJECT");
    if (!v)
        return;
    char *end;
    inject_at = strtoull(v, &end, 10);
    inject_mem = !strcmp(end, ":mem");
}

/* The block calls a helper whose result differs between two runs. */
static bool nondeterministic(const IrBlock *blk)
{
    for (u32 i = 0; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if ((op->opc == IR_CALL || op->opc == IR_CALL_IF) &&
            (((const IrHelper *)(uintptr_t)op->imm)->flags & IRH_NONDET))
            return true;
    }
    return false;
}

static GuestAddr entry_addr(const DiffRun *d, u32 i) { return d->journal.e[i].addr; }
static u8 *host(GuestAddr a) { return (u8 *)(uintptr_t)a; }

bool diff_check_before(GuestCpu *cpu, const IrBlock *blk)
{
    if (nondeterministic(blk))
        return false;
    pthread_mutex_lock(&check_lock);
    read_inject();
    if (!cpu->diff)
        cpu->diff = ue_calloc(1, sizeof *cpu->diff);
    DiffRun *d = cpu->diff;
    d->blk = blk;
    d->before = cpu->regs;
    d->journal.n = 0;
    d->ref_faulted = false;
    exec_grow_temps(cpu, blk->ntemps);

    /* The reference may fault: catch it here rather than in exec_run. */
    sigjmp_buf outer;
    memcpy(outer, cpu->fault_jmp, sizeof outer);
    if (sigsetjmp(cpu->fault_jmp, 0)) {
        d->ref_faulted = true;
        d->ref_sig = cpu->fault_sig;
        d->ref_fault_addr = cpu->fault_addr;
        cpu->regs.rip = cpu->cur_pc;
    } else {
        cpu->in_guest = 1;
        d->ref_kind = interp_run_journal(blk, &cpu->regs, cpu->temps, &x86_guest_info, &cpu->cur_pc, &d->journal);
        cpu->in_guest = 0;
    }
    memcpy(cpu->fault_jmp, outer, sizeof outer);
    d->ref = cpu->regs;

    /* Keep what the reference left in memory, then take it back. */
    VEC_GROW(d->after, d->journal.n, d->cap_after, d->journal.n);
    for (u32 i = 0; i < d->journal.n; i++)
        memcpy(d->after[i], host(entry_addr(d, i)), d->journal.e[i].size);
    for (u32 i = d->journal.n; i-- > 0;)
        memcpy(host(entry_addr(d, i)), d->journal.e[i].old, d->journal.e[i].size);
    cpu->regs = d->before;
    return true;
}

static void describe_end(char *buf, size_t len, bool faulted, int sig, GuestAddr addr, IrExitKind kind,
                         const X86Regs *r)
{
    if (faulted)
        snprintf(buf, len, "signal %d at 0x%llx (address 0x%llx)", sig, (unsigned long long)r->rip,
                 (unsigned long long)addr);
    else
        snprintf(buf, len, "exit %s to 0x%llx", ir_exit_names[kind], (unsigned long long)r->rip);
}

static void put_mem(char *buf, size_t len, const u8 *v, u32 n)
{
    size_t at = 0;
    for (u32 i = 0; i < n && at + 3 < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%02x", v[i]);
}

/* Compare the JIT's outcome (cpu's state now) with the reference's; on a
 * difference, report and end the process. */
static void compare(GuestCpu *cpu, bool faulted, int sig, GuestAddr fault_addr, IrExitKind kind)
{
    DiffRun *d = cpu->diff;
    nchecked++;
    if (inject_at && nchecked >= inject_at) {
        if (!inject_mem) {
            cpu->regs.gpr[X86_RAX] ^= 1;
            inject_at = 0;
        } else if (d->journal.n) {
            host(entry_addr(d, 0))[0] ^= 1;
            inject_at = 0;
        }
    }
    char regs[4096], ends[2][160], mem[512] = "";
    unsigned ndiff = x86_regs_compare(&d->ref, &cpu->regs, regs, sizeof regs);
    bool ends_differ = faulted != d->ref_faulted ||
                       (faulted ? sig != d->ref_sig || fault_addr != d->ref_fault_addr : kind != d->ref_kind);
    for (u32 i = 0; i < d->journal.n && !mem[0]; i++) {
        const IrStoreEntry *e = &d->journal.e[i];
        if (!memcmp(host(e->addr), d->after[i], e->size))
            continue;
        char want[40], got[40];
        put_mem(want, sizeof want, d->after[i], e->size);
        put_mem(got, sizeof got, host(e->addr), e->size);
        snprintf(mem, sizeof mem, "    memory at 0x%llx, %u bytes in address order: %s  %s\n",
                 (unsigned long long)e->addr, e->size, want, got);
    }
    if (!ndiff && !ends_differ && !mem[0]) {
        pthread_mutex_unlock(&check_lock);
        return;
    }

    int fd = ue_log_fd();
    char line[512];
    int n = snprintf(line, sizeof line,
                     "ue: --diff-check: the interpreter and the JIT disagree on the block at 0x%llx "
                     "(%u instructions; %llu blocks agreed before it)\nue: the block:\n",
                     (unsigned long long)d->blk->guest_pc, d->blk->ninsns, (unsigned long long)nchecked - 1);
    ue_write_all(fd, line, (size_t)n);
    exec_log_block(fd, d->blk, true, true);
    char before[1024];
    x86_regs_format(&d->before, before, sizeof before);
    n = snprintf(line, sizeof line, "ue: state before the block:\n");
    ue_write_all(fd, line, (size_t)n);
    ue_write_all(fd, before, strlen(before));
    describe_end(ends[0], sizeof ends[0], d->ref_faulted, d->ref_sig, d->ref_fault_addr, d->ref_kind, &d->ref);
    describe_end(ends[1], sizeof ends[1], faulted, sig, fault_addr, kind, &cpu->regs);
    n = snprintf(line, sizeof line,
                 "ue: after the block, interpreter then JIT:\n    ended    %s  %s\n", ends[0], ends[1]);
    ue_write_all(fd, line, (size_t)n);
    ue_write_all(fd, regs, strlen(regs));
    ue_write_all(fd, mem, strlen(mem));
    _exit(EXEC_DIFF_CHECK_STATUS);
}

void diff_check_after(GuestCpu *cpu, IrExitKind kind) { compare(cpu, false, 0, 0, kind); }

void diff_check_after_fault(GuestCpu *cpu)
{
    compare(cpu, true, cpu->fault_sig, cpu->fault_addr, IR_EXIT_JUMP);
}

void diff_check_release(GuestCpu *cpu)
{
    if (!cpu->diff)
        return;
    free(cpu->diff->journal.e);
    free(cpu->diff->after);
    free(cpu->diff);
    cpu->diff = NULL;
}
