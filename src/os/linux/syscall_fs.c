/*
 * syscall_fs.c — file system calls that must show the guest's view rather
 * than ue's: /proc/self/exe (the guest program, not ue), /proc/self/maps
 * (the guest's regions), /proc/self/auxv, /proc/self/cmdline,
 * /proc/self/stat and status (the guest's sizes and stack), and
 * /proc/self/fd without ue's own descriptor.
 *
 * A synthesised /proc file is served as a memfd holding its contents, so
 * the guest can read, seek and fstat it like the real thing.  Calls that
 * look a path up and follow symlinks (stat, access...) see the guest
 * program for /proc/self/exe.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

bool lx_is_proc_self(const char *path, const char *what)
{
    const char *rest;
    if (strncmp(path, "/proc/self/", 11) == 0) {
        rest = path + 11;
    } else if (strncmp(path, "/proc/", 6) == 0) {
        char *end;
        long pid = strtol(path + 6, &end, 10);
        if (pid != getpid() || *end != '/')
            return false;
        rest = end + 1;
    } else {
        return false;
    }
    return strcmp(rest, what) == 0;
}

static i64 memfd_with(const void *data, size_t len, const char *name)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    ue_write_all(fd, data, len);
    lseek(fd, 0, SEEK_SET);
    /* The guest asked for an fd without O_CLOEXEC unless it said so. */
    fcntl(fd, F_SETFD, 0);
    return fd;
}

/* The guest's address space size, for /proc/self/stat and status (the
 * host's counts ue's reservations: tens of TiB). */
static u64 guest_vsize(void)
{
    MemSpace *m = &lx_proc.gp.mem;
    u64 total = 0;
    pthread_mutex_lock(&m->lock);
    for (u32 i = 0; i < m->n; i++)
        total += m->r[i].end - m->r[i].start;
    pthread_mutex_unlock(&m->lock);
    return total;
}

static char *read_host_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = ue_malloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = ue_realloc(buf, cap *= 2);
        ssize_t k = read(fd, buf + n, cap - n - 1);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* /proc/self/stat with the guest's vsize (field 23) and start of stack
 * (28).  Fields are counted after the ")" that ends the command name. */
static i64 proc_stat(void)
{
    size_t len;
    char *s = read_host_file("/proc/self/stat", &len);
    if (!s)
        return -ENOENT;
    char *p = strrchr(s, ')');
    char out[2048];
    size_t n = 0;
    if (!p || (size_t)(p - s) + 2 > sizeof out) {
        i64 fd = memfd_with(s, len, "stat");
        free(s);
        return fd;
    }
    p += 2;
    n = (size_t)(p - s);
    memcpy(out, s, n);
    int field = 3;
    for (char *tok = p; *tok && n < sizeof out - 64; field++) {
        char *end = tok + strcspn(tok, " \n");
        if (field == 23)
            n += (size_t)snprintf(out + n, sizeof out - n, "%llu", (unsigned long long)guest_vsize());
        else if (field == 28)
            n += (size_t)snprintf(out + n, sizeof out - n, "%llu", (unsigned long long)lx_proc.start_stack);
        else {
            memcpy(out + n, tok, (size_t)(end - tok));
            n += (size_t)(end - tok);
        }
        if (!*end)
            break;
        out[n++] = *end;
        tok = end + 1;
    }
    free(s);
    return memfd_with(out, n, "stat");
}

/* /proc/self/status with the guest's VmPeak and VmSize. */
static i64 proc_status(void)
{
    size_t len;
    char *s = read_host_file("/proc/self/status", &len);
    if (!s)
        return -ENOENT;
    char *out = ue_malloc(len + 256);
    size_t n = 0;
    u64 kb = guest_vsize() / 1024;
    for (char *line = s; *line;) {
        char *nl = strchr(line, '\n');
        size_t l = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "VmPeak:", 7) == 0 || strncmp(line, "VmSize:", 7) == 0)
            n += (size_t)sprintf(out + n, "%.7s\t%8llu kB\n", line, (unsigned long long)kb);
        else {
            memcpy(out + n, line, l);
            n += l;
        }
        line += l;
    }
    free(s);
    i64 fd = memfd_with(out, n, "status");
    free(out);
    return fd;
}

/* getdents64 of /proc/self/fd (or /proc/PID/fd): ue's own descriptor is
 * not listed. */
