/*
 * condvar.c — a bounded queue between 3 producers and 3 consumers with a
 * mutex and two condition variables; a barrier; a read-write lock; a
 * semaphore ping-pong.  Totals and orders that do not depend on timing.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

enum { P = 3, ITEMS = 4000, CAP = 8 };
static int q[CAP], head, count, done_producers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long consumed_sum, consumed_n;
static pthread_barrier_t bar;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long shared;
static sem_t ping, pong;

static void *producer(void *arg)
{
    long id = (long)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&mu);
        while (count == CAP)
            pthread_cond_wait(&not_full, &mu);
        q[(head + count++) % CAP] = (int)(id * 100000 + i);
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&mu);
    }
    pthread_mutex_lock(&mu);
    done_producers++;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (count == 0 && done_producers < P)
            pthread_cond_wait(&not_empty, &mu);
        if (count == 0) {
            pthread_mutex_unlock(&mu);
            return NULL;
        }
        int v = q[head];
        head = (head + 1) % CAP;
        count--;
        consumed_sum += v;
        consumed_n++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&mu);
    }
}

static void *barrier_rw(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&bar);
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_wrlock(&rw);
        shared += id;
        pthread_rwlock_unlock(&rw);
        pthread_rwlock_rdlock(&rw);
        (void)shared;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        sem_wait(&ping);
        sem_post(&pong);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2 * P];
    for (long i = 0; i < P; i++) {
        pthread_create(&t[i], NULL, producer, (void *)(i + 1));
        pthread_create(&t[P + i], NULL, consumer, NULL);
    }
    for (int i = 0; i < 2 * P; i++)
        pthread_join(t[i], NULL);
    printf("consumed %ld items, sum %ld\n", consumed_n, consumed_sum);

    pthread_barrier_init(&bar, NULL, 4);
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, barrier_rw, (void *)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("rwlock total %ld\n", shared);

    sem_init(&ping, 0, 0);
    sem_init(&pong, 0, 0);
    pthread_create(&t[0], NULL, ponger, NULL);
    int rounds = 0;
    for (int i = 0; i < 1000; i++) {
        sem_post(&ping);
        sem_wait(&pong);
        rounds++;
    }
    pthread_join(t[0], NULL);
    printf("semaphore rounds %d\n", rounds);
    return 0;
}
