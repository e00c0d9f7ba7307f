/*
 * execve.c — execve and execveat.  By default ue follows the new program:
 * it re-executes itself (the ue binary it was started from) with the same
 * options and the guest's new argv and envp, so the program runs under ue
 * as its parent did (valgrind's --trace-children=yes, on by default here).
 * With --trace-children=no, or a path matching --trace-children-skip, the
 * program is exec'd natively.
 *
 * The kernel's failures must come back to the guest as errno (a shell
 * prints "command not found" from ENOENT, runs a file as a script on
 * ENOEXEC), and once ue has exec'd itself there is no way back.  So the
 * checks the kernel would make come first: the file (and each #!
 * interpreter) must exist, be a regular file the user may execute, and be
 * an ELF or a #! script.
 *
 * What survives an execve is the kernel's business, kept true here: the
 * signal mask (the host mask is set to the guest's), ignored signals (the
 * host's SIG_IGN; ue at start-up gives them back to the guest), pending
 * signals (those ue caught and holds are queued back on the host), the
 * descriptors without FD_CLOEXEC (ue's own are close-on-exec; the log file
 * is passed on as --log-fd).
 */
#include "os/linux/lx_priv.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAX_ARGS = 1 << 17, MAX_SCRIPT_DEPTH = 5 };

/* Copy a guest argv/envp array of strings into ue's memory (NULL for a
 * NULL array).  -EFAULT, -E2BIG, or 0 with *out set (free_strv). */
static i64 copy_strv(u64 p, char ***out)
{
    *out = NULL;
    size_t n = 0, cap = 16;
    char **v = ue_calloc(cap, sizeof *v);
    enum { MAX_ARG_STRLEN = 32 * 4096 }; /* the kernel's limit on one string */
    char *buf = ue_malloc(MAX_ARG_STRLEN);
    for (; p; n++) {
        if (!lx_readable(p + 8 * n, 8))
            goto fault;
        u64 s = *(const u64 *)(uintptr_t)(p + 8 * n);
        if (!s)
            break;
        if (n + 2 > cap) {
            cap *= 2;
            v = ue_realloc(v, cap * sizeof *v);
        }
        if (n >= MAX_ARGS) {
            v[n] = NULL;
            for (size_t i = 0; i < n; i++)
                free(v[i]);
            free(v);
            free(buf);
            return -E2BIG;
        }
        i64 len = lx_copy_str(s, buf, MAX_ARG_STRLEN);
        if (len == -ENAMETOOLONG)
            len = -E2BIG;
        if (len < 0) {
            v[n] = NULL;
            for (size_t i = 0; i < n; i++)
                free(v[i]);
            free(v);
            free(buf);
            return len;
        }
        v[n] = ue_strdup(buf);
    }
    v[n] = NULL;
    free(buf);
    *out = v;
    return 0;
fault:
    v[n] = NULL;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    free(buf);
    return -EFAULT;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* What the kernel's execve of path would fail with (0: it would run it).
 * *native: an ELF ue does not run (another architecture or class): the
 * host runs it, if it can. */
static int exec_check(const char *path, int depth, bool *native)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        /* Executable but not readable (mode 0111): the kernel runs it; ue
         * cannot read it, so the host does. */
        if (e == EACCES && access(path, X_OK) == 0) {
            *native = true;
            return 0;
        }
        return e;
    }
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) != 0)
        err = EACCES;
    if (err) {
        close(fd);
        return err;
    }
    u8 hdr[256] = {0};
    ssize_t n = pread(fd, hdr, sizeof hdr, 0);
    if (n >= 4 && memcmp(hdr, ELFMAG, SELFMAG) == 0) {
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)hdr;
        if (n < (ssize_t)sizeof *eh || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
            *native = true;
        close(fd);
        return 0;
    }
    if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
        char interp[256], arg[256];
        const char *why;
        int k = lx_parse_shebang(fd, interp, arg, &why);
        close(fd);
        if (k < 0)
            return ENOEXEC;
        if (depth + 1 >= MAX_SCRIPT_DEPTH)
            return ELOOP;
        return exec_check(interp, depth + 1, native);
    }
    close(fd);
    return ENOEXEC;
}

/* Does --trace-children-skip name path? */
static bool skipped(const char *path)
{
    const char *list = lx_proc.opts->trace_children_skip;
    if (!list || !*list)
        return false;
    char *copy = ue_strdup(list), *save = NULL;
    bool hit = false;
    for (char *pat = strtok_r(copy, ",", &save); pat && !hit; pat = strtok_r(NULL, ",", &save))
        hit = fnmatch(pat, path, 0) == 0;
    free(copy);
    return hit;
}

/* Signals ue holds for the guest go back to the host's pending set, the
 * host mask becomes the guest's: what execve preserves. */
