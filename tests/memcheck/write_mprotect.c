/* write_mprotect.c — a write to a page made read-only with mprotect:
 * reported, then SIGSEGV. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[4096] = 1;
    mprotect(p + 4096, 4096, PROT_READ);
    printf("%d\n", p[4096]);
    fflush(stdout);
    ((volatile char *)p)[4096 + 8] = 2; /* ue-only: Valgrind reports only the SIGSEGV, ue also the write */
    printf("after\n");
    return 0;
}
