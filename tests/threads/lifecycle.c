/*
 * lifecycle.c — threads coming and going: 200 created and joined one after
 * the other, 32 at once, detached threads, pthread_cancel of a thread
 * blocked in a cancellation point (read) and of one looping on
 * pthread_testcancel, with cleanup handlers; a thread's signal handler and
 * mask: pthread_kill reaches the thread named, a process-directed signal
 * goes to the thread that does not block it.  Modes given as arguments end
 * the process from a thread (exit, a fatal signal) or end main first.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int ran, cleanups;
static void *nothing(void *arg) { ran++; return arg; }

static void cleanup(void *arg) { (void)arg; cleanups++; }

static void *blocked_reader(void *arg)
{
    int *p = arg;
    char c;
    pthread_cleanup_push(cleanup, NULL);
    read(p[0], &c, 1); /* a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static void *spinner(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        pthread_testcancel();
    pthread_cleanup_pop(0);
    return NULL;
}

static _Atomic pid_t handled_by;
static void on_usr1(int sig) { (void)sig; handled_by = (pid_t)syscall(SYS_gettid); }

static atomic_int ready;
static _Atomic pid_t worker_tid;
static void *sig_worker(void *arg)
{
    int block = (int)(long)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
    worker_tid = (pid_t)syscall(SYS_gettid);
    ready = 1;
    while (!handled_by)
        usleep(1000);
    return NULL;
}

static void *exiter(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    exit(3);
}

static void *killer(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    pthread_kill(*(pthread_t *)arg, SIGTERM);
    return NULL;
}

static void *late(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    printf("the last thread prints after main has gone\n");
    fflush(stdout);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    pthread_t t[32];
    if (!strcmp(mode, "exit-from-thread")) {
        pthread_create(&t[0], NULL, exiter, NULL);
        for (;;)
            pause();
    }
    if (!strcmp(mode, "killed-by-signal")) {
        pthread_t self = pthread_self();
        pthread_create(&t[0], NULL, killer, &self);
        for (;;)
            pause();
    }
    if (!strcmp(mode, "main-exits-first")) {
        pthread_create(&t[0], NULL, late, NULL);
        pthread_exit(NULL);
    }
    for (long i = 0; i < 200; i++) {
        void *r;
        pthread_create(&t[0], NULL, nothing, (void *)i);
        pthread_join(t[0], &r);
        if ((long)r != i)
            printf("wrong value from thread %ld\n", i);
    }
    for (long i = 0; i < 32; i++)
        pthread_create(&t[i], NULL, nothing, NULL);
    for (int i = 0; i < 32; i++)
        pthread_join(t[i], NULL);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 8; i++)
        pthread_create(&t[0], &a, nothing, NULL);
    while (ran < 240)
        usleep(1000);
    printf("threads run: %d\n", (int)ran);

    int p[2];
    pipe(p);
    pthread_create(&t[0], NULL, blocked_reader, p);
    pthread_create(&t[1], NULL, spinner, NULL);
    usleep(50 * 1000);
    pthread_cancel(t[0]);
    pthread_cancel(t[1]);
    void *r0, *r1;
    pthread_join(t[0], &r0);
    pthread_join(t[1], &r1);
    printf("cancelled: %d %d, cleanup handlers run: %d\n", r0 == PTHREAD_CANCELED, r1 == PTHREAD_CANCELED,
           (int)cleanups);

    signal(SIGUSR1, on_usr1);
    pthread_create(&t[0], NULL, sig_worker, (void *)0);
    while (!ready)
        usleep(1000);
    pthread_kill(t[0], SIGUSR1);
    pthread_join(t[0], NULL);
    printf("pthread_kill handled by the thread named: %d\n", handled_by == worker_tid);

    /* main blocks USR1, the worker does not: kill() goes to the worker */
    handled_by = 0;
    ready = 0;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_create(&t[0], NULL, sig_worker, (void *)0);
    while (!ready)
        usleep(1000);
    kill(getpid(), SIGUSR1);
    pthread_join(t[0], NULL);
    printf("process signal handled by the unblocking thread: %d\n", handled_by == worker_tid);
    return 0;
}
