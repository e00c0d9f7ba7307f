/*
 * diffcheck/prog.c — a program for `ue --diff-check` (tests/diff/suite.sh):
 * it runs natively and under --diff-check and must print the same, with no
 * divergence reported.  Each part exercises one thing the check must get
 * right when it runs a block twice and takes the first run back:
 *   - read-modify-write of memory (a block whose writes were not undone
 *     would count twice),
 *   - LOCK'ed instructions (CAS undo),
 *   - SSE and x87 arithmetic (vector and x87 state compared),
 *   - a fault in the middle of a block (SIGSEGV handled, siglongjmp out),
 *   - RDTSC (its block is not comparable and must run unchecked),
 *   - a string store that writes many bytes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>

static volatile long counter[8];
static sigjmp_buf env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

int main(void)
{
    for (int i = 0; i < 1000; i++)
        counter[i & 7] += i; /* add [mem], reg */
    long sum = 0;
    for (int i = 0; i < 8; i++)
        sum += counter[i];
    printf("counters %ld\n", sum);

    long shared = 0;
    for (int i = 0; i < 500; i++)
        __atomic_fetch_add(&shared, 3, __ATOMIC_SEQ_CST);
    long expect = 7, got = __sync_val_compare_and_swap(&shared, 1500, expect);
    printf("atomics %ld %ld\n", got, shared);

    double d = 1.0;
    float f = 1.0f;
    long double ld = 1.0L;
    for (int i = 1; i < 200; i++) {
        d = d * 1.0001 + 1.0 / i;
        f = f * 1.0001f + 1.0f / (float)i;
        ld = ld * 1.0001L + 1.0L / i;
    }
    printf("fp %.17g %.9g %.21Lg\n", d, f, ld);

    signal(SIGSEGV, on_segv);
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int faults = 0;
    for (int i = 0; i < 3; i++) {
        if (sigsetjmp(env, 1) == 0) {
            counter[0] = i;  /* a store before the fault, in the same block */
            page[i] = 1;     /* faults: the page is read-only */
        } else {
            faults++;
        }
    }
    printf("faults %d counter0 %ld\n", faults, counter[0]);

    unsigned long long t0 = __rdtsc(), t1 = __rdtsc();
    printf("rdtsc %s\n", t1 >= t0 ? "monotonic" : "backwards");

    static char buf[4096];
    memset(buf, 'x', sizeof buf);
    buf[sizeof buf - 1] = 0;
    printf("memset %zu\n", strlen(buf));
    return 0;
}
