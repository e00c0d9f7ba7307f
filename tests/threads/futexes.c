/*
 * futexes.c — the futex operations glibc reaches beyond plain wait/wake:
 *
 *   pi        a priority-inheritance mutex (FUTEX_LOCK_PI / UNLOCK_PI /
 *             TRYLOCK_PI) shared by 4 threads x 20000 increments: exact
 *             total
 *   robust    a robust mutex whose owner thread ends without unlocking it
 *             (set_robust_list: the thread's exit marks it FUTEX_OWNER_DIED
 *             and wakes a waiter): EOWNERDEAD, pthread_mutex_consistent,
 *             then usable again; the same with a process-shared mutex in
 *             shared memory whose owner is a child process that exits
 *   robust+pi both at once
 *
 * Printed values do not depend on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NTHREADS = 4, ROUNDS = 20000 };

static pthread_mutex_t pi_lock;
static long counter;

static void *pi_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (i % 1000 == 0 && pthread_mutex_trylock(&pi_lock) == 0) {
            counter++;
            pthread_mutex_unlock(&pi_lock);
            continue;
        }
        pthread_mutex_lock(&pi_lock);
        counter++;
        pthread_mutex_unlock(&pi_lock);
    }
    return NULL;
}

static void pi(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi_lock, &a);
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, pi_worker, NULL);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    printf("pi mutex: %ld of %d\n", counter, NTHREADS * ROUNDS);
}

static void *lock_and_leave(void *arg)
{
    pthread_mutex_lock(arg);
    return NULL; /* ends holding it */
}

/* m's owner ended while holding it: the next lock says so, once. */
static void after_owner_died(const char *what, pthread_mutex_t *m)
{
    int r = pthread_mutex_lock(m);
    printf("%s: lock after the owner died: %s\n", what, r ? strerrorname_np(r) : "0");
    if (r == EOWNERDEAD)
        printf("%s: consistent: %d\n", what, pthread_mutex_consistent(m));
    pthread_mutex_unlock(m);
    r = pthread_mutex_lock(m);
    printf("%s: lock again: %s\n", what, r ? strerrorname_np(r) : "0");
    pthread_mutex_unlock(m);
}

static void robust(const char *what, bool with_pi)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (with_pi)
        pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_t m;
    pthread_mutex_init(&m, &a);
    pthread_t t;
    pthread_create(&t, NULL, lock_and_leave, &m);
    pthread_join(t, NULL);
    after_owner_died(what, &m);
    pthread_mutex_destroy(&m);
}

static void robust_shared(void)
{
    pthread_mutex_t *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(m);
        _exit(0); /* ends holding it */
    }
    int st;
    waitpid(pid, &st, 0);
    after_owner_died("robust, process-shared", m);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pi();
    robust("robust", false);
    robust("robust pi", true);
    robust_shared();
    return 0;
}
