/* str_errors.c — bad accesses inside the C library's string functions:
 * reported at the function (replaced by the checker), the program's call
 * below it.  strlen of a string without its terminator, memcpy reading
 * past a block, strcpy writing past one, strcmp and strchr on a freed
 * block, memset past the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long sink;

int main(void)
{
    char *s = malloc(8);
    memcpy(s, "12345678", 8);          /* no terminator */
    size_t n = strlen(s);
    char *d = malloc(8);
    memcpy(d, s, 12);
    strcpy(d, "too long for it");
    char *f = malloc(16);
    strcpy(f, "freed");
    free(f);
    int c = strcmp(f, "freed");
    char *p = strchr(f, 'e');
    memset(d, 0, 9);
    sink = c + (p != NULL); /* what freed memory holds is not printed: natively free() wrote to it */
    printf("%zu\n", n);
    free(s);
    free(d);
    return 0;
}
