/* stack_addr.c — bad frees of stack addresses, described as Valgrind
 * describes them: whose stack (thread 1, thread 2), and the frame holding
 * the address ("in frame #2, created by main (stack_addr.c:LINE)", the
 * line of the function's entry) or, below the stack pointer, how far.
 * (How far differs from Valgrind's count, taken inside its own free():
 * ue's is from the stack pointer at free's entry.)  A thread's error is
 * headed "Thread 2:". */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/* A call between: the frame holding the array is #2, not #1. */
__attribute__((noinline)) static void free_it(void *p)
{
    free(p);
}

/* The address of a local of a frame that has returned: below the stack
 * pointer once its caller runs again. */
static void *volatile escaped;

__attribute__((noinline)) static void *dead_local(void)
{
    volatile char buf[512];
    buf[0] = 1;
    escaped = (void *)(uintptr_t)buf;
    return escaped;
}

static void *worker(void *arg)
{
    int local[4];
    (void)arg;
    free_it(local);
    return NULL;
}

int main(void)
{
    int local[4];
    free_it(local);
    free(local + 2);
    free(dead_local());
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return local[0] = 0;
}
