/*
 * run.c — the dispatcher: the loop every guest thread runs, and the host
 * fault handler that turns a fault in a guest access into a guest fault.
 *
 *   pc -> cache lookup (translate on a miss) -> back end runs the block ->
 *   exit kind: next block | system call | trap/fault for the OS layer
 *
 * Faults: the interpreter accesses guest memory with ordinary host loads and
 * stores (identity mapping).  A fault there arrives as a host SIGSEGV/SIGBUS
 * whose host pc lies inside the interpreter's guest-access section; the
 * handler records it and siglongjmps back here, where the guest state is
 * that of the faulting instruction's start (ir.h, "the lifter promises").
 * A fault anywhere else is a bug in ue and is reported as one.
 */
#include "exec/exec_priv.h"

#include "ue/client.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static __thread GuestCpu *current;

GuestCpu *exec_current(void) { return current; }

void exec_init(GuestProcess *p, ExecHooks hooks)
{
    cache_init(&p->cache);
    p->hooks = hooks;
    /* Writers first: a flush must not wait behind threads that keep
     * re-entering guest code. */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&p->world, &attr);
    pthread_rwlockattr_destroy(&attr);
    pthread_mutex_init(&p->cpus_lock, NULL);
    if (!p->xopts.max_insns)
        p->xopts.max_insns = 128;
    if (p->backend == EXEC_JIT) {
        JitConfig cfg = {.guest = &x86_guest_info, .thread_offset = offsetof(GuestCpu, jit),
                         .rwx = (p->log & EXEC_LOG_PERF_MAP) != 0};
        for (int r = 0; r < 16; r++)
            cfg.gpr_offset[r] = X86_GPR_OFF(r);
        /* The flags thunk: written by nearly every instruction, read rarely. */
        cfg.lazy_offset[0] = X86_OFF(cc_op);
        cfg.lazy_offset[1] = X86_OFF(cc_dst);
        cfg.lazy_offset[2] = X86_OFF(cc_src);
        cfg.lazy_offset[3] = X86_OFF(cc_src2);
        cfg.nlazy = 4;
        cfg.mxcsr_offset = X86_OFF(mxcsr);
        /* (tests: a small code cache, flushed often) */
        const char *kb = getenv("UE_JIT_CACHE_KB");
        if (kb && atoi(kb) >= 128)
            cfg.code_size = (u32)atoi(kb) << 10;
        if (!jit_init(&cfg))
            p->backend = EXEC_INTERP;
    }
    if (p->diff_check) {
        if (p->backend != EXEC_JIT) {
            ue_log("--diff-check: no JIT to check; the program runs on the interpreter alone");
            p->diff_check = false;
        }
        p->log |= EXEC_LOG_NOCHAIN; /* the JIT returns after each block it runs */
    }
}

GuestCpu *exec_new_cpu(GuestProcess *p)
{
    GuestCpu *cpu = NULL;
    if (posix_memalign((void **)&cpu, 64, sizeof *cpu))
        ue_panic("out of memory");
    memset(cpu, 0, sizeof *cpu);
    x86_regs_init(&cpu->regs);
    cpu->proc = p;
    pthread_mutex_lock(&p->cpus_lock);
    VEC_PUSH(p->cpus, p->ncpus, p->cap_cpus, cpu);
    pthread_mutex_unlock(&p->cpus_lock);
    return cpu;
}

void exec_cpu_release(GuestCpu *cpu)
{
    GuestProcess *p = cpu->proc;
    pthread_mutex_lock(&p->cpus_lock);
    for (u32 i = 0; i < p->ncpus; i++) {
        if (p->cpus[i] == cpu) {
            p->cpus[i] = p->cpus[--p->ncpus];
            break;
        }
    }
    pthread_mutex_unlock(&p->cpus_lock);
    if (current == cpu)
        current = NULL;
    free(cpu->temps);
    if (p->backend == EXEC_JIT)
        jit_release_thread(&cpu->regs); /* its indirect-jump table */
    diff_check_release(cpu);
    /* the GuestCpu itself stays: a late signal may still name it */
}

