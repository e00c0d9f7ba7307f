/*
 * exec.c — one differential case on both sides, and the verdict.
 *
 * Native side: the instruction bytes sit at DiffEnv.pc in a code buffer full
 * of INT3, followed by `jmp *[rip+0]` to diff_native_exit (native.S), which
 * saves the whole CPU.  Anything else comes back through a signal: a branch
 * lands on INT3 (SIGTRAP, the landing address is RIP-1), #DE is SIGFPE, #UD
 * SIGILL, #GP and page faults SIGSEGV.  The handler (on an alternate stack,
 * since the guest RSP is arbitrary) copies the state from the ucontext and
 * siglongjmps back.
 *
 * The code buffer is read+execute where it runs (a separate writable view
 * places the bytes), so a stray store faults rather than corrupting it.  A
 * native run that faults is confirmed by a rerun (run_native_confirmed).
 *
 * ue side, once per back end: the same bytes through x86_translate (the
 * case's own bytes only, one block: single-step for one instruction, the
 * whole pair or sequence otherwise) and interp_run, or jit_compile +
 * jit_run, on an X86Regs built from the same DiffCpu, on the same memory
 * image (guest memory is identity-mapped: the addresses in the registers
 * are the test buffers).  A REP instruction or a LOCK retry exits to its
 * own address; that is run again, as the dispatcher does.  A fault in a
 * guest access is a host SIGSEGV inside the interpreter (interp_owns_host_pc)
 * or in generated code (jit_fault_state rebuilds the guest state).  The
 * guest state of both back ends sits at the host GS base, as the JIT wants.
 *
 * The comparison covers every GPR, RFLAGS (DIFF_FLAGS_CMP minus what the SDM
 * leaves undefined for that case: diff_undef), where execution went or how
 * it faulted, x87 (FCW, FSW, abridged FTW, ST0-7), MXCSR, XMM0-15, and the
 * whole data buffer.  FOP/FIP/FDP (the x87 last-instruction pointers) are
 * not compared: ue does not model them.
 */
#include "diff.h"
#include "jit/jit.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <asm/prctl.h>
#include <ucontext.h>
#include <unistd.h>

enum { MODE_IDLE, MODE_NATIVE, MODE_UE, MODE_JIT };

/* The JIT reaches its per-thread data at a fixed offset from the guest
 * state, through the host GS base (jit.h); the exec layer's GuestCpu does
 * the same. */
typedef struct JitCpu {
    X86Regs regs;
    JitThread jit;
} JitCpu;

/* Signal plumbing: the handler cannot take a context argument. */
static struct {
    volatile int mode;
    sigjmp_buf jb;
    int sig, code;
    u64 addr, rip;
    DiffCpu cpu; /* native state at the signal */
    const DiffEnv *env;
    void *jit_env;
} sigctx;

static const int greg_of[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    u64 rip = (u64)g[REG_RIP];
    const DiffEnv *e = sigctx.env;
    bool in_code = e && rip >= (u64)(uintptr_t)e->code && rip < (u64)(uintptr_t)e->code + DIFF_CODE_SIZE;
    bool fetch = sig == SIGSEGV && (u64)(uintptr_t)si->si_addr == rip;
    if (sigctx.mode == MODE_NATIVE && (in_code || fetch)) {
        for (int i = 0; i < 16; i++)
            sigctx.cpu.gpr[i] = (u64)g[greg_of[i]];
        sigctx.cpu.rflags = (u64)g[REG_EFL];
        sigctx.cpu.rip = rip;
        memcpy(sigctx.cpu.fx, uc->uc_mcontext.fpregs, 512);
    } else if (sigctx.mode == MODE_JIT) {
        u64 gprs[16];
        for (int i = 0; i < 16; i++)
            gprs[i] = (u64)g[greg_of[i]];
        if (!jit_fault_state(rip, gprs, sigctx.jit_env))
            goto unexpected;
    } else if (!(sigctx.mode == MODE_UE && interp_owns_host_pc(rip))) {
    unexpected:;
        char msg[200];
        int n = snprintf(msg, sizeof msg, "diff: unexpected signal %d at host pc 0x%llx (addr %p, mode %d)\n", sig,
                         (unsigned long long)rip, si->si_addr, sigctx.mode);
        ue_write_all(2, msg, (size_t)n);
        _exit(99);
    }
    sigctx.sig = sig;
    sigctx.code = si->si_code;
    sigctx.addr = (u64)(uintptr_t)si->si_addr;
    sigctx.rip = rip;
    sigctx.mode = MODE_IDLE;
    siglongjmp(sigctx.jb, 1);
}

