/*
 * procself.c — the /proc/self entries that must describe the guest, not
 * ue: exe (readlink and the file's contents), cmdline, auxv.
 */
#include "nolibc.h"

#include <fcntl.h>

static char buf[8192];

static long read_file(const char *path)
{
    int fd = (int)SYS2(__NR_open, path, O_RDONLY);
    if (fd < 0)
        return fd;
    long len = 0, k;
    while ((k = SYS3(__NR_read, fd, buf + len, sizeof buf - len)) > 0)
        len += k;
    SYS1(__NR_close, fd);
    return len;
}

int main(int argc, char **argv, char **envp)
{
    char exe[4096];
    long n = SYS3(__NR_readlink, "/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    pr("readlink /proc/self/exe = [%s]\n", exe);
    n = SYS4(__NR_readlinkat, -100 /* AT_FDCWD */, "/proc/self/exe", exe, 4);
    pr("readlinkat with a 4-byte buffer = %ld\n", n);
    long len = read_file("/proc/self/exe");
    check("/proc/self/exe starts with our ELF header",
          len >= (long)sizeof(Elf64_Ehdr) && !memcmp(buf, &__ehdr_start, sizeof(Elf64_Ehdr)));
    len = read_file("/proc/self/cmdline");
    pr("cmdline:");
    for (long i = 0; i < len; i++)
        pr(buf[i] ? "%c" : "|", buf[i]);
    pr("\n");
    len = read_file("/proc/self/auxv");
    u64 *av = (u64 *)buf;
    int same = len > 0 && len % 16 == 0;
    for (long i = 0; same && i < len / 8; i++)
        same = av[i] == nolibc_auxv[i];
    check("/proc/self/auxv is the vector we were given", same && av[len / 8 - 2] == AT_NULL);
    return 0;
}