void exec_before_fork(GuestProcess *p)
{
    if (p->backend == EXEC_JIT)
        jit_before_fork();
}

void exec_after_fork(GuestCpu *cpu, bool child)
{
    GuestProcess *p = cpu->proc;
    if (p->backend == EXEC_JIT)
        jit_after_fork(child);
    if (!child)
        return;
    pthread_mutex_init(&p->cpus_lock, NULL);
    p->ncpus = 0;
    VEC_PUSH(p->cpus, p->ncpus, p->cap_cpus, cpu);
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&p->world, &attr);
    pthread_rwlockattr_destroy(&attr);
    pthread_mutex_init(&p->cache.lock, NULL);
}

void exec_stop_world(GuestProcess *p)
{
    pthread_mutex_lock(&p->cpus_lock);
    for (u32 i = 0; i < p->ncpus; i++)
        if (p->cpus[i] != current)
            exec_interrupt(p->cpus[i]);
    pthread_mutex_unlock(&p->cpus_lock);
    pthread_rwlock_wrlock(&p->world);
    cache_free_retired(&p->cache);
}

void exec_resume_world(GuestProcess *p) { pthread_rwlock_unlock(&p->world); }

void exec_disasm_at(GuestAddr pc, char *buf, size_t len)
{
    x86_disasm(pc, (const u8 *)(uintptr_t)pc, 15, buf, len);
}

static uintptr_t host_pc_of(void *ucv)
{
#if defined(__x86_64__)
    return (uintptr_t)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
#else
    (void)ucv;
    return 0;
#endif
}

/* The host GPRs of a signal context in x86 register order. */
static void host_gprs_of(void *ucv, u64 out[16])
{
#if defined(__x86_64__)
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                  REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    const greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    for (int i = 0; i < 16; i++)
        out[i] = (u64)g[order[i]];
#else
    (void)ucv;
    memset(out, 0, 16 * sizeof *out);
#endif
}

