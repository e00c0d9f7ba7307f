/*
 * faults.c — synchronous signals from guest instructions reach the guest's
 * handler with the kernel's si_code and si_addr: SIGSEGV (SEGV_MAPERR for
 * an unmapped address, SEGV_ACCERR for a write to a read-only page),
 * SIGBUS (BUS_ADRERR past the end of a mapped file), SIGFPE (FPE_INTDIV,
 * si_addr = the div), SIGILL (ILL_ILLOPN, si_addr = the ud2), SIGTRAP
 * (int3: SI_KERNEL, RIP after it).  A handler that fixes the cause and
 * returns makes the instruction run again (mprotect, then the write).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static siginfo_t last;
static greg_t last_rip, last_rsp;
greg_t rsp_at_ret; /* (set by the asm below) */
static char *ro_page;
static int fix_instead;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    last = *si;
    last_rip = uc->uc_mcontext.gregs[REG_RIP];
    last_rsp = uc->uc_mcontext.gregs[REG_RSP];
    if (fix_instead) {
        mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
        return;
    }
    siglongjmp(env, sig);
}

static const char *name(int sig) { return sigabbrev_np(sig); }

static void report(const char *what, int sig, void *want_addr)
{
    printf("%-28s SIG%s code %d addr %s\n", what, name(sig), last.si_code,
           last.si_addr == want_addr ? "as expected" : "WRONG");
}

extern char div_insn[], ud2_insn[], int3_after[], jmp_insn[], ret_insn[];

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL);
    int sig;

    if (!(sig = sigsetjmp(env, 1)))
        *(volatile int *)0x10 = 1;
    report("write to 0x10", sig, (void *)0x10);

    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!(sig = sigsetjmp(env, 1)))
        ro_page[100] = 1;
    report("write to a read-only page", sig, ro_page + 100);

    char *gone = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone + 4096, 4096);
    if (!(sig = sigsetjmp(env, 1)))
        (void)*(volatile char *)(gone + 4096 + 8);
    report("read of an unmapped page", sig, gone + 4096 + 8);

    char path[] = "/tmp/ue-faults-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    if (write(fd, "x", 1) != 1)
        return 2;
    char *f = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    if (!(sig = sigsetjmp(env, 1)))
        (void)*(volatile char *)(f + 4096 + 4);
    report("read past the end of a file", sig, f + 4096 + 4);

    if (!(sig = sigsetjmp(env, 1)))
        __asm__ volatile("xor %%eax, %%eax\n cdq\n xor %%ecx, %%ecx\n"
                         ".globl div_insn\n div_insn: idiv %%ecx" ::: "eax", "ecx", "edx");
    report("divide by zero", sig, div_insn);

    if (!(sig = sigsetjmp(env, 1)))
        __asm__ volatile(".globl ud2_insn\n ud2_insn: ud2");
    report("ud2", sig, ud2_insn);

    if (!(sig = sigsetjmp(env, 1)))
        __asm__ volatile("int3\n .globl int3_after\n int3_after: nop");
    report("int3", sig, NULL);
    printf("%-28s RIP after the int3: %s\n", "", last_rip == (greg_t)int3_after ? "yes" : "no");

    /* #GP on the branch itself, with the state before it (the JIT tests
     * the target inside its indirect-jump lookup). */
    if (!(sig = sigsetjmp(env, 1)))
        __asm__ volatile("movabs $0x8000000000000000, %%rax\n .globl jmp_insn\n jmp_insn: jmp *%%rax" ::: "rax");
    report("jump to a non-canonical pc", sig, NULL);
    printf("%-28s RIP at the jump: %s\n", "", last_rip == (greg_t)jmp_insn ? "yes" : "no");
    if (!(sig = sigsetjmp(env, 1)))
        __asm__ volatile("movabs $0x0000800000000000, %%rax\n push %%rax\n mov %%rsp, rsp_at_ret(%%rip)\n"
                         " jmp ret_insn\n .globl ret_insn\n ret_insn: ret" ::: "rax"); /* (a block of its own) */
    report("return to a non-canonical pc", sig, NULL);
    printf("%-28s RIP at the return: %s, RSP before its pop: %s\n", "", last_rip == (greg_t)ret_insn ? "yes" : "no",
           last_rsp == rsp_at_ret ? "yes" : "no");

    /* The handler makes the page writable and returns: the write is done. */
    fix_instead = 1;
    ro_page[200] = 42;
    printf("%-28s %d (code %d)\n", "write after the handler", ro_page[200], last.si_code);
    fix_instead = 0;

    /* A fault while the signal is blocked kills (the kernel forces the
     * default action): checked by the suite through the exit status. */
    if (getenv("BLOCKED_FAULT")) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        fflush(stdout);
        *(volatile int *)0x20 = 1;
    }
    return 0;
}
