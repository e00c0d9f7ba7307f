/* A forked child's errors carry the child's pid, its parent's the
 * parent's: suite.sh runs this with -q and matches the pids this program
 * prints against the reports' ==PID== prefixes (no golden file: pids
 * differ every run).  vg-skip: checked by suite.sh alone. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    printf("parent %d\n", (int)getpid());
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *p = malloc(8);
        p[8] = 1; /* the child's heap overflow */
        free(p);
        printf("child %d\n", (int)getpid());
        return 0;
    }
    waitpid(pid, NULL, 0);
    char *q = malloc(4);
    q[-1] = 2; /* the parent's heap underflow */
    free(q);
    return 0;
}
