/*
 * contexts.c — coroutines with makecontext/swapcontext on malloc'd and
 * mmap'd stacks, making system calls (printf) while on them: ordinary
 * stack switching, which --check-stack-pointer must not report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

static ucontext_t main_ctx, co_ctx[2];

static void coroutine(int id)
{
    for (int i = 0; i < 3; i++) {
        printf("coroutine %d step %d\n", id, i);
        swapcontext(&co_ctx[id], &main_ctx);
    }
}

int main(void)
{
    size_t size = 64 * 1024;
    void *stacks[2] = {malloc(size), mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)};
    for (int id = 0; id < 2; id++) {
        getcontext(&co_ctx[id]);
        co_ctx[id].uc_stack.ss_sp = stacks[id];
        co_ctx[id].uc_stack.ss_size = size;
        co_ctx[id].uc_link = &main_ctx;
        makecontext(&co_ctx[id], (void (*)(void))coroutine, 1, id);
    }
    for (int round = 0; round < 4; round++)
        for (int id = 0; id < 2; id++)
            swapcontext(&main_ctx, &co_ctx[id]);
    printf("done\n");
    return 0;
}
