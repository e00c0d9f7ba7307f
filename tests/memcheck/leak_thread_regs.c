/* leak_thread_regs.c — a block whose only pointer is in a register of
 * another thread, blocked in a system call when the program exits: it is
 * still reachable, as memcheck says (its roots are every thread's
 * registers).  ue looked at the exiting thread's registers only and called
 * such blocks lost (node: five "possibly lost" that memcheck calls still
 * reachable). */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int ready[2], never[2];
static char byte;

static void *holder(void *arg)
{
    (void)arg;
    /* The pointer in r12 and nowhere else (ue's and memcheck's malloc
     * leave no copy on the guest's stack, and r12 is not saved by
     * anything called before the asm): tell main, then block in a read
     * no one answers.  (No C call in between: it could save r12 on the
     * stack, a root.) */
    register void *p __asm__("r12") = malloc(200);
    __asm__ volatile("mov $1, %%eax\n\t" /* write(ready[1], &byte, 1) */
                     "mov %[wfd], %%edi\n\t"
                     "lea %[byte], %%rsi\n\t"
                     "mov $1, %%edx\n\t"
                     "syscall\n\t"
                     "xor %%eax, %%eax\n\t" /* read(never[0], &byte, 1) */
                     "mov %[rfd], %%edi\n\t"
                     "lea %[byte], %%rsi\n\t"
                     "mov $1, %%edx\n\t"
                     "syscall\n\t"
                     :
                     : "r"(p), [wfd] "m"(ready[1]), [rfd] "m"(never[0]), [byte] "m"(byte)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory");
    return NULL;
}

int main(void)
{
    if (pipe(ready) || pipe(never))
        return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, holder, NULL))
        return 1;
    char c;
    if (read(ready[0], &c, 1) != 1)
        return 1;
    exit(0); /* (the holder still blocked in its read) */
}
