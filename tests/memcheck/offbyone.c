/* offbyone.c — the classic: a copy of a string into strlen(s) bytes (no
 * room for the terminator), and a loop running one element too far. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    const char *s = "hello, world";
    size_t n = strlen(s);
    char *copy = malloc(n);
    for (size_t i = 0; i <= n; i++)
        copy[i] = s[i];
    int *a = malloc(10 * sizeof *a);
    int sum = 0;
    for (int i = 0; i <= 10; i++)
        sum += a[i] = i;
    printf("%d %c\n", sum, copy[0]);
    free(a);
    free(copy);
    return 0;
}
