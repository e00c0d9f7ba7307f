/* read_writeonly.c — a read from a page mapped PROT_WRITE only.  x86
 * page tables cannot express write-only, so the hardware allows the read
 * and so does valgrind; ue reports it (better information than the
 * hardware gives) and the program goes on, as natively. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    volatile int *p = mmap(NULL, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[1] = 42;
    int v = p[1]; /* ue-only: x86 pages cannot be write-only; Valgrind allows the read */
    printf("%d\n", v);
    munmap((void *)p, 4096);
    return 0;
}