static void hand_signals_back(LxThread *t)
{
    u64 held = __atomic_exchange_n(&t->pending, 0, __ATOMIC_SEQ_CST);
    for (int sig = 1; sig <= 64; sig++)
        if ((held & LX_SIGBIT(sig)) && sig != SIGSEGV && sig != SIGBUS)
            syscall(SYS_rt_tgsigqueueinfo, getpid(), t->tid, sig, &t->info[sig]);
    lx_set_host_mask(t);
}

/* The command line of the ue that follows: ue, its options, the program. */
static char **follow_argv(const char *file, char **argv)
{
    size_t nopt = 0, nargs = 0;
    char **opts = lx_proc.opts->child_options;
    while (opts && opts[nopt])
        nopt++;
    while (argv[nargs])
        nargs++;
    char **v = ue_calloc(nopt + nargs + 8, sizeof *v);
    size_t k = 0;
    v[k++] = lx_proc.ue_path;
    for (size_t i = 0; i < nopt; i++)
        v[k++] = opts[i];
    v[k++] = "--command-line-only=yes";
    char *logfd = NULL, *argv0 = NULL;
    if (ue_log_fd() != 2 && asprintf(&logfd, "--log-fd=%d", ue_log_fd()) > 0)
        v[k++] = logfd;
    if ((nargs == 0 || strcmp(argv[0], file) != 0) && asprintf(&argv0, "--argv0=%s", nargs ? argv[0] : "") > 0)
        v[k++] = argv0;
    v[k++] = "--";
    v[k++] = (char *)file;
    for (size_t i = 1; i < nargs; i++)
        v[k++] = argv[i];
    v[k] = NULL;
    return v;
}

/* The file execveat(dirfd, path, flags) names, as a path ue can open. */
static i64 resolve(int dirfd, const char *path, int flags, char *out, size_t len)
{
    if (!path[0]) {
        if (!(flags & AT_EMPTY_PATH))
            return -ENOENT;
        snprintf(out, len, "/proc/self/fd/%d", dirfd);
    } else if (lx_is_proc_self(path, "exe")) {
        /* The host's /proc/self/exe is ue (busybox re-executes itself
         * through it to run an applet). */
        snprintf(out, len, "%s", lx_proc.exe_path);
    } else if (path[0] == '/' || dirfd == AT_FDCWD) {
        snprintf(out, len, "%s", path);
    } else {
        snprintf(out, len, "/proc/self/fd/%d/%s", dirfd, path);
    }
    /* The new ue opens the file after the exec: a close-on-exec descriptor
     * would be gone by then, so it is given one that stays (a stray
     * descriptor in the new program, rather than a failure). */
    if ((!path[0] || (path[0] != '/' && dirfd != AT_FDCWD)) && fcntl(dirfd, F_GETFD) == FD_CLOEXEC) {
        int fd = fcntl(dirfd, F_DUPFD, 100);
        if (fd < 0)
            return -errno;
        if (!path[0])
            snprintf(out, len, "/proc/self/fd/%d", fd);
        else
            snprintf(out, len, "/proc/self/fd/%d/%s", fd, path);
    }
    return 0;
}

static i64 do_execve(GuestCpu *cpu, int dirfd, u64 upath, u64 uargv, u64 uenvp, int flags)
{
    char path[PATH_MAX], file[PATH_MAX + 64];
    i64 r = lx_copy_str(upath, path, sizeof path);
    if (r < 0)
        return r;
    char **argv = NULL, **envp = NULL;
    if ((r = copy_strv(uargv, &argv)) < 0)
        return r;
    if ((r = copy_strv(uenvp, &envp)) < 0)
        goto out;
    if (!argv) {
        /* execve(path, NULL, ...): the kernel gives an argv of one "" */
        argv = ue_calloc(2, sizeof *argv);
        argv[0] = ue_strdup("");
    }
    if (!envp)
        envp = ue_calloc(1, sizeof *envp);
    if ((r = resolve(dirfd, path, flags, file, sizeof file)) < 0)
        goto out;
    bool native = false;
    int e = exec_check(file, 0, &native);
    if (e) {
        r = -e;
        goto out;
    }
    LxThread *t = lx_thread(cpu);
    hand_signals_back(t);
    if (native || !lx_proc.opts->trace_children || skipped(file)) {
        syscall(SYS_execve, file, argv, envp);
        r = -errno;
    } else {
        char **v = follow_argv(file, argv);
        int logfd = ue_log_fd();
        if (logfd != 2)
            fcntl(logfd, F_SETFD, 0); /* handed to the new ue */
        syscall(SYS_execve, lx_proc.ue_path, v, envp);
        r = -errno;
        if (logfd != 2)
            fcntl(logfd, F_SETFD, FD_CLOEXEC);
        free(v);
    }
    lx_set_host_mask(t);
out:
    free_strv(argv);
    free_strv(envp);
    return r;
}

i64 sys_execve(GuestCpu *cpu, const u64 *a) { return do_execve(cpu, AT_FDCWD, a[0], a[1], a[2], 0); }

i64 sys_execveat(GuestCpu *cpu, const u64 *a)
{
    if (a[4] & ~(u64)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    return do_execve(cpu, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
