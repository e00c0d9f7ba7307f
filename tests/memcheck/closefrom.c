/* closefrom.c — a program that closes every descriptor above stderr, as
 * OpenSSH does at start-up, and then overflows a block: the report must
 * still reach stderr (ue's copy of it is ue's own descriptor), and ue's
 * descriptors must not take the numbers the program gets natively (its
 * first open returns 3, before and after).  Then it opens descriptors
 * until the table is full, so that it is given numbers among ue's own at
 * the top, and closes them all: each close must succeed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void fill_and_close(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 65536) {
        printf("fill: limit too high to fill\n");
        return;
    }
    static int fds[65536]; /* (not from the heap: its summary stays as under Valgrind) */
    int n = 0, fd, bad = 0;
    while (n < (int)rl.rlim_cur && (fd = open("/dev/null", O_RDONLY)) >= 0)
        fds[n++] = fd;
    int why = errno;
    for (int i = 0; i < n; i++)
        bad += close(fds[i]) != 0;
    printf("fill: stopped by %s, closes failed: %d\n", why == EMFILE ? "EMFILE" : "something else", bad);
}

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
    close(fd);
    fill_and_close();
    return 0;
}
