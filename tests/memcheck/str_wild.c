/* str_wild.c — strlen of a pointer into unmapped memory: reported at
 * strlen, then the process dies of SIGSEGV, as natively. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, 4096);
    printf("before\n");
    fflush(stdout);
    return (int)strlen(p + 100);
}