static void host_fault(int sig, siginfo_t *si, void *ucv)
{
    GuestCpu *cpu = current;
    uintptr_t pc = host_pc_of(ucv);
    if (si->si_code <= 0) {
        /* Sent by kill/tgkill/sigqueue (SI_USER, SI_TKILL, SI_QUEUE), by
         * the guest or anyone else: not a fault, and returning would not
         * raise it again.  The guest's disposition decides. */
        if (cpu && cpu->proc->hooks.signal) {
            cpu->proc->hooks.signal(cpu, sig, si->si_code);
            return;
        }
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (cpu && cpu->in_guest && cpu->proc->backend == EXEC_JIT) {
        u64 gprs[16];
        host_gprs_of(ucv, gprs);
        if (jit_fault_state(pc, gprs, &cpu->regs)) {
            /* Generated code faulted in a guest access: the guest state of
             * the faulting instruction is now in the env, but for the
             * flags of host FP instructions not yet in its MXCSR (the
             * handler runs, and the longjmp leaves, with a fresh MXCSR). */
            const ucontext_t *uc = ucv;
            if (uc->uc_mcontext.fpregs)
                jit_fault_fp(&cpu->regs, uc->uc_mcontext.fpregs->mxcsr);
            cpu->cur_pc = cpu->regs.rip;
            cpu->fault_sig = sig;
            cpu->fault_code = si->si_code;
            cpu->fault_addr = (GuestAddr)(uintptr_t)si->si_addr;
            cpu->in_guest = 0;
            siglongjmp(cpu->fault_jmp, 1);
        }
    }
    if (cpu && cpu->in_guest && (interp_owns_host_pc(pc) || pc == 0)) {
        cpu->fault_sig = sig;
        cpu->fault_code = si->si_code;
        cpu->fault_addr = (GuestAddr)(uintptr_t)si->si_addr;
        cpu->in_guest = 0;
        siglongjmp(cpu->fault_jmp, 1);
    }
    if (cpu && sig == SIGSEGV && si->si_code == SEGV_ACCERR &&
        mem_smc_release_fault((GuestAddr)(uintptr_t)si->si_addr)) {
        /* ue wrote a page of translated code for the guest (a system call's
         * output, a signal frame): let the write through and drop the
         * page's translations before the guest runs on (settle_writes). */
        if (cpu->smc_nwritten < UE_ARRAY_LEN(cpu->smc_written))
            cpu->smc_written[cpu->smc_nwritten++] = (GuestAddr)(uintptr_t)si->si_addr;
        else
            cpu->smc_overflow = true;
        exec_interrupt(cpu);
        return;
    }
    char msg[256];
    int n = snprintf(msg, sizeof msg,
                     "ue: internal error: %s at host pc 0x%lx accessing 0x%lx (guest pc 0x%llx)\n",
                     sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "fatal signal", (unsigned long)pc,
                     (unsigned long)si->si_addr, cpu ? (unsigned long long)cpu->cur_pc : 0ull);
    ue_write_all(2, msg, (size_t)n);
    signal(sig, SIG_DFL); /* returning re-executes the access and dies of it */
}

void exec_interrupt(GuestCpu *cpu)
{
    jit_thread_interrupt(&cpu->jit);
}

/* Per host thread: faults in generated code happen on the guest's stack
 * (host RSP is the guest's RSP), so ue's handler runs on a stack of its own. */
static __thread void *altstack;

void exec_thread_setup(void)
{
    if (altstack)
        return;
    stack_t ss = {.ss_size = 256 * 1024};
    ss.ss_sp = altstack = ue_malloc(ss.ss_size);
    sigaltstack(&ss, NULL);
}

void exec_thread_teardown(void)
{
    stack_t ss = {.ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    free(altstack);
    altstack = NULL;
}

void exec_install_fault_handler(void)
{
    exec_thread_setup();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = host_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* The guest's si_code for a fault at addr: G is reserved PROT_NONE on the
 * host, so the host says ACCERR where the guest has no mapping at all. */
static int guest_segv_code(GuestProcess *p, GuestAddr addr)
{
    return mem_region_at(&p->mem, addr, NULL) ? SEGV_ACCERR : SEGV_MAPERR;
}

void exec_grow_temps(GuestCpu *cpu, u32 n)
{
    if (n <= cpu->temps_cap)
        return;
    u32 cap = cpu->temps_cap ? cpu->temps_cap : 256;
    while (cap < n)
        cap *= 2;
    free(cpu->temps);
    if (posix_memalign((void **)&cpu->temps, 16, cap * sizeof(IrVal)))
        ue_panic("out of memory");
    memset(cpu->temps, 0, cap * sizeof(IrVal));
    cpu->temps_cap = cap;
}

static void log_exec(GuestCpu *cpu, const IrBlock *blk)
{
    char line[512];
    int n = snprintf(line, sizeof line, "Trace: 0x%llx\n", (unsigned long long)blk->guest_pc);
    if (cpu->proc->log & EXEC_LOG_CPU) {
        const u64 *g = cpu->regs.gpr;
        n += snprintf(line + n, sizeof line - (size_t)n,
                      "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\nRSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\nRFL=%08llx\n",
                      (unsigned long long)g[0], (unsigned long long)g[3], (unsigned long long)g[1],
                      (unsigned long long)g[2], (unsigned long long)g[6], (unsigned long long)g[7],
                      (unsigned long long)g[5], (unsigned long long)g[4],
                      (unsigned long long)x86_get_rflags(&cpu->regs));
    }
    ue_write_all(ue_log_fd(), line, (size_t)n);
}

/* Run an OS-layer hook outside the world lock: hooks may block, and may
 * stop the world themselves (munmap of code invalidates translations). */
#define OUTSIDE_WORLD(p, call)                                               \
    do {                                                                     \
        pthread_rwlock_unlock(&(p)->world);                                  \
        call;                                                                \
        pthread_rwlock_rdlock(&(p)->world);                                  \
    } while (0)

/* A client request (include/ue/client.h): RAX points to the request and
 * its five arguments, RDX holds the default result and gets the answer.
 * The tool answers; RUNNING_ON_UE (Valgrind's RUNNING_ON_VALGRIND) is 1
 * whatever the tool; anything else keeps the default. */
static void client_request(GuestCpu *cpu)
{
    GuestProcess *p = cpu->proc;
    u64 args[6], result = cpu->regs.gpr[X86_RDX];
    GuestAddr at = cpu->regs.gpr[X86_RAX];
    if (!mem_range_ok(&p->mem, at, sizeof args, PROT_READ))
        return;
    memcpy(args, (const void *)(uintptr_t)at, sizeof args);
    if (p->tool && p->tool->client_request && p->tool->client_request(cpu, args, &result))
        ;
    else if (args[0] == UE_REQ_RUNNING_ON_UE)
        result = 1;
    cpu->regs.gpr[X86_RDX] = result;
}

static void deliver_exit(GuestCpu *cpu, IrExitKind kind)
{
    GuestProcess *p = cpu->proc;
    switch (kind) {
    case IR_EXIT_JUMP:
    case IR_EXIT_CALL:
    case IR_EXIT_RET:
    case IR_EXIT_CPU:
        break;
    case IR_EXIT_HOT:
        cache_promote(p, cpu->regs.rip);
        break;
    case IR_EXIT_SYSCALL:
        p->cache.stats.syscalls++;
        OUTSIDE_WORLD(p, p->hooks.syscall(cpu));
        break;
    case IR_EXIT_SIGILL:
        /* The OS layer's report names the instruction's bytes. */
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGILL, ILL_ILLOPN, cpu->regs.rip));
        break;
    case IR_EXIT_SIGTRAP:
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGTRAP, SI_KERNEL, 0));
        break;
    case IR_EXIT_DIVIDE:
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGFPE, FPE_INTDIV, cpu->regs.rip));
        break;
    case IR_EXIT_SIMDFP:
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGFPE, x86_simd_fpe_code(&cpu->regs), cpu->regs.rip));
        break;
    case IR_EXIT_X87FP:
        cpu->regs.simd_trap = 0; /* (#MF, not #XM: the frame's trap number) */
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGFPE, x86_x87_fpe_code(&cpu->regs), cpu->regs.rip));
        break;
    case IR_EXIT_PRIV:
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGSEGV, SI_KERNEL, 0));
        break;
    case IR_EXIT_FETCH: {
        GuestAddr bad = cpu->regs.rip + mem_exec_avail(&p->mem, cpu->regs.rip);
        OUTSIDE_WORLD(p, p->hooks.fault(cpu, SIGSEGV, guest_segv_code(p, bad), bad));
        break;
    }
    case IR_EXIT_CLIENT:
        OUTSIDE_WORLD(p, client_request(cpu));
        break;
    default:
        ue_panic("bad exit kind %d", kind);
    }
}

