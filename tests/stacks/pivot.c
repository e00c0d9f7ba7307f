/*
 * pivot.c — a stack pivot, the classic step of a return-oriented exploit:
 * RSP moves to a heap buffer and a system call is made from there (write,
 * then exit).  Natively it works; under ue with --check-stack-pointer the
 * write is reported and the guest dies of SIGSEGV.  With the argument
 * "signal", a signal (int3's SIGTRAP, with a handler) is delivered on the
 * heap stack instead: reported the same way.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t trapped;
static void on_trap(int sig) { trapped = sig; }

static void signal_on_heap_stack(char *top)
{
    signal(SIGTRAP, on_trap);
    printf("pivoting to the heap, then int3\n");
    fflush(stdout);
    __asm__ volatile("mov %%rsp, %%r12\n"
                     "mov %[top], %%rsp\n"
                     "int3\n"
                     "mov %%r12, %%rsp\n"
                     :
                     : [top] "r"(top)
                     : "r12", "memory");
    printf("back, the handler ran: %d\n", trapped == SIGTRAP);
}

int main(int argc, char **argv)
{
    char *heap = malloc(1 << 16);
    char *top = heap + (1 << 16) - 64;
    static const char msg[] = "written from the heap stack\n";
    if (argc > 1 && !strcmp(argv[1], "signal")) {
        signal_on_heap_stack(top);
        return 0;
    }
    printf("pivoting to the heap\n");
    fflush(stdout);
    long ret;
    __asm__ volatile("mov %%rsp, %%r12\n"
                     "mov %[top], %%rsp\n"
                     "mov $1, %%eax\n"      /* write(1, msg, len) */
                     "mov $1, %%edi\n"
                     "lea %[msg], %%rsi\n"
                     "mov %[len], %%edx\n"
                     "syscall\n"
                     "mov %%r12, %%rsp\n"
                     : "=a"(ret)
                     : [top] "r"(top), [msg] "m"(msg), [len] "i"(sizeof msg - 1)
                     : "rcx", "r11", "rdi", "rsi", "rdx", "r12", "memory");
    printf("back, write returned %ld\n", ret);
    return 0;
}
