/*
 * altstack.c — sigaltstack: a handler with SA_ONSTACK runs on the
 * alternate stack (its locals are there, uc_stack describes it,
 * sigaltstack says SS_ONSTACK inside and refuses a change with EPERM); a
 * stack overflow is caught on it; SS_AUTODISARM disarms the stack while the
 * handler runs; a handler without SA_ONSTACK stays on the normal stack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char *alt;
static size_t alt_size = 64 * 1024;
static sigjmp_buf env;

static int on_alt(const void *p) { return (const char *)p >= alt && (const char *)p < alt + alt_size; }

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    char local;
    stack_t now;
    sigaltstack(NULL, &now);
    stack_t other = {.ss_sp = alt, .ss_size = alt_size};
    int r = sigaltstack(&other, NULL);
    printf("%s: local on altstack %d, uc_stack flags %#x size ok %d, now flags %#x, change: %d %s\n",
           sigabbrev_np(sig), on_alt(&local), (unsigned)uc->uc_stack.ss_flags, uc->uc_stack.ss_size == alt_size,
           (unsigned)now.ss_flags, r, r ? strerrorname_np(errno) : "");
    (void)si;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    char local;
    (void)uc;
    printf("SIGSEGV on altstack %d (code %d)\n", on_alt(&local), si->si_code);
    siglongjmp(env, sig);
}

static int recurse(int n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    return recurse(n + 1) + buf[0];
}

static void set(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    alt = malloc(alt_size);
    stack_t ss = {.ss_sp = alt, .ss_size = alt_size}, old;
    sigaltstack(NULL, &old);
    printf("initially: flags %#x\n", (unsigned)old.ss_flags);
    int r = sigaltstack(&(stack_t){.ss_sp = alt, .ss_size = 1024}, NULL);
    printf("too small: %d %s\n", r, strerrorname_np(errno));
    r = sigaltstack(&(stack_t){.ss_sp = alt, .ss_size = alt_size, .ss_flags = 99}, NULL);
    printf("bad flags: %d %s\n", r, strerrorname_np(errno));
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("set: flags %#x size ok %d\n", (unsigned)old.ss_flags, old.ss_size == alt_size);

    set(SIGUSR1, handler, SA_ONSTACK);
    set(SIGUSR2, handler, 0);
    raise(SIGUSR1);
    raise(SIGUSR2);

    set(SIGSEGV, on_segv, SA_ONSTACK);
    struct rlimit rl = {8 << 20, 8 << 20};
    setrlimit(RLIMIT_STACK, &rl);
    if (!sigsetjmp(env, 1))
        recurse(0);
    printf("back from the overflow\n");

    ss.ss_flags = SS_AUTODISARM;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("autodisarm: flags %#x\n", (unsigned)old.ss_flags);
    raise(SIGUSR1);
    sigaltstack(NULL, &old);
    printf("after the handler: flags %#x\n", (unsigned)old.ss_flags);

    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("disabled: flags %#x sp %p\n", (unsigned)old.ss_flags, old.ss_sp);
    return 0;
}
