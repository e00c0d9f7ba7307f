/* wild_read.c — a read from an unmapped address: reported, then the
 * process dies of SIGSEGV, as natively. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    /* An address certain to be unmapped: map a page, then unmap it. */
    volatile int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap((void *)p, 4096);
    printf("before\n");
    fflush(stdout);
    return p[3];
}
