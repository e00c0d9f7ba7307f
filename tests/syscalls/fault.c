/*
 * fault.c — how a guest dies, chosen by argv[1].  Before faulting it prints
 * the address it is about to touch, so that the suite can check ue's report
 * line names the same one.
 *   ro          write to a page made read-only with mprotect (SEGV_ACCERR)
 *   wild        write to an address nothing is mapped at (SEGV_MAPERR)
 *   null        read through a NULL pointer
 *   noexec      jump into a mapped page without PROT_EXEC
 *   ud2         UD2 (SIGILL)
 *   kill-segv   kill(getpid(), SIGSEGV): a sent SIGSEGV, not a fault
 *   kill-segv-ignored  the same with SIGSEGV ignored: the program goes on
 *   kill-segv-blocked  the same with SIGSEGV blocked: it stays pending
 *   tgkill-bus  tgkill(pid, tid, SIGBUS)
 *   fixed-outside  mmap(MAP_FIXED) where ue keeps its own memory
 */
#include "nolibc.h"

#include <signal.h>
#include <sys/mman.h>

#define SA_RESTORER_ 0x04000000
static void restorer(void) {}

int main(int argc, char **argv, char **envp)
{
    if (argc < 2)
        return 2;
    const char *what = argv[1];
    long page = SYS6(__NR_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (streq(what, "ro")) {
        SYS3(__NR_mprotect, page, 4096, PROT_READ);
        pr("writing to %lx\n", page + 8);
        flush();
        *(volatile long *)(page + 8) = 1;
    } else if (streq(what, "wild")) {
        SYS2(__NR_munmap, page, 4096);
        pr("writing to %lx\n", page + 16);
        flush();
        *(volatile long *)(page + 16) = 1;
    } else if (streq(what, "null")) {
        pr("reading from 0\n");
        flush();
        return (int)*(volatile long *)0;
    } else if (streq(what, "noexec")) {
        *(volatile unsigned char *)page = 0xc3; /* ret */
        pr("jumping to %lx\n", page);
        flush();
        ((void (*)(void))page)();
    } else if (streq(what, "ud2")) {
        pr("executing ud2\n");
        flush();
        __asm__ volatile("ud2");
    } else if (startswith(what, "kill-segv")) {
        if (streq(what, "kill-segv-ignored")) {
            u64 act[4] = {1 /* SIG_IGN */, SA_RESTORER_, (u64)restorer, 0};
            SYS4(__NR_rt_sigaction, SIGSEGV, act, 0, 8);
        } else if (streq(what, "kill-segv-blocked")) {
            u64 set = 1UL << (SIGSEGV - 1);
            SYS4(__NR_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
        }
        pr("sending SIGSEGV to myself\n");
        flush();
        show("kill", SYS2(__NR_kill, SYS0(__NR_getpid), SIGSEGV));
        pr("still running\n");
    } else if (streq(what, "fixed-outside")) {
        /* Above ue's guest window: natively fine, under ue ENOMEM and one
         * warning line (DESIGN.md, "Guest memory"). */
        for (int i = 0; i < 2; i++)
            show("mmap MAP_FIXED at 0x500000000000",
                 SYS6(__NR_mmap, 0x500000000000L, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    } else if (streq(what, "tgkill-bus")) {
        pr("sending SIGBUS to myself\n");
        flush();
        SYS3(__NR_tgkill, SYS0(__NR_getpid), SYS0(__NR_gettid), SIGBUS);
        pr("still running\n");
    }
    return 0;
}
