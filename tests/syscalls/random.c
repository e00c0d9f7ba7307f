/*
 * random.c — getrandom: full reads, flags, errors; two reads differ.
 */
#include "nolibc.h"

#include <sys/random.h>

int main(int argc, char **argv, char **envp)
{
    unsigned char a[32], b[32];
    show("getrandom 32", SYS3(__NR_getrandom, a, sizeof a, 0));
    show("getrandom GRND_NONBLOCK", SYS3(__NR_getrandom, b, sizeof b, GRND_NONBLOCK));
    check("two reads differ", memcmp(a, b, sizeof a) != 0);
    show("getrandom GRND_RANDOM 8", SYS3(__NR_getrandom, a, 8, GRND_RANDOM | GRND_NONBLOCK) > 0 ? 8 : -1);
    show("getrandom 0 bytes", SYS3(__NR_getrandom, a, 0, 0));
    show("getrandom bad flags", SYS3(__NR_getrandom, a, 8, 0x100));
    show("getrandom into NULL", SYS3(__NR_getrandom, 0, 8, 0));
    return 0;
}
