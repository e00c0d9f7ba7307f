/* killed.c — a SIGSEGV sent, not faulted: no error, and the death told as
 * Valgrind tells it (the signal and the stack of the kill, no fault event
 * or address), then the summaries. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("before\n");
    fflush(stdout);
    kill(getpid(), SIGSEGV);
    printf("not reached\n");
    return 0;
}
