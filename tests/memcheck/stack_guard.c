/* stack_guard.c — a thread reads the guard page below its stack: an
 * invalid read "In stack guard protected page, N bytes below stack
 * pointer" of thread 2's stack, then the process dies of the SIGSEGV. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    pthread_attr_t a;
    void *lo;
    size_t size;
    (void)arg;
    pthread_getattr_np(pthread_self(), &a);
    pthread_attr_getstack(&a, &lo, &size);
    return (void *)(long)*((volatile char *)lo - 100);
}

int main(void)
{
    pthread_t t;
    pthread_attr_t a;
    printf("before\n");
    fflush(stdout);
    /* A stack size of its own: the distance reported does not depend on
     * RLIMIT_STACK, glibc's default. */
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 << 10);
    pthread_create(&t, &a, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