/* A host fault inside guest code brought us back (siglongjmp) with the
 * world lock still held: report it to the OS layer. */
static void deliver_fault(GuestCpu *cpu)
{
    GuestProcess *p = cpu->proc;
    if (p->backend == EXEC_JIT)
        cpu->jit.exit_link = 0;
    /* The state is that of instruction cur_pc. */
    int sig = cpu->fault_sig, code = cpu->fault_code;
    GuestAddr addr = cpu->fault_addr;
    if (addr >= MEM_A_SHADOW_START && addr < MEM_SHADOW_GUARD_END) {
        /* A checking tool's inline shadow load of a wild pointer landed in
         * the guard: the guest's address, to 8 bytes. */
        addr = mem_a_shadow_addr((const u8 *)(uintptr_t)addr);
    }
    cpu->regs.rip = cpu->cur_pc;
    if (cpu->diff_pending) {
        cpu->diff_pending = false;
        diff_check_after_fault(cpu);
    }
    if (cpu->smc_once) {
        ir_block_free(cpu->smc_once);
        cpu->smc_once = NULL;
    }
    if (sig == SIGSEGV && code == SEGV_ACCERR && mem_smc_protected(addr) &&
        mem_range_ok(&p->mem, addr, 1, PROT_WRITE)) {
        /* Not a fault: the guest writes to a page of translated code.  Drop
         * the translations and run the instruction again, alone and
         * untranslated-for-keeps, so it makes progress even if it rewrites
         * its own page (translating it would protect the page again). */
        OUTSIDE_WORLD(p, exec_code_written(p, addr));
        cpu->smc_step = true;
        return;
    }
    /* A general protection fault (a non-canonical address) stays what the
     * kernel makes it: SI_KERNEL, address 0. */
    if (sig == SIGSEGV && code != SI_KERNEL)
        code = guest_segv_code(p, addr);
    OUTSIDE_WORLD(p, p->hooks.fault(cpu, sig, code, addr));
}

