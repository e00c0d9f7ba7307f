/*
 * maps.c — /proc/self/maps as the program sees it.  After growing the break
 * (so that a [heap] exists) it prints, for each mapping of its own file, the
 * perms and file offset, and the perms of [heap] and [stack]: what must be
 * the same natively and under ue.  With the argument "raw" it prints the
 * whole file instead, for the suite to check that every line lies in the
 * guest window and none is ue's.
 */
#include "nolibc.h"

#include <fcntl.h>

static char buf[65536];

/* Copy the last field of a maps line (the name) into name. */
static void line_fields(char *line, char **perms, char **offset, char **name)
{
    char *f[6];
    int n = 0;
    char *p = line;
    while (n < 6) {
        while (*p == ' ')
            p++;
        f[n++] = p;
        while (*p && *p != ' ')
            p++;
        if (!*p)
            break;
        *p++ = 0;
    }
    while (*p == ' ')
        p++;
    *perms = n > 1 ? f[1] : "";
    *offset = n > 2 ? f[2] : "";
    *name = p;
}

int main(int argc, char **argv, char **envp)
{
    long cur = SYS1(__NR_brk, 0);
    SYS1(__NR_brk, cur + 3 * 4096);
    char exe[4096];
    long n = SYS3(__NR_readlink, "/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        return 1;
    exe[n] = 0;
    int fd = (int)SYS2(__NR_open, "/proc/self/maps", O_RDONLY);
    long len = 0, k;
    while ((k = SYS3(__NR_read, fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += k;
    buf[len] = 0;
    if (argc > 1 && streq(argv[1], "raw")) {
        pr("%s", buf);
        return 0;
    }
    int heap = 0, stack = 0;
    for (char *line = buf; *line;) {
        char *nl = line;
        while (*nl && *nl != '\n')
            nl++;
        char *next = *nl ? nl + 1 : nl;
        *nl = 0;
        char *perms, *offset, *name;
        line_fields(line, &perms, &offset, &name);
        if (streq(name, exe))
            pr("exe %s %s\n", perms, offset);
        else if (streq(name, "[heap]"))
            heap++, pr("heap %s\n", perms);
        else if (streq(name, "[stack]"))
            stack++, pr("stack %s\n", perms);
        line = next;
    }
    pr("heap regions %d, stack regions %d\n", heap, stack);
    return 0;
}