i64 sys_getdents64(GuestCpu *cpu, const u64 *a)
{
    i64 r = lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
    int mine = ue_log_fd();
    if (r <= 0 || !lx_ue_fd(mine))
        return r;
    char link[64], target[64], want[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", (int)a[0]);
    ssize_t k = readlink(link, target, sizeof target - 1);
    snprintf(want, sizeof want, "/proc/%d/fd", (int)getpid());
    if (k <= 0 || (target[k] = 0, strcmp(target, want) != 0))
        return r;
    char name[16];
    snprintf(name, sizeof name, "%d", mine);
    u8 *buf = (u8 *)(uintptr_t)a[1];
    i64 out = 0;
    for (i64 at = 0; at < r;) {
        u16 reclen;
        memcpy(&reclen, buf + at + 16, 2);
        if (strcmp((const char *)buf + at + 19, name) != 0) {
            memmove(buf + out, buf + at, reclen);
            out += reclen;
        }
        at += reclen;
    }
    return out;
}

/* Open a synthesised /proc file: an fd, -errno, or 1 if path is not one. */
static i64 open_proc(const char *path, int flags)
{
    if (lx_is_proc_self(path, "exe")) {
        int fd = open(lx_proc.exe_path, flags & ~(O_CREAT | O_TRUNC));
        return fd < 0 ? -errno : fd;
    }
    if (lx_is_proc_self(path, "maps")) {
        size_t len;
        char *s = mem_format_maps(&lx_proc.gp.mem, &len);
        i64 fd = memfd_with(s, len, "maps");
        free(s);
        return fd;
    }
    if (lx_is_proc_self(path, "auxv"))
        return memfd_with(lx_proc.auxv, lx_proc.auxv_len * 8, "auxv");
    if (lx_is_proc_self(path, "cmdline")) {
        size_t len = 0;
        for (int i = 0; i < lx_proc.argc; i++)
            len += strlen(lx_proc.argv[i]) + 1;
        char *s = ue_malloc(len + 1), *p = s;
        for (int i = 0; i < lx_proc.argc; i++)
            p = stpcpy(p, lx_proc.argv[i]) + 1;
        i64 fd = memfd_with(s, len, "cmdline");
        free(s);
        return fd;
    }
    if (lx_is_proc_self(path, "stat"))
        return proc_stat();
    if (lx_is_proc_self(path, "status"))
        return proc_status();
    return 1;
}

static i64 finish_open(i64 fd, int flags)
{
    if (fd >= 0 && (flags & O_CLOEXEC))
        fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

i64 sys_openat(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    char path[PATH_MAX];
    i64 n = lx_copy_str(a[1], path, sizeof path);
    if (n < 0)
        return n;
    if (path[0] == '/') {
        i64 r = open_proc(path, (int)a[2]);
        if (r != 1)
            return r < 0 ? r : finish_open(r, (int)a[2]);
    }
    return lx_host_syscall(257 /* openat */, a);
}

/* openat2(dirfd, path, how, size), how = {flags, mode, resolve}: ue's own
 * /proc files as openat gives them, everything else (and how's checks:
 * sizes, unknown flags) from the host. */
i64 sys_openat2(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    if (a[3] < 24 || a[3] > MEM_PAGE)
        return lx_host_syscall(437 /* openat2 */, a); /* EINVAL, E2BIG */
    if (!lx_readable(a[2], a[3]))
        return -EFAULT;
    char path[PATH_MAX];
    i64 n = lx_copy_str(a[1], path, sizeof path);
    if (n < 0)
        return n;
    u64 how[3];
    memcpy(how, (const void *)(uintptr_t)a[2], sizeof how);
    if (path[0] == '/') {
        i64 r = open_proc(path, (int)how[0]);
        if (r != 1)
            return r < 0 ? r : finish_open(r, (int)how[0]);
    }
    return lx_host_syscall(437 /* openat2 */, a);
}

i64 sys_open(GuestCpu *cpu, const u64 *a)
{
    u64 b[6] = {(u64)(i64)AT_FDCWD, a[0], a[1], a[2], 0, 0};
    return sys_openat(cpu, b);
}

/* Pass a call with a path in argument i to the host.  If the call follows
 * symlinks (stat, access; lstat sees the link itself, as the guest would)
 * and the path is /proc/self/exe, the host is given the guest program. */
static i64 pass_path(GuestCpu *cpu, const u64 *a, unsigned i, bool follow)
{
    char path[PATH_MAX];
    i64 n = lx_copy_str(a[i], path, sizeof path);
    if (n < 0)
        return n;
    u64 b[6];
    memcpy(b, a, sizeof b);
    if (follow && lx_is_proc_self(path, "exe"))
        b[i] = (u64)(uintptr_t)lx_proc.exe_path;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], b);
}

i64 sys_stat(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 0, true); }
i64 sys_access(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 0, true); }
i64 sys_faccessat(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 1, true); }
i64 sys_faccessat2(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 1, !(a[3] & AT_SYMLINK_NOFOLLOW)); }
i64 sys_newfstatat(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 1, !(a[3] & AT_SYMLINK_NOFOLLOW)); }
i64 sys_statx(GuestCpu *cpu, const u64 *a) { return pass_path(cpu, a, 1, !(a[2] & AT_SYMLINK_NOFOLLOW)); }

/* readlink(at) of /proc/self/exe: the guest program's path, truncated to
 * the buffer without a NUL, as the kernel does. */
static i64 readlink_exe(u64 buf, u64 size)
{
    if ((i64)(int)size <= 0)
        return -EINVAL;
    size_t n = UE_MIN(strlen(lx_proc.exe_path), (size_t)size);
    if (!lx_writable(buf, n))
        return -EFAULT;
    memcpy((void *)(uintptr_t)buf, lx_proc.exe_path, n);
    return (i64)n;
}

i64 sys_readlinkat(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    char path[PATH_MAX];
    i64 n = lx_copy_str(a[1], path, sizeof path);
    if (n < 0)
        return n;
    if (lx_is_proc_self(path, "exe"))
        return readlink_exe(a[2], a[3]);
    return lx_host_syscall(267 /* readlinkat */, a);
}

i64 sys_readlink(GuestCpu *cpu, const u64 *a)
{
    u64 b[6] = {(u64)(i64)AT_FDCWD, a[0], a[1], a[2], 0, 0};
    return sys_readlinkat(cpu, b);
}
