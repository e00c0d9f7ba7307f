/*
 * restart.c — a signal handler interrupting a blocking call: read on an
 * empty pipe fails with EINTR without SA_RESTART and goes on with it;
 * nanosleep, poll, select, pause and sigsuspend fail with EINTR whatever
 * SA_RESTART says (signal(7)); an ignored signal interrupts nothing.
 * Timers (setitimer) make the signals arrive while the call blocks.  A
 * child process writes to the pipe later, for the restarted read to get.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void handle(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

static void timer_ms(int ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void result(const char *what, long r)
{
    printf("%-44s %ld %s (alarms %d)\n", what, r, r < 0 ? strerrorname_np(errno) : "", alarms);
    alarms = 0;
}

int main(void)
{
    int p[2];
    if (pipe(p))
        return 2;
    char c;

    handle(0);
    timer_ms(100);
    result("read, no SA_RESTART", read(p[0], &c, 1));

    handle(SA_RESTART);
    pid_t child = fork();
    if (child == 0) {
        usleep(400 * 1000);
        write(p[1], "k", 1);
        _exit(0);
    }
    timer_ms(100);
    long r = read(p[0], &c, 1);
    printf("%-44s %ld '%c' (alarms %d)\n", "read, SA_RESTART (child writes later)", r, c, alarms);
    alarms = 0;
    waitpid(child, NULL, 0);

    struct timespec ts = {5, 0}, rem = {0, 0};
    timer_ms(100);
    r = nanosleep(&ts, &rem);
    printf("%-44s %ld %s remaining>3s %d (alarms %d)\n", "nanosleep, SA_RESTART", r, strerrorname_np(errno),
           rem.tv_sec >= 3, alarms);
    alarms = 0;

    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    timer_ms(100);
    result("poll, SA_RESTART", poll(&pfd, 1, 5000));

    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {5, 0};
    timer_ms(100);
    result("select, SA_RESTART", select(p[0] + 1, &rd, NULL, NULL, &tv));

    timer_ms(100);
    result("pause", pause());

    /* wait: restarted with SA_RESTART */
    child = fork();
    if (child == 0) {
        usleep(300 * 1000);
        _exit(7);
    }
    timer_ms(100);
    int st;
    r = waitpid(child, &st, 0);
    printf("%-44s %s status %d (alarms %d)\n", "waitpid, SA_RESTART", r == child ? "child" : "other",
           WEXITSTATUS(st), alarms);
    alarms = 0;

    /* An ignored signal does not interrupt. */
    signal(SIGALRM, SIG_IGN);
    timer_ms(50);
    ts = (struct timespec){0, 200 * 1000 * 1000};
    result("nanosleep, SIGALRM ignored", nanosleep(&ts, NULL));
    return 0;
}