/* Pages of translated code ue wrote for the guest (host_fault): drop their
 * translations.  Called between blocks, outside the world lock. */
static void settle_writes(GuestCpu *cpu)
{
    if (cpu->smc_overflow)
        exec_invalidate(cpu->proc, MEM_G_START, MEM_G_END - MEM_G_START);
    else
        for (u32 i = 0; i < cpu->smc_nwritten; i++)
            exec_code_written(cpu->proc, cpu->smc_written[i]);
    cpu->smc_nwritten = 0;
    cpu->smc_overflow = false;
}

/* Run the instruction at the cpu's pc alone, from a translation not kept
 * (after a write to translated code, see deliver_fault). */
static IrExitKind step_once(GuestCpu *cpu)
{
    cpu->smc_step = false;
    IrBlock *once = cpu->smc_once = cache_translate_once(cpu->proc, cpu->regs.rip);
    exec_grow_temps(cpu, once->ntemps);
    cpu->in_guest = 1;
    IrExitKind kind = interp_run(once, &cpu->regs, cpu->temps, &x86_guest_info, &cpu->cur_pc);
    cpu->in_guest = 0;
    cpu->smc_once = NULL;
    ir_block_free(once);
    return kind;
}

/* Stop the world from the dispatcher, which holds the world lock for
 * reading; the stop frees retired tables and IR, and with flush the code
 * cache's native code goes while no thread runs it. */
static void stop_world_here(GuestProcess *p, bool flush)
{
    pthread_rwlock_unlock(&p->world);
    exec_stop_world(p);
    if (flush && p->cache.flush_wanted)
        cache_flush_native(&p->cache);
    exec_resume_world(p);
    pthread_rwlock_rdlock(&p->world);
}

/* The JIT's code for blk, flushing the full code cache first if needed
 * (which stops the world).  *link is cleared when a flush happened. */
static JitCode *native_for(GuestCpu *cpu, IrBlock **blk, u64 *link)
{
    GuestProcess *p = cpu->proc;
    JitCode *code = cache_native(p, *blk);
    if (code || !p->cache.flush_wanted)
        return code;
    GuestAddr pc = (*blk)->guest_pc;
    stop_world_here(p, true);
    *link = 0;
    *blk = cache_lookup(&p->cache, pc);
    if (!*blk)
        *blk = cache_translate(p, pc);
    return cache_native(p, *blk);
}

