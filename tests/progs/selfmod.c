/*
 * selfmod.c — a guest that writes code and runs it, then rewrites it: what
 * a JIT compiler, a trampoline patcher or a packer does.  Every result is
 * printed, and tests/progs compares the output with a native run, so
 * stale translations show as wrong numbers.
 *
 *   rewrite     an RWX page's function rewritten and called 2000 times
 *               (the pages hold translated code when written)
 *   own block   a function that patches an instruction after it in the
 *               same block: the CPU must run the new bytes
 *   neighbour   a function rewritten while another one on its page runs
 *   read()      new code arriving from the kernel (a pipe) over old code
 *   mprotect    RW -> RX -> RWX -> RW (W^X) -> RX, rewritten in between
 *   threads     two threads each rewrite and call their own function on a
 *               shared page
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*Fn)(int);

/* lea eax, [rdi + imm32]; ret */
static void emit_add(unsigned char *at, int32_t imm)
{
    unsigned char code[7] = {0x8d, 0x87};
    memcpy(code + 2, &imm, 4);
    code[6] = 0xc3;
    memcpy(at, code, sizeof code);
}

/* imul eax, edi, imm32; ret */
static void emit_mul(unsigned char *at, int32_t imm)
{
    unsigned char code[7] = {0x69, 0xc7};
    memcpy(code + 2, &imm, 4);
    code[6] = 0xc3;
    memcpy(at, code, sizeof code);
}

static unsigned char *map(int prot)
{
    void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        _exit(1);
    }
    return p;
}

static void rewrite(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
        if (i % 2)
            emit_mul(page + 64, i);
        else
            emit_add(page + 64, i * 7);
        sum += ((Fn)(page + 64))(i);
    }
    printf("rewrite: %ld\n", sum);
    munmap(page, 4096);
}

static void own_block(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    static const unsigned char code[] = {
        0x40, 0x88, 0x3d, 0x01, 0x00, 0x00, 0x00, /* mov [rip+1], dil: the imm32 below */
        0xb8, 0x00, 0x00, 0x00, 0x00,             /* mov eax, imm32 */
        0x83, 0xc0, 0x03,                         /* add eax, 3 */
        0xc3,                                     /* ret */
    };
    memcpy(page, code, sizeof code);
    long sum = 0;
    for (int i = 0; i < 300; i++)
        sum = sum * 3 + ((Fn)page)(i);
    printf("own block: %ld\n", sum);
    munmap(page, 4096);
}

static void neighbour(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    emit_add(page, 1000);
    long sum = 0;
    for (int i = 0; i < 500; i++) {
        emit_mul(page + 512, i + 1);
        sum += ((Fn)page)(i) + ((Fn)(page + 512))(3);
    }
    printf("neighbour: %ld\n", sum);
    munmap(page, 4096);
}

static void from_pipe(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        _exit(1);
    }
    long sum = 0;
    for (int i = 0; i < 50; i++) {
        unsigned char code[7];
        emit_add(code, i * 1000);
        emit_mul(page, 2);
        sum += ((Fn)page)(i); /* translated: the page is code now */
        if (write(fds[1], code, sizeof code) != sizeof code || read(fds[0], page, sizeof code) != sizeof code) {
            perror("pipe io");
            _exit(1);
        }
        sum += ((Fn)page)(i);
    }
    printf("read(): %ld\n", sum);
    close(fds[0]);
    close(fds[1]);
    munmap(page, 4096);
}

static void protections(void)
{
    unsigned char *page = map(PROT_READ | PROT_WRITE);
    long sum = 0;
    for (int i = 0; i < 20; i++) {
        emit_add(page, i);
        mprotect(page, 4096, PROT_READ | PROT_EXEC);
        sum += ((Fn)page)(100);
        mprotect(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
        emit_mul(page, i);
        sum += ((Fn)page)(100);
        mprotect(page, 4096, PROT_READ | PROT_WRITE);
        emit_add(page, -i);
        mprotect(page, 4096, PROT_READ | PROT_EXEC);
        sum += ((Fn)page)(100);
        mprotect(page, 4096, PROT_READ | PROT_WRITE);
    }
    printf("mprotect: %ld\n", sum);
    munmap(page, 4096);
}

static unsigned char *shared_page;

static void *thread_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    unsigned char *fn = shared_page + 256 * id;
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        emit_add(fn, i * (id + 1));
        sum += ((Fn)fn)(id);
    }
    return (void *)(intptr_t)sum;
}

static void threads(void)
{
    shared_page = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)(i + 1));
    long sum = 0;
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)(intptr_t)r;
    }
    printf("threads: %ld\n", sum);
    munmap(shared_page, 4096);
}

int main(void)
{
    rewrite();
    own_block();
    neighbour();
    from_pipe();
    protections();
    threads();
    return 0;
}
