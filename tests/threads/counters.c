/*
 * counters.c — N threads x M increments: a LOCK'ed atomic counter, a
 * mutex-protected counter, a spinlock built on xchg, a cmpxchg loop; the
 * totals must be exact.  And thread-local storage: each thread's __thread
 * variable is its own, as is its pthread_key value (destructors run).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 8, M = 20000 };
static atomic_long atomic_total;
static long mutex_total, spin_total, cas_total;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int spin;
static __thread long mine = 1000;
static pthread_key_t key;
static atomic_int destructors;

static void destroy(void *v) { free(v); destructors++; }

static void *work(void *arg)
{
    long id = (long)arg;
    long *slot = malloc(sizeof *slot);
    *slot = id;
    pthread_setspecific(key, slot);
    for (int i = 0; i < M; i++) {
        atomic_fetch_add(&atomic_total, 1);
        pthread_mutex_lock(&mu);
        mutex_total++;
        pthread_mutex_unlock(&mu);
        while (atomic_exchange(&spin, 1))
            ;
        spin_total++;
        atomic_store(&spin, 0);
        long old = __atomic_load_n(&cas_total, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&cas_total, &old, old + 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            ;
        mine += id;
    }
    long got = *(long *)pthread_getspecific(key);
    return (void *)(mine * 100 + got);
}

int main(void)
{
    pthread_key_create(&key, destroy);
    pthread_t t[N];
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, work, (void *)i);
    long ret_ok = 1;
    for (long i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        ret_ok &= (long)r == (1000 + i * M) * 100 + i;
    }
    printf("atomic %ld mutex %ld spin %ld cas %ld\n", (long)atomic_total, mutex_total, spin_total, cas_total);
    printf("thread-local values %s, main's still %ld, destructors %d\n", ret_ok ? "right" : "WRONG", mine,
           (int)destructors);
    return 0;
}
