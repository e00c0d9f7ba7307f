/* overlap.c — source and destination overlap in the copying functions
 * that forbid it, then the same calls without overlap (no error).
 * memmove allows overlap; memcpy(p, p, n), a struct assigned to itself,
 * is not reported.  Valgrind 3.19 checks no memcpy on amd64 (its bug
 * 402833), hence the ue-only mark.  The overlapping calls copy towards
 * lower addresses and stop, so that they end the same way under every
 * implementation; their results are not printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *volatile vp;

/* "01234" then, after its terminator, "6789". */
static char *two_strings(char *t)
{
    memcpy(t, "01234\0" "6789", 11);
    return t;
}

int main(void)
{
    char *t = malloc(64);
    vp = t;
    strcpy(t, "abcdefghijklmnopqrstuvwxyz");
    memcpy(t, t + 4, 10);              /* ue-only: valgrind checks no memcpy on amd64 */
    memcpy(vp, vp, 8);                 /* self-copy: not reported */
    memmove(t, t + 4, 10);             /* allowed */
    mempcpy(t, t + 3, 8);
    strcpy(t, t + 2);
    stpcpy(t, t + 5);
    strncpy(t, t + 3, 7);
    stpncpy(t, t + 2, 6);
    strcat(two_strings(t), t + 6);
    strncat(two_strings(t), t + 6, 3);
    /* The same functions, no overlap. */
    char *b = malloc(64), *c = malloc(64);
    strcpy(b, "0123456789");
    strcpy(c, b);
    stpcpy(c, "xyz");
    strncpy(c, b, 20);
    strcat(c, "tail");
    strncat(c, b, 2);
    memcpy(c + 32, b, 16);
    mempcpy(c + 32, b, 16);
    printf("%s|%s\n", b, c);
    free(c);
    free(b);
    free(t);
    return 0;
}
