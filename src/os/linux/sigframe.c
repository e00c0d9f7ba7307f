/*
 * sigframe.c — the signal frame on the guest stack, byte for byte the
 * x86-64 kernel's (arch/x86/kernel/signal.c and signal_64.c, get_sigframe
 * and __setup_rt_frame; arch/x86/include/uapi/asm/sigcontext.h;
 * arch/x86/kernel/fpu/signal.c for the FP state), and rt_sigreturn, which
 * reads it back.  sigaltstack's rules live here too, since the frame and
 * rt_sigreturn apply them.
 *
 *   high   [red zone: 128 bytes below the interrupted RSP are left alone]
 *          (or the top of the alternate stack, with SA_ONSTACK)
 *          FP state: XSAVE image (x87|SSE, 576 bytes) + K_FP_XSTATE_MAGIC2,
 *                    64-byte aligned; fpx_sw_bytes in its bytes 464..511
 *          rt_sigframe: pretcode (the handler's return address: sa_restorer)
 *                       ucontext (flags, link, uc_stack, sigcontext, mask)
 *                       siginfo (written only with SA_SIGINFO)
 *   low    RSP at handler entry = frame, with (RSP + 8) 16-byte aligned
 *
 * The FP state is the one ue's CPUID describes (XSAVE with XCR0 = x87|SSE),
 * so it is smaller than a native frame on a host with AVX: the handler sees
 * a kernel-identical frame for the CPU ue emulates.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <signal.h>

typedef struct KSigcontext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
    u64 eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate;
    u64 reserved1[8];
} KSigcontext;

typedef struct KStack {
    u64 ss_sp;
    i32 ss_flags;
    i32 pad;
    u64 ss_size;
} KStack;

typedef struct KUcontext {
    u64 uc_flags;
    u64 uc_link;
    KStack uc_stack;
    KSigcontext uc_mcontext;
    u64 uc_sigmask;
} KUcontext;

typedef struct KRtSigframe {
    u64 pretcode;
    KUcontext uc;
    LxSigInfo info;
} KRtSigframe;

_Static_assert(sizeof(KSigcontext) == 256, "struct sigcontext");
_Static_assert(sizeof(LxSigInfo) == 128, "siginfo_t");
_Static_assert(offsetof(KUcontext, uc_mcontext) == 40, "ucontext");
_Static_assert(sizeof(KUcontext) == 304, "ucontext");
_Static_assert(offsetof(KRtSigframe, info) == 312 && sizeof(KRtSigframe) == 440, "rt_sigframe");

enum {
    K_UC_FP_XSTATE = 1, K_UC_SIGCONTEXT_SS = 2, K_UC_STRICT_RESTORE_SS = 4,
    K_USER_CS = 0x33, K_USER_DS = 0x2b,
    K_FP_XSTATE_MAGIC1 = 0x46505853, K_FP_XSTATE_MAGIC2 = 0x46505845,
    K_XSTATE_SIZE = X86_XSAVE_SIZE,
    K_FP_FRAME_SIZE = X86_XSAVE_SIZE + 4, /* + K_FP_XSTATE_MAGIC2 */
    K_SW_BYTES = 464,                     /* struct _fpx_sw_bytes in the FXSAVE image */
    K_XFEATURES = 3,                      /* x87 | SSE */
    K_MINSIGSTKSZ = 2048,
};

/* RFLAGS bits rt_sigreturn takes from the frame (FIX_EFLAGS). */
#define FIX_EFLAGS (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_TF | X86_DF | X86_OF | X86_AC | (1u << 16))

/* ---- the alternate stack ---- */