void exec_run(GuestCpu *cpu)
{
    GuestProcess *p = cpu->proc;
    current = cpu;
    exec_thread_setup();
    if (p->backend == EXEC_JIT)
        jit_set_thread_base(&cpu->regs);
    pthread_rwlock_rdlock(&p->world);
    if (sigsetjmp(cpu->fault_jmp, 0))
        deliver_fault(cpu);
    IrBlock *blk = NULL;
    u64 link = 0; /* chainable jump that led to the block about to run */
    for (;;) {
        while (UE_UNLIKELY(jit_thread_take_interrupt(&cpu->jit))) {
            blk = NULL;
            link = 0;
            /* Out of guest code: let a thread stopping the world go first. */
            pthread_rwlock_unlock(&p->world);
            if (p->hooks.interrupted)
                p->hooks.interrupted(cpu);
            if (cpu->smc_nwritten || cpu->smc_overflow)
                settle_writes(cpu);
            pthread_rwlock_rdlock(&p->world);
        }
        if (p->backend == EXEC_JIT && UE_UNLIKELY(jit_fp_departs(&cpu->regs))) {
            /* This thread's MXCSR no longer has the host's control bits:
             * every translation goes, those with host FP instructions and
             * those without #XM checks, and the new ones have both (jit.h) */
            OUTSIDE_WORLD(p, exec_invalidate(p, MEM_G_START, MEM_G_END - MEM_G_START));
            blk = NULL;
            link = 0;
        }
        if (UE_UNLIKELY(cpu->smc_step)) {
            IrExitKind kind = step_once(cpu);
            blk = NULL;
            link = 0;
            deliver_exit(cpu, kind);
            continue;
        }
        GuestAddr pc = cpu->regs.rip;
        p->cache.stats.dispatches++;
        if (UE_UNLIKELY(p->cache.nretired)) {
            if (p->ncpus == 1) {
                cache_free_retired(&p->cache); /* (no other thread to be using them) */
            } else if (p->cache.nretired > 4096) {
                stop_world_here(p, false); /* (frees them) */
                blk = NULL;
                link = 0;
            }
        }
        if (!blk || blk->guest_pc != pc) {
            blk = cache_lookup(&p->cache, pc);
            if (!blk)
                blk = cache_tier0_runs() ? cache_translate_lazy(p, pc) : cache_translate(p, pc);
        }
        bool tier0 = false; /* an early run, interpreted (cache.c, "Tier 0") */
        if (p->backend == EXEC_JIT && UE_UNLIKELY(!__atomic_load_n(&blk->native, __ATOMIC_RELAXED)) &&
            blk->interpreted < cache_tier0_runs()) {
            blk->interpreted++; /* (racy between threads: a count, not a lock) */
            tier0 = true;
        }
        if (p->log & EXEC_LOG_EXEC)
            log_exec(cpu, blk);
        IrExitKind kind;
        JitCode *code = p->backend == EXEC_JIT && !tier0 ? native_for(cpu, &blk, &link) : NULL;
        if (code) {
            if (!(p->log & EXEC_LOG_NOCHAIN)) {
                if (link)
                    jit_chain(link, code);
                jit_publish(&cpu->regs, pc, code); /* let indirect jumps in generated code find it */
            }
            cpu->diff_pending = p->diff_check && diff_check_before(cpu, blk);
            cpu->in_guest = 1;
            kind = jit_run(&cpu->regs, code);
            cpu->in_guest = 0;
            if (cpu->diff_pending) {
                cpu->diff_pending = false;
                diff_check_after(cpu, kind);
            }
            link = cpu->jit.exit_link;
            blk = NULL; /* chained blocks ran in between: look the next one up */
        } else {
            IrBlock view;
            if (!cache_ir_view(p, blk, &view)) {
                blk = NULL; /* compiled by another thread meanwhile */
                continue;
            }
            exec_grow_temps(cpu, view.ntemps);
            cpu->in_guest = 1;
            kind = interp_run(&view, &cpu->regs, cpu->temps, &x86_guest_info, &cpu->cur_pc);
            cpu->in_guest = 0;
            link = 0;
        }
        if (kind != IR_EXIT_JUMP && kind != IR_EXIT_CALL && kind != IR_EXIT_RET) {
            blk = NULL; /* system calls may unmap or rewrite code */
            link = 0;
        }
        deliver_exit(cpu, kind);
    }
}
