/* heap.c — a heap overflow five frames deep (an inlined store, a loop, a
 * recursive function), then a use after free: tests/debug runs
 * it under ue --tool=memcheck and holds the reported stacks against gdb's
 * backtrace at the same instruction and against addr2line. */
#include <stdlib.h>

struct node {
    int v[10];
};

static inline __attribute__((always_inline)) void poke(int *p, int i)
{
    p[i] = i; /* the overflow: i reaches 10 */
}

__attribute__((noinline)) struct node *make(int n)
{
    return malloc(sizeof(struct node) * (size_t)n);
}

__attribute__((noinline)) void fill(struct node *a)
{
    for (int i = 0; i <= 10; i++)
        poke(a->v, i);
}

__attribute__((noinline)) int walk(int depth, struct node *a)
{
    if (depth)
        return walk(depth - 1, a) + 1;
    fill(a);
    return 0;
}

int main(void)
{
    struct node *volatile a = make(1);
    int r = walk(3, a);
    free(a);
    return ((volatile int *)a->v)[1] & r & 0; /* use after free */
}