/* on_sig_stack: an SS_AUTODISARM stack never counts as "on" it. */
static bool on_sig_stack(const LxThread *t, GuestAddr sp)
{
    if (t->altstack_flags & SS_AUTODISARM)
        return false;
    return sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

static int sas_ss_flags(const LxThread *t, GuestAddr sp)
{
    if (!t->altstack_size)
        return SS_DISABLE;
    return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

i64 lx_do_sigaltstack(LxThread *t, const u8 *ss, GuestAddr sp)
{
    u64 ss_sp, ss_size;
    i32 flags;
    memcpy(&ss_sp, ss, 8);
    memcpy(&flags, ss + 8, 4);
    memcpy(&ss_size, ss + 16, 8);
    if (on_sig_stack(t, sp))
        return -EPERM;
    u32 mode = (u32)flags & ~(u32)SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (ss_sp == t->altstack_sp && ss_size == t->altstack_size && (u32)flags == t->altstack_flags)
        return 0;
    if (mode == SS_DISABLE) {
        ss_sp = ss_size = 0;
    } else if (ss_size < K_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->altstack_sp = ss_sp;
    t->altstack_size = ss_size;
    t->altstack_flags = (u32)flags;
    if (ss_size)
        lx_stack_declare(ss_sp, ss_sp + ss_size);
    return 0;
}

i64 sys_sigaltstack(GuestCpu *cpu, const u64 *a)
{
    LxThread *t = lx_thread(cpu);
    GuestAddr sp = cpu->regs.gpr[X86_RSP];
    if ((a[0] && !lx_readable(a[0], sizeof(KStack))) || (a[1] && !lx_writable(a[1], sizeof(KStack))))
        return -EFAULT;
    KStack old = {.ss_sp = t->altstack_sp,
                  .ss_flags = sas_ss_flags(t, sp) | (i32)(t->altstack_flags & SS_AUTODISARM),
                  .ss_size = t->altstack_size};
    if (a[0]) {
        i64 r = lx_do_sigaltstack(t, (const u8 *)(uintptr_t)a[0], sp);
        if (r < 0)
            return r;
    }
    if (a[1])
        memcpy((void *)(uintptr_t)a[1], &old, sizeof old);
    return 0;
}

/* ---- FP state ---- */

/* What the handler starts with (fpu__clear_user_states): the init state. */
static void fpu_reset(X86Regs *r)
{
    u8 img[X86_XSAVE_SIZE] = {0};
    u16 fcw = 0x37f;
    u32 mxcsr = 0x1f80;
    memcpy(img, &fcw, 2);
    memcpy(img + 24, &mxcsr, 4);
    x86_fpu_load_image(r, img, true); /* XSTATE_BV = 0: every component at init */
    r->mxcsr = 0x1f80;
}

static void fpu_save(const X86Regs *r, u8 *fp)
{
    x86_fpu_save_image(r, fp, true);
    u32 sw[12] = {K_FP_XSTATE_MAGIC1, K_FP_FRAME_SIZE, K_XFEATURES, 0, K_XSTATE_SIZE};
    memcpy(fp + K_SW_BYTES, sw, sizeof sw);
    u32 magic2 = K_FP_XSTATE_MAGIC2;
    memcpy(fp + K_XSTATE_SIZE, &magic2, 4);
}

/* fpu__restore_sig: an XSAVE image if both magics are there, else a bare
 * FXSAVE one; NULL resets.  False if the image cannot be read. */
static bool fpu_restore(X86Regs *r, GuestAddr fp)
{
    if (!fp) {
        fpu_reset(r);
        return true;
    }
    if (!lx_readable(fp, X86_FXSAVE_SIZE))
        return false;
    const u8 *img = (const u8 *)(uintptr_t)fp;
    u32 magic1, ext, xsize, magic2 = 0;
    memcpy(&magic1, img + K_SW_BYTES, 4);
    memcpy(&ext, img + K_SW_BYTES + 4, 4);
    memcpy(&xsize, img + K_SW_BYTES + 16, 4);
    bool xsave = magic1 == K_FP_XSTATE_MAGIC1 && xsize >= K_XSTATE_SIZE && ext == xsize + 4 &&
                 lx_readable(fp, (u64)xsize + 4);
    if (xsave)
        memcpy(&magic2, img + xsize, 4);
    x86_fpu_load_image(r, img, xsave && magic2 == K_FP_XSTATE_MAGIC2);
    return true;
}

/* ---- the frame ---- */

/* The fault's trap number, error code and CR2 as the kernel records them
 * (page fault: user | write | protection).  A floating-point SIGFPE is
 * #XM (19) when an SSE instruction trapped (it left X86Regs.simd_trap
 * set; an x87 one clears it, run.c) and #MF (16) otherwise. */
static void trap_info(const LxSigInfo *info, const X86Regs *r, KSigcontext *sc)
{
    if (info->code <= 0 || info->code == SI_KERNEL) {
        if (info->signo == SIGTRAP && info->code == SI_KERNEL)
            sc->trapno = 3; /* int3 */
        else if (info->signo == SIGSEGV && info->code == SI_KERNEL)
            sc->trapno = 13; /* general protection */
        return;
    }
    switch (info->signo) {
    case SIGSEGV:
    case SIGBUS:
        sc->trapno = 14;
        sc->err = 4 | (info->code == SEGV_ACCERR ? 1 : 0);
        sc->cr2 = info->u.fault.addr;
        break;
    case SIGFPE: sc->trapno = info->code == FPE_INTDIV ? 0 : r->simd_trap ? 19 : 16; break;
    case SIGILL: sc->trapno = 6; break;
    }
}

static void save_sigcontext(const X86Regs *r, KSigcontext *sc, GuestAddr fp, u64 mask)
{
    const u64 *g = r->gpr;
    sc->r8 = g[X86_R8], sc->r9 = g[X86_R9], sc->r10 = g[X86_R10], sc->r11 = g[X86_R11];
    sc->r12 = g[X86_R12], sc->r13 = g[X86_R13], sc->r14 = g[X86_R14], sc->r15 = g[X86_R15];
    sc->rdi = g[X86_RDI], sc->rsi = g[X86_RSI], sc->rbp = g[X86_RBP], sc->rbx = g[X86_RBX];
    sc->rdx = g[X86_RDX], sc->rax = g[X86_RAX], sc->rcx = g[X86_RCX], sc->rsp = g[X86_RSP];
    sc->rip = r->rip;
    sc->eflags = x86_get_rflags(r);
    sc->cs = K_USER_CS;
    sc->ss = K_USER_DS;
    sc->oldmask = mask;
    sc->fpstate = fp;
}

bool lx_setup_frame(GuestCpu *cpu, int sig, const LxSigInfo *info, const LxSigAction *act, u64 mask)
{
    LxThread *t = lx_thread(cpu);
    X86Regs *r = &cpu->regs;
    GuestAddr rsp = r->gpr[X86_RSP];
    bool onstack = on_sig_stack(t, rsp);
    GuestAddr sp = rsp - 128; /* the red zone */
    if ((act->flags & SA_ONSTACK) && sas_ss_flags(t, sp) == 0)
        sp = t->altstack_sp + t->altstack_size;
    GuestAddr fp = UE_ALIGN_DOWN(sp - K_FP_FRAME_SIZE, 64);
    GuestAddr at = UE_ALIGN_DOWN(fp - sizeof(KRtSigframe), 16) - 8;
    /* Overflowing the alternate stack, or no SA_RESTORER (x86-64 has no
     * default return path): the kernel fails the frame. */
    if ((onstack && !on_sig_stack(t, at)) || !(act->flags & SA_RESTORER) || at > rsp ||
        !lx_writable(at, fp + K_FP_FRAME_SIZE - at))
        return false;
    KRtSigframe *f = (KRtSigframe *)(uintptr_t)at;
    if (act->flags & SA_SIGINFO)
        memcpy(&f->info, info, sizeof f->info);
    f->uc.uc_flags = K_UC_FP_XSTATE | K_UC_SIGCONTEXT_SS | K_UC_STRICT_RESTORE_SS;
    f->uc.uc_link = 0;
    f->uc.uc_stack = (KStack){.ss_sp = t->altstack_sp, .ss_flags = (i32)t->altstack_flags, .ss_size = t->altstack_size};
    f->pretcode = act->restorer;
    memset(&f->uc.uc_mcontext, 0, sizeof f->uc.uc_mcontext);
    save_sigcontext(r, &f->uc.uc_mcontext, fp, mask);
    trap_info(info, r, &f->uc.uc_mcontext);
    f->uc.uc_sigmask = mask;
    fpu_save(r, (u8 *)(uintptr_t)fp);

    /* The handler: handler(sig, &info, &uc); RAX = 0 for unprototyped
     * handlers; DF, TF, RF cleared; a fresh FP state. */
    r->gpr[X86_RDI] = (u64)sig;
    r->gpr[X86_RSI] = at + offsetof(KRtSigframe, info);
    r->gpr[X86_RDX] = at + offsetof(KRtSigframe, uc);
    r->gpr[X86_RAX] = 0;
    r->gpr[X86_RSP] = at;
    r->rip = act->handler;
    x86_set_rflags(r, x86_get_rflags(r) & ~(u64)(X86_DF | X86_TF | (1u << 16)));
    fpu_reset(r);
    return true;
}

static void restore_sigcontext(X86Regs *r, const KSigcontext *sc)
{
    u64 *g = r->gpr;
    g[X86_R8] = sc->r8, g[X86_R9] = sc->r9, g[X86_R10] = sc->r10, g[X86_R11] = sc->r11;
    g[X86_R12] = sc->r12, g[X86_R13] = sc->r13, g[X86_R14] = sc->r14, g[X86_R15] = sc->r15;
    g[X86_RDI] = sc->rdi, g[X86_RSI] = sc->rsi, g[X86_RBP] = sc->rbp, g[X86_RBX] = sc->rbx;
    g[X86_RDX] = sc->rdx, g[X86_RAX] = sc->rax, g[X86_RCX] = sc->rcx, g[X86_RSP] = sc->rsp;
    r->rip = sc->rip;
    x86_set_rflags(r, (x86_get_rflags(r) & ~(u64)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS));
}

/* rt_sigreturn: the frame is at RSP - 8 (the handler's RET popped
 * pretcode).  A frame that cannot be read gets SIGSEGV, as natively. */
i64 sys_rt_sigreturn(GuestCpu *cpu, const u64 *a)
{
    (void)a;
    LxThread *t = lx_thread(cpu);
    X86Regs *r = &cpu->regs;
    GuestAddr at = r->gpr[X86_RSP] - 8;
    if (!lx_readable(at, sizeof(KRtSigframe))) {
        lx_fault(cpu, SIGSEGV, SI_KERNEL, 0);
        return (i64)r->gpr[X86_RAX];
    }
    KRtSigframe f;
    memcpy(&f, (const void *)(uintptr_t)at, sizeof f);
    GuestAddr sp = r->gpr[X86_RSP];
    t->sigmask = f.uc.uc_sigmask & ~LX_SIG_UNBLOCKABLE;
    restore_sigcontext(r, &f.uc.uc_mcontext);
    if (!fpu_restore(r, f.uc.uc_mcontext.fpstate)) {
        fpu_reset(r);
        lx_fault(cpu, SIGSEGV, SI_KERNEL, 0);
        return (i64)r->gpr[X86_RAX];
    }
    /* restore_altstack: errors other than EFAULT are ignored.  The stack
     * pointer it goes by is the one at the call (on the handler's stack),
     * as the kernel's is: a handler that set up a new alternate stack and
     * runs on it keeps it. */
    u8 ss[24];
    memcpy(ss, &f.uc.uc_stack, sizeof ss);
    lx_do_sigaltstack(t, ss, sp);
    lx_set_host_mask(t);
    lx_signals_changed(t);
    return (i64)r->gpr[X86_RAX];
}
