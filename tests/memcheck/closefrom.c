/* closefrom.c — a program that closes every descriptor above stderr, as
 * OpenSSH does at start-up, and then overflows a block: the report must
 * still reach stderr (ue's copy of it is ue's own descriptor), and ue's
 * descriptors must not take the numbers the program gets natively (its
 * first open returns 3, before and after). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/null", O_RDONLY);
    printf("first open: %d\n", fd);
    close(fd);
    long r = syscall(SYS_close_range, 3, ~0u, 0);
    printf("close_range: %ld\n", r);
    fflush(stdout);
    char *p = malloc(10);
    p[10] = 1;
    free(p);
    fd = open("/dev/null", O_RDONLY);
    printf("then open: %d\n", fd);
    return 0;
}
