/*
 * poll.c — readiness: poll, ppoll, select, pselect6 on pipes, with zero
 * and short timeouts, hang-up after the writer closes, and bad fds.
 */
#include "nolibc.h"

#include <poll.h>
#include <sys/select.h>
#include <time.h>

static void show_poll(const char *what, long r, struct pollfd *p, int n)
{
    pr("%s = %ld:", what, r);
    for (int i = 0; i < n; i++)
        pr(" fd%d revents %x", i, p[i].revents);
    pr("\n");
}

int main(int argc, char **argv, char **envp)
{
    int p[2];
    SYS1(__NR_pipe, p);
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    show_poll("poll empty pipe", SYS3(__NR_poll, pf, 2, 0), pf, 2);
    SYS3(__NR_write, p[1], "x", 1);
    show_poll("poll after write", SYS3(__NR_poll, pf, 2, 0), pf, 2);
    struct timespec ts = {0, 1000000};
    show_poll("ppoll", SYS5(__NR_ppoll, pf, 2, &ts, 0, 8), pf, 2);
    struct pollfd bad = {999, POLLIN, 0};
    show_poll("poll bad fd", SYS3(__NR_poll, &bad, 1, 0), &bad, 1);
    struct pollfd neg = {-1, POLLIN, 0};
    show_poll("poll negative fd", SYS3(__NR_poll, &neg, 1, 0), &neg, 1);
    show("poll NULL array", SYS3(__NR_poll, 0, 1, 0));

    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    long n = SYS5(__NR_select, p[1] + 1, &r, &w, 0, &tv);
    pr("select = %ld readable %d writable %d\n", n, FD_ISSET(p[0], &r) != 0, FD_ISSET(p[1], &w) != 0);
    char c;
    SYS3(__NR_read, p[0], &c, 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec t0 = {0, 2000000};
    n = SYS6(__NR_pselect6, p[0] + 1, &r, 0, 0, &t0, 0);
    pr("pselect6 on an empty pipe = %ld readable %d\n", n, FD_ISSET(p[0], &r) != 0);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval t1 = {0, 1000};
    n = SYS5(__NR_select, p[0] + 1, &r, 0, 0, &t1);
    pr("select timeout = %ld, remaining <= 1000us: %d\n", n, t1.tv_sec == 0 && t1.tv_usec <= 1000);
    FD_ZERO(&r);
    FD_SET(60, &r);
    show("select on a closed fd", SYS5(__NR_select, 61, &r, 0, 0, &tv));
    show("select negative nfds", SYS5(__NR_select, -1, 0, 0, 0, &tv));

    SYS1(__NR_close, p[1]);
    pf[0].revents = 0;
    show_poll("poll after writer closed", SYS3(__NR_poll, pf, 1, 0), pf, 1);
    return 0;
}