static void host_features(DiffEnv *e)
{
    u32 a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    e->host_movbe = c >> 22 & 1;
    e->host_popcnt = c >> 23 & 1;
    e->host_sse42 = c >> 20 & 1;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    e->host_bmi1 = b >> 3 & 1;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    e->host_lzcnt = c >> 5 & 1;
}

bool diff_env_init(DiffEnv *e)
{
    memset(e, 0, sizeof *e);
    /* The code buffer is mapped twice: read+execute where it runs, and
     * writable elsewhere for placing the instruction, so a stray store of
     * an instruction under test faults instead of corrupting the filler. */
    int fd = memfd_create("diffcpu-code", 0);
    void *code = MAP_FAILED, *wcode = MAP_FAILED;
    if (fd >= 0 && ftruncate(fd, DIFF_CODE_SIZE) == 0) {
        code = mmap(NULL, DIFF_CODE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_32BIT | MAP_POPULATE, fd, 0);
        wcode = mmap(NULL, DIFF_CODE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    }
    /* [the back ends' guest state][guard][data buffer][guard], below 2 GiB. */
    size_t cpu_size = UE_ALIGN_UP(sizeof(JitCpu), 4096);
    u8 *area = mmap(NULL, cpu_size + DIFF_DATA_SIZE + 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                    -1, 0);
    if (code == MAP_FAILED || wcode == MAP_FAILED || area == MAP_FAILED) {
        perror("diff: mmap");
        return false;
    }
    close(fd);
    e->code = code;
    e->wcode = wcode;
    e->jit_cpu = area;
    e->data = area + cpu_size + 4096;
    if (mprotect(area, cpu_size, PROT_READ | PROT_WRITE) || mprotect(e->data, DIFF_DATA_SIZE, PROT_READ | PROT_WRITE)) {
        perror("diff: mprotect");
        return false;
    }
    memset(e->wcode, 0xcc, DIFF_CODE_SIZE);
    e->pc = (u64)(uintptr_t)e->code + DIFF_CODE_SIZE / 2;
    e->mem_in = ue_malloc(DIFF_DATA_SIZE);
    e->mem_native = ue_malloc(DIFF_DATA_SIZE);
    host_features(e);
    JitConfig cfg = {.guest = &x86_guest_info, .thread_offset = offsetof(JitCpu, jit), .code_size = 64u << 20};
    for (int r = 0; r < 16; r++)
        cfg.gpr_offset[r] = X86_GPR_OFF(r);
    e->jit = jit_init(&cfg);
    /* The host GS base is the JIT's guest state, for good (GS is free on
     * x86-64 Linux: glibc uses FS; and writing it is slow in this VM).
     * Native GS-relative operands use it too: the data buffer lies a few
     * pages above it, within reach of 32-bit offsets. */
    e->gs_base = (u64)(uintptr_t)e->jit_cpu;
    if (e->jit) {
        jit_set_thread_base(e->jit_cpu); /* also the thread's JIT tables */
    } else if (syscall(SYS_arch_prctl, ARCH_SET_GS, e->gs_base)) {
        perror("diff: arch_prctl(ARCH_SET_GS)");
        return false;
    }

    static u8 altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGTRAP, SIGSEGV, SIGFPE, SIGILL, SIGBUS};
    for (unsigned i = 0; i < UE_ARRAY_LEN(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
    sigctx.env = e;
    return true;
}

/* ---- native ---- */

/* Write the instruction and the exit stub (jmp *[rip+0]; .quad exit). */
static void place_code(DiffEnv *e, const DiffCase *c)
{
    u8 *p = e->wcode + (e->pc - (u64)(uintptr_t)e->code);
    memcpy(p, c->code, c->len);
    static const u8 stub[6] = {0xff, 0x25, 0, 0, 0, 0};
    memcpy(p + c->len, stub, 6);
    u64 exit_addr = (u64)(uintptr_t)diff_native_exit;
    memcpy(p + c->len + 6, &exit_addr, 8);
}

static void clear_code(DiffEnv *e, const DiffCase *c)
{
    memset(e->wcode + (e->pc - (u64)(uintptr_t)e->code), 0xcc, c->len + 14u);
}

static DiffEnd end_of_signal(int sig, int code, u64 addr, u64 rip, const DiffEnv *e, const DiffCase *c, u64 *pc)
{
    *pc = rip;
    switch (sig) {
    case SIGTRAP:
        if (rip - 1 >= e->pc && rip - 1 < e->pc + c->len)
            return END_TRAP;
        *pc = rip - 1; /* landed on INT3 filler */
        return END_NEXT;
    case SIGFPE: return END_DE;
    case SIGILL: return END_UD;
    case SIGBUS: return END_BUS;
    case SIGSEGV:
        if (code == SI_KERNEL)
            return END_GP;
        if (addr == rip)
            return END_NEXT; /* jumped to unmapped memory */
        return END_PF;
    default: return END_OTHER;
    }
}

static void run_native(DiffEnv *e, const DiffCase *c, DiffResult *res)
{
    memcpy(e->data, e->mem_in, DIFF_DATA_SIZE);
    if (sigsetjmp(sigctx.jb, 0)) {
        diff_native_fp_restore();
        res->cpu = sigctx.cpu;
        res->end = end_of_signal(sigctx.sig, sigctx.code, sigctx.addr, sigctx.rip, e, c, &res->pc);
        res->addr = sigctx.addr;
        res->sig = sigctx.sig;
        res->code = sigctx.code;
        res->cpu.rip = res->pc;
    } else {
        sigctx.mode = MODE_NATIVE;
        diff_native_enter(&c->in, e->pc);
        sigctx.mode = MODE_IDLE;
        res->cpu = diff_native_out;
        res->end = END_NEXT;
        res->pc = res->cpu.rip = e->pc + c->len;
        res->sig = res->code = 0;
    }
    memcpy(e->mem_native, e->data, DIFF_DATA_SIZE);
}

/* An interrupt that arrives while a test runs with a non-canonical RSP
 * (an instruction may compute one) kills it with SIGSEGV on this host: the
 * kernel's IRET back to it faults.  A native run that ends in a fault other
 * than #BP is therefore run again, and a third time if the two disagree;
 * DiffEnv counts such flakes. */
static void run_native_confirmed(DiffEnv *e, const DiffCase *c, DiffResult *res)
{
    run_native(e, c, res);
    if (!res->sig || res->sig == SIGTRAP)
        return;
    static DiffResult again;
    u8 *mem = ue_malloc(DIFF_DATA_SIZE);
    memcpy(mem, e->mem_native, DIFF_DATA_SIZE);
    run_native(e, c, &again);
    if (again.end == res->end && again.pc == res->pc && again.addr == res->addr) {
        memcpy(e->mem_native, mem, DIFF_DATA_SIZE);
    } else {
        e->flakes++;
        run_native(e, c, res);
    }
    free(mem);
}

/* ---- ue ---- */

static void cpu_to_regs(const DiffEnv *e, const DiffCpu *in, X86Regs *r)
{
    x86_regs_init(r);
    memcpy(r->gpr, in->gpr, sizeof r->gpr);
    x86_set_rflags(r, in->rflags);
    r->rip = e->pc;
    r->gs_base = e->gs_base;
    u16 fsw;
    memcpy(&r->fcw, in->fx + FX_FCW, 2);
    memcpy(&fsw, in->fx + FX_FSW, 2);
    r->ftop = (fsw >> 11) & 7;
    r->fsw = fsw & ~0x3800;
    r->ftag = in->fx[FX_FTW];
    memcpy(&r->fop, in->fx + FX_FOP, 2);
    memcpy(&r->fpu_ip, in->fx + FX_FIP, 8);
    memcpy(&r->fpu_dp, in->fx + FX_FDP, 8);
    memcpy(&r->mxcsr, in->fx + FX_MXCSR, 4);
    for (int i = 0; i < 8; i++)
        memcpy(r->st[(r->ftop + i) & 7], in->fx + FX_ST + 16 * i, 10);
    memcpy(r->xmm, in->fx + FX_XMM, 256);
}

static void regs_to_cpu(const X86Regs *r, const DiffCpu *in, DiffCpu *out)
{
    *out = *in; /* keeps the FXSAVE fields ue does not model */
    memcpy(out->gpr, r->gpr, sizeof out->gpr);
    out->rflags = x86_get_rflags(r);
    out->rip = r->rip;
    u16 fsw = (u16)((r->fsw & ~0x3800) | (r->ftop & 7) << 11);
    memcpy(out->fx + FX_FCW, &r->fcw, 2);
    memcpy(out->fx + FX_FSW, &fsw, 2);
    out->fx[FX_FTW] = r->ftag;
    memcpy(out->fx + FX_MXCSR, &r->mxcsr, 4);
    for (int i = 0; i < 8; i++)
        memcpy(out->fx + FX_ST + 16 * i, r->st[(r->ftop + i) & 7], 10);
    memcpy(out->fx + FX_XMM, r->xmm, 256);
}

static DiffEnd end_of_exit(IrExitKind k)
{
    switch (k) {
    case IR_EXIT_JUMP: case IR_EXIT_CALL: case IR_EXIT_RET: return END_NEXT;
    case IR_EXIT_SIGTRAP: return END_TRAP;
    case IR_EXIT_DIVIDE: case IR_EXIT_SIMDFP: case IR_EXIT_X87FP: return END_DE;
    case IR_EXIT_SIGILL: return END_UD;
    case IR_EXIT_PRIV: return END_GP;
    case IR_EXIT_SYSCALL: return END_SYSCALL;
    default: return END_OTHER;
    }
}

/* One block on a back end: the interpreter, or the JIT (false if it
 * declines the block).  Faults come back through on_signal. */
static bool run_block(DiffEnv *e, int backend, IrBlock *blk, X86Regs *r, volatile GuestAddr *cur_pc, IrExitKind *k)
{
    static IrVal *temps;
    static u32 ntemps;
    if (backend == MODE_JIT) {
        bool full;
        JitCode *code = jit_compile(blk, NULL, 0, &full);
        if (!code && full) {
            jit_flush();
            code = jit_compile(blk, NULL, 0, &full);
        }
        if (!code)
            return false;
        sigctx.jit_env = r;
        sigctx.mode = MODE_JIT;
        *k = jit_run(r, code);
        sigctx.mode = MODE_IDLE;
        return true;
    }
    if (blk->ntemps > ntemps) {
        ntemps = blk->ntemps * 2;
        free(temps);
        temps = ue_calloc(ntemps, sizeof *temps);
    }
    sigctx.mode = MODE_UE;
    *k = interp_run(blk, r, temps, &x86_guest_info, cur_pc);
    sigctx.mode = MODE_IDLE;
    return true;
}

/* Translate and run from e->pc on a back end until execution leaves it
 * (REP iterations and LOCK retries come back to the same pc).  False if
 * the JIT declined a block (nothing to compare). */
static bool run_ue(DiffEnv *e, int backend, const DiffCase *c, DiffResult *res, const char **bad_ir)
{
    static Arena arena;
    X86Regs *r = &((JitCpu *)e->jit_cpu)->regs;
    X86TranslateOpts opts = {.single_step = c->ninsn < 2, .max_insns = c->ninsn};
    volatile GuestAddr cur_pc = e->pc;
    IrBlock *volatile blk = NULL;
    volatile bool ran = true;
    *bad_ir = NULL;
    res->sig = res->code = 0;
    memcpy(e->data, e->mem_in, DIFF_DATA_SIZE);
    cpu_to_regs(e, &c->in, r);
    for (unsigned iter = 0;; iter++) {
        u64 pc = r->rip;
        /* Only the case's own bytes: the exit stub after them is not guest
         * code (the block ends with a jump to e->pc + c->len). */
        blk = x86_translate(&opts, &arena, pc, (const u8 *)(uintptr_t)pc, (size_t)(e->pc + c->len - pc));
        u32 bad;
        const char *why = ir_verify(blk, &x86_guest_info, &bad);
        if (why && !*bad_ir)
            *bad_ir = why;
        if (sigsetjmp(sigctx.jb, 0)) {
            res->end = sigctx.code == SI_KERNEL ? END_GP : sigctx.sig == SIGBUS ? END_BUS : END_PF;
            res->addr = sigctx.addr;
            if (backend == MODE_UE)
                r->rip = cur_pc;
            res->pc = r->rip;
            break;
        }
        IrExitKind k = IR_EXIT_JUMP;
        ran = run_block(e, backend, blk, r, &cur_pc, &k);
        ir_block_free(blk);
        blk = NULL;
        arena_reset(&arena);
        if (!ran)
            break;
        if (k == IR_EXIT_JUMP && r->rip >= e->pc && r->rip < e->pc + c->len && iter < 100000)
            continue;
        res->end = end_of_exit(k);
        res->pc = r->rip;
        res->addr = 0;
        res->sig = res->end == END_DE ? SIGFPE : 0;
        res->code = k == IR_EXIT_DIVIDE   ? FPE_INTDIV
                    : k == IR_EXIT_SIMDFP ? x86_simd_fpe_code(r)
                    : k == IR_EXIT_X87FP  ? x86_x87_fpe_code(r)
                                          : 0;
        break;
    }
    if (blk) {
        ir_block_free(blk);
        arena_reset(&arena);
    }
    regs_to_cpu(r, &c->in, &res->cpu);
    return ran;
}

/* ---- undefined results (SDM "Flags Affected" of each instruction) ---- */

static u64 size_mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1; }

/* The E operand's input value. */
static u64 input_E(const DiffEnv *e, const DiffCase *c)
{
    unsigned size = c->f->size;
    u64 v = 0;
    if (c->has_mem) {
        u64 off = c->ea - (u64)(uintptr_t)e->data;
        if (off + size <= DIFF_DATA_SIZE)
            memcpy(&v, e->mem_in + off, size);
    } else if (c->e_reg >= 0) {
        v = c->in.gpr[c->e_reg] >> (c->e_high ? 8 : 0);
    }
    return v & size_mask(size);
}

/* The masked count of a shift, rotate or double shift. */
static unsigned count_of(const DiffCase *c)
{
    const DiffRow *row = c->f->row;
    unsigned cnt;
    if (row->imm == IMM_B)
        cnt = (u8)c->imm;
    else if (row->shape == SH_COUNT)
        cnt = (u8)c->in.gpr[X86_RCX];
    else
        cnt = 1;
    return cnt & (c->f->size == 8 ? 63 : 31);
}

void diff_undef(const DiffEnv *e, const DiffCase *c, DiffMask *m)
{
    const DiffRow *row = c->f->row;
    unsigned bits = 8 * c->f->size, cnt;
    memset(m, 0, sizeof *m);
    m->flags = c->extra_undef;
    switch (row->undef) {
    case UD_AF: m->flags |= X86_AF; break;
    case UD_MUL: m->flags |= X86_SF | X86_ZF | X86_AF | X86_PF; break;
    case UD_DIV: m->flags |= X86_ARITH_FLAGS; break;
    case UD_BT: case UD_CNT: m->flags |= X86_OF | X86_SF | X86_AF | X86_PF; break;
    case UD_SHIFT:
        cnt = count_of(c);
        if (cnt == 0)
            break;
        m->flags |= X86_AF | (cnt != 1 ? X86_OF : 0);
        if (cnt >= bits && row->ext != 7) /* SHL/SHR; SAR's CF stays defined */
            m->flags |= X86_CF;
        break;
    case UD_ROT:
        cnt = count_of(c);
        if (cnt > 1)
            m->flags |= X86_OF;
        break;
    case UD_SHD:
        cnt = count_of(c);
        if (cnt == 0)
            break;
        m->flags |= X86_AF | (cnt != 1 ? X86_OF : 0);
        if (cnt > bits) { /* 16-bit operands only: result and flags undefined */
            m->flags |= X86_ARITH_FLAGS;
            if (c->has_mem) {
                m->mem_addr = c->ea;
                m->mem_len = c->f->size;
            } else {
                m->gpr_bits[c->e_reg] = 0xffff;
            }
        }
        break;
    case UD_BSX:
        m->flags |= X86_CF | X86_OF | X86_SF | X86_AF | X86_PF;
        if (input_E(e, c) == 0)
            m->gpr_bits[c->g_reg] = ~0ull;
        break;
    case UD_RDTSC:
        m->gpr_bits[X86_RAX] = m->gpr_bits[X86_RDX] = m->gpr_bits[X86_RCX] = 0xffffffffull;
        break;
    default:
        break;
    }
}

/* ---- comparison and report ---- */

typedef struct Report {
    char buf[4096];
    size_t n;
    unsigned count;
} Report;

UE_PRINTF(2, 3) static void addf(Report *rp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (rp->n < sizeof rp->buf) {
        int k = vsnprintf(rp->buf + rp->n, sizeof rp->buf - rp->n, fmt, ap);
        if (k > 0)
            rp->n += (size_t)k;
    }
    va_end(ap);
}

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const end_names[] = {"next", "trap", "SIGFPE", "#UD", "#GP", "#PF", "SIGBUS", "syscall", "other"};

static void hexbytes(Report *rp, const u8 *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        addf(rp, "%02x", p[n - 1 - i]);
}

static void compare_fx(Report *rp, const DiffResult *n, const DiffResult *u)
{
    static const struct { const char *name; unsigned off, len; } fields[] = {
        {"fcw", FX_FCW, 2}, {"fsw", FX_FSW, 2}, {"ftw", FX_FTW, 1}, {"mxcsr", FX_MXCSR, 4},
    };
    for (unsigned i = 0; i < UE_ARRAY_LEN(fields); i++) {
        const u8 *a = n->cpu.fx + fields[i].off, *b = u->cpu.fx + fields[i].off;
        if (memcmp(a, b, fields[i].len)) {
            addf(rp, "    %-6s native ", fields[i].name);
            hexbytes(rp, a, fields[i].len);
            addf(rp, "  ue ");
            hexbytes(rp, b, fields[i].len);
            addf(rp, "\n");
            rp->count++;
        }
    }
    for (unsigned i = 0; i < 8 + 16; i++) {
        unsigned off = i < 8 ? FX_ST + 16 * i : FX_XMM + 16 * (i - 8), len = i < 8 ? 10 : 16;
        if (memcmp(n->cpu.fx + off, u->cpu.fx + off, len)) {
            addf(rp, "    %s%-3u native ", i < 8 ? "st" : "xmm", i < 8 ? i : i - 8);
            hexbytes(rp, n->cpu.fx + off, len);
            addf(rp, "  ue ");
            hexbytes(rp, u->cpu.fx + off, len);
            addf(rp, "\n");
            rp->count++;
        }
    }
}

static void compare_mem(const DiffEnv *e, Report *rp, const DiffMask *m)
{
    const u8 *nat = e->mem_native, *ue = e->data;
    unsigned shown = 0;
    if (!memcmp(nat, ue, DIFF_DATA_SIZE))
        return;
    for (unsigned i = 0; i < DIFF_DATA_SIZE; i++) {
        u64 a = (u64)(uintptr_t)e->data + i;
        if (nat[i] == ue[i] || (a >= m->mem_addr && a < m->mem_addr + m->mem_len))
            continue;
        rp->count++;
        if (shown++ < 8)
            addf(rp, "    mem[0x%llx] native %02x  ue %02x  (input %02x)\n", (unsigned long long)a, nat[i], ue[i],
                 e->mem_in[i]);
    }
    if (shown > 8)
        addf(rp, "    ... %u bytes of memory differ\n", shown);
}

static void compare(const DiffEnv *e, const DiffResult *n, const DiffResult *u, const DiffMask *m, Report *rp)
{
    if (n->end != u->end || n->pc != u->pc || (n->end == END_PF && n->addr != u->addr) ||
        (n->end == END_DE && n->code != u->code)) {
        addf(rp, "    end    native %s at 0x%llx", end_names[n->end], (unsigned long long)n->pc);
        if (n->sig)
            addf(rp, " (signal %d, si_code %d, si_addr 0x%llx)", n->sig, n->code, (unsigned long long)n->addr);
        if (n->end == END_PF)
            addf(rp, " (address 0x%llx)", (unsigned long long)n->addr);
        addf(rp, "  ue %s at 0x%llx", end_names[u->end], (unsigned long long)u->pc);
        if (u->end == END_PF)
            addf(rp, " (address 0x%llx)", (unsigned long long)u->addr);
        if (u->end == END_DE)
            addf(rp, " (si_code %d)", u->code);
        addf(rp, "\n");
        rp->count++;
    }
    for (int i = 0; i < 16; i++) {
        u64 d = (n->cpu.gpr[i] ^ u->cpu.gpr[i]) & ~m->gpr_bits[i];
        if (d) {
            addf(rp, "    %-6s native %016llx  ue %016llx\n", gpr_names[i], (unsigned long long)n->cpu.gpr[i],
                 (unsigned long long)u->cpu.gpr[i]);
            rp->count++;
        }
    }
    u64 fm = DIFF_FLAGS_CMP & ~m->flags;
    if ((n->cpu.rflags ^ u->cpu.rflags) & fm) {
        addf(rp, "    rflags native %04llx  ue %04llx  (compared bits %04llx)\n",
             (unsigned long long)(n->cpu.rflags & DIFF_FLAGS_CMP), (unsigned long long)(u->cpu.rflags & DIFF_FLAGS_CMP),
             (unsigned long long)fm);
        rp->count++;
    }
    compare_fx(rp, n, u);
    compare_mem(e, rp, m);
}

static void print_case(const DiffEnv *e, const DiffCase *c, FILE *fd)
{
    fprintf(fd, "    form   %s%s%s\n", c->f->name, c->pair ? " + " : "", c->pair ? c->pair : "");
    for (unsigned off = 0; off < c->len;) {
        char text[128];
        X86Insn in;
        unsigned n = x86_decode(&in, c->code + off, c->len - off, e->pc + off) == X86_DECODE_OK ? in.len : c->len - off;
        x86_disasm(e->pc + off, c->code + off, n, text, sizeof text);
        fprintf(fd, "    insn  ");
        for (unsigned i = 0; i < n; i++)
            fprintf(fd, " %02x", c->code[off + i]);
        fprintf(fd, "   %s   (at 0x%llx)\n", text, (unsigned long long)(e->pc + off));
        off += n;
    }
    for (int i = 0; i < 16; i++)
        fprintf(fd, "%s%s=%016llx", i % 4 ? "  " : "    in     ", gpr_names[i], (unsigned long long)c->in.gpr[i]),
            (void)(i % 4 == 3 ? fputc('\n', fd) : 0);
    u32 mxcsr;
    memcpy(&mxcsr, c->in.fx + FX_MXCSR, 4);
    fprintf(fd, "    in     rflags=%04llx mxcsr=%04x", (unsigned long long)c->in.rflags, mxcsr);
    if (c->has_mem) {
        u64 off = c->ea - (u64)(uintptr_t)e->data;
        fprintf(fd, "  ea=0x%llx", (unsigned long long)c->ea);
        if (off < DIFF_DATA_SIZE) {
            fprintf(fd, " [ea..+16]=");
            for (unsigned i = 0; i < 16 && off + i < DIFF_DATA_SIZE; i++)
                fprintf(fd, "%02x", e->mem_in[off + i]);
        }
    }
    fprintf(fd, "\n");
}

bool diff_run_case(DiffEnv *e, const DiffCase *c, FILE *fd)
{
    static const struct { int mode; const char *name; } backends[] = {{MODE_UE, "interp"}, {MODE_JIT, "jit"}};
    DiffResult nat, ue;
    DiffMask m;
    Report rp = {.n = 0};
    place_code(e, c);
    run_native_confirmed(e, c, &nat);
    diff_undef(e, c, &m);
    if (e->strict)
        memset(&m, 0, sizeof m);
    for (unsigned i = 0; i < UE_ARRAY_LEN(backends); i++) {
        if (backends[i].mode == MODE_JIT && !e->jit)
            continue;
        const char *bad_ir;
        unsigned before = rp.count;
        size_t at = rp.n;
        addf(&rp, "    -- %s\n", backends[i].name);
        if (!run_ue(e, backends[i].mode, c, &ue, &bad_ir)) {
            e->jit_declined++;
            rp.n = at;
            continue;
        }
        if (bad_ir) {
            addf(&rp, "    ir_verify: %s\n", bad_ir);
            rp.count++;
        }
        compare(e, &nat, &ue, &m, &rp);
        if (rp.count == before)
            rp.n = at; /* this back end agrees: no heading */
        else
            e->bad_backend[i]++;
    }
    clear_code(e, c);
    if (!rp.count)
        return true;
    if (fd) {
        print_case(e, c, fd);
        fwrite(rp.buf, 1, rp.n, fd);
    }
    return false;
}
