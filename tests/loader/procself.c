/*
 * procself.c — the /proc/self entries that must describe the guest, not
 * ue: exe (readlink and the file's contents), cmdline (through open and
 * openat2), auxv, stat and status (the name and state; the address-space
 * size equals the sum of the maps lines, the start of the stack lies in
 * [stack]), and the fd directory (ue's own descriptors are not listed).
 */
#include "nolibc.h"

#include <fcntl.h>
#include <linux/openat2.h>

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

static u64 number(const char *s, unsigned base, const char **end)
{
    u64 v = 0;
    for (;; s++) {
        unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0')
                     : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10) : 99;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (end)
        *end = s;
    return v;
}

/* The sum of the sizes of the lines of /proc/self/maps below 2^47 (the
 * kernel's [vsyscall] page is no mapping of the process), and [stack]. */
static u64 maps_total(u64 *stack_lo, u64 *stack_hi)
{
    long len = read_file("/proc/self/maps");
    u64 total = 0;
    for (long i = 0; i < len;) {
        const char *e;
        u64 lo = number(buf + i, 16, &e), hi = number(e + 1, 16, &e);
        long eol = i;
        while (eol < len && buf[eol] != '\n')
            eol++;
        if (lo < (1ull << 47))
            total += hi - lo;
        if (eol - i > 7 && !memcmp(buf + eol - 7, "[stack]", 7))
            *stack_lo = lo, *stack_hi = hi;
        i = eol + 1;
    }
    return total;
}

/* stat's field n (3: the state, after "pid (comm) "). */
static const char *stat_field(const char *s, long len, int n)
{
    long at = len;
    while (at > 0 && s[at - 1] != ')')
        at--;
    at++; /* the space after ")" */
    for (int f = 3; f < n && at < len; at++)
        if (s[at] == ' ')
            f++;
    return s + at;
}

static void stat_status(void)
{
    u64 slo = 0, shi = 0, total = maps_total(&slo, &shi);
    long len = read_file("/proc/self/stat");
    buf[len] = 0;
    const char *comm = buf;
    while (*comm != '(')
        comm++;
    pr("stat: comm ");
    for (const char *c = comm; c <= comm + 16 && *c; c++) {
        pr("%c", *c);
        if (*c == ')')
            break;
    }
    pr(", state %c\n", *stat_field(buf, len, 3));
    u64 vsize = number(stat_field(buf, len, 23), 10, 0), start = number(stat_field(buf, len, 28), 10, 0);
    check("stat: vsize is the sum of the maps", vsize == total);
    check("stat: startstack lies in [stack]", start >= slo && start < shi);
    len = read_file("/proc/self/status");
    buf[len] = 0;
    for (long i = 0; i < len;) {
        long eol = i;
        while (eol < len && buf[eol] != '\n')
            eol++;
        if (startswith(buf + i, "Name:"))
            pr("status: %s\n", (buf[eol] = 0, buf + i));
        if (startswith(buf + i, "VmSize:")) {
            const char *v = buf + i + 7;
            while (*v == ' ' || *v == '\t')
                v++;
            check("status: VmSize is the sum of the maps", number(v, 10, 0) == total / 1024);
        }
        i = eol + 1;
    }
}

/* The names in /proc/self/fd, in order (the directory's own fd is 3). */
static void fd_dir(void)
{
    int fd = (int)SYS3(__NR_openat, -100 /* AT_FDCWD */, "/proc/self/fd", O_RDONLY | O_DIRECTORY);
    int seen[64] = {0};
    long n;
    while ((n = SYS3(__NR_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            unsigned short reclen;
            memcpy(&reclen, buf + at + 16, 2);
            const char *name = buf + at + 19;
            if (name[0] != '.') {
                u64 v = number(name, 10, 0);
                if (v < 64)
                    seen[v] = 1;
            }
            at += reclen;
        }
    }
    SYS1(__NR_close, fd);
    pr("/proc/self/fd:");
    for (int i = 0; i < 64; i++)
        if (seen[i])
            pr(" %d", i);
    pr("\n");
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
    struct open_how how = {.flags = O_RDONLY};
    int fd = (int)SYS4(__NR_openat2, -100 /* AT_FDCWD */, "/proc/self/cmdline", &how, sizeof how);
    long k = fd >= 0 ? SYS3(__NR_read, fd, buf, sizeof buf) : fd;
    check("openat2 of /proc/self/cmdline reads the same", k == len);
    SYS1(__NR_close, fd);
    len = read_file("/proc/self/auxv");
    u64 *av = (u64 *)buf;
    int same = len > 0 && len % 16 == 0;
    for (long i = 0; same && i < len / 8; i++)
        same = av[i] == nolibc_auxv[i];
    check("/proc/self/auxv is the vector we were given", same && av[len / 8 - 2] == AT_NULL);
    stat_status();
    fd_dir();
    return 0;
}
