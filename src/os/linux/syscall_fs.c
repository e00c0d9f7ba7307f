/*
 * syscall_fs.c — file system calls that must show the guest's view rather
 * than ue's: /proc/self/exe (the guest program, not ue), /proc/self/maps
 * (the guest's regions), /proc/self/auxv and /proc/self/cmdline.
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

/* If path names this process's /proc entry `what` ("exe", "maps"...),
 * return true.  Accepts /proc/self/X and /proc/<our pid>/X. */
static bool is_proc_self(const char *path, const char *what)
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

/* Open a synthesised /proc file: an fd, -errno, or 1 if path is not one. */
static i64 open_proc(const char *path, int flags)
{
    if (is_proc_self(path, "exe")) {
        int fd = open(lx_proc.exe_path, flags & ~(O_CREAT | O_TRUNC));
        return fd < 0 ? -errno : fd;
    }
    if (is_proc_self(path, "maps")) {
        size_t len;
        char *s = mem_format_maps(&lx_proc.gp.mem, &len);
        i64 fd = memfd_with(s, len, "maps");
        free(s);
        return fd;
    }
    if (is_proc_self(path, "auxv"))
        return memfd_with(lx_proc.auxv, lx_proc.auxv_len * 8, "auxv");
    if (is_proc_self(path, "cmdline")) {
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
    if (follow && is_proc_self(path, "exe"))
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
    if (is_proc_self(path, "exe"))
        return readlink_exe(a[2], a[3]);
    return lx_host_syscall(267 /* readlinkat */, a);
}

i64 sys_readlink(GuestCpu *cpu, const u64 *a)
{
    u64 b[6] = {(u64)(i64)AT_FDCWD, a[0], a[1], a[2], 0, 0};
    return sys_readlinkat(cpu, b);
}
