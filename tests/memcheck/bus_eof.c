/* bus_eof.c — a read of a file mapping past the file's end: SIGBUS
 * (BUS_ADRERR).  The page is mapped, so no invalid access is reported
 * (Valgrind's memcheck sees it addressable too): only the death, "Non-
 * existent physical address at address ...". */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    int fd = memfd_create("empty", 0); /* a file of 0 bytes */
    volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    printf("before\n");
    fflush(stdout);
    return p[10];
}
