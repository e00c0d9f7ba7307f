/* stack_overflow.c — endless recursion runs the main thread off its
 * stack: no invalid access reported (memcheck sees the new frame as
 * stack), "Stack overflow in thread #1: can't grow stack to ...", then the
 * death by SIGSEGV with the same line, as Valgrind tells it. */
#include <stdio.h>

static int down(int n)
{
    volatile char frame[1024];
    frame[0] = (char)n;
    return down(n + 1) + frame[0];
}

int main(void)
{
    printf("before\n");
    fflush(stdout);
    return down(0);
}
