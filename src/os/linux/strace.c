/*
 * strace.c — `--strace` / `-strace`: every system call with its decoded
 * arguments and result, in strace's own format so that the output reads (and
 * diffs, and greps) like strace's:
 *
 *   openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "\177ELF\2\1\1\0"..., 832)      = 832
 *   access("missing", R_OK)                 = -1 ENOENT (No such file or directory)
 *
 * As strace does: strings are cut at 32 characters ("..."), the result
 * starts at column 40, a call that does not return ends in "= ?", the
 * program's start is an execve line and its end a "+++ exited with N +++"
 * (or "--- SIGSEGV {...} ---" and "+++ killed by SIGSEGV +++") line.
 * Structures strace expands are expanded for the common calls (stat,
 * signal sets) and printed as addresses otherwise.
 *
 * Argument letters (the format strings of syscalls.def):
 *   d signed    u unsigned    x hex (0 as "0")    p pointer (NULL)
 *   f fd (AT_FDCWD)    s string    o open flags    m mode (0644)
 *   c mode of open/openat/creat: shown only if the flags before it create
 *   b buffer the call fills (length: next argument; shown up to the result)
 *   B buffer the call reads (length: next argument)
 *   T struct stat the call fills    P mmap prot    M mmap flags
 *   S signal    a access mode    A AT_* flags    W lseek whence
 *   K arch_prctl code    R rlimit resource    H sigprocmask how
 *   Q signal set the call reads    q signal set the call fills
 *   F fcntl command    I ioctl request
 * Result letters: d (or "-1 ERRNO (text)"), x (hex), o (octal), n (the
 * call does not return: "= ?").
 */
#include "os/linux/lx_priv.h"

#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

enum { STR_SHOWN = 32, RESULT_COLUMN = 39 };
/* Marks an output argument in a line held between entry and exit. */
#define OUT_MARK '\001'

typedef struct Line {
    char buf[2048];
    size_t n;
} Line;

typedef struct Flag {
    u64 bit;
    const char *name;
} Flag;

UE_PRINTF(2, 3) static void put(Line *l, const char *fmt, ...)
{
    if (l->n >= sizeof l->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(l->buf + l->n, sizeof l->buf - l->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        l->n = UE_MIN(l->n + (size_t)k, sizeof l->buf - 1);
}

static void put_hex(Line *l, u64 v) { put(l, "%#llx", (unsigned long long)v); }

static void put_ptr(Line *l, u64 v)
{
    if (v)
        put_hex(l, v);
    else
        put(l, "NULL");
}

/* A guest string or buffer, quoted and escaped as strace does. */
static void put_string(Line *l, u64 p, u64 max, bool nul_terminated)
{
    if (!p) {
        put(l, "NULL");
        return;
    }
    if (!lx_readable(p, 1)) {
        put_hex(l, p);
        return;
    }
    const u8 *s = (const u8 *)(uintptr_t)p;
    put(l, "\"");
    u64 i;
    for (i = 0; i < max && i < STR_SHOWN && lx_readable(p + i, 1); i++) {
        u8 c = s[i];
        if (nul_terminated && c == 0)
            break;
        switch (c) {
        case '"': put(l, "\\\""); break;
        case '\\': put(l, "\\\\"); break;
        case '\n': put(l, "\\n"); break;
        case '\t': put(l, "\\t"); break;
        case '\r': put(l, "\\r"); break;
        case '\v': put(l, "\\v"); break;
        case '\f': put(l, "\\f"); break;
        default:
            if (c >= 32 && c < 127)
                put(l, "%c", c);
            else
                put(l, "\\%o", c);
        }
    }
    put(l, "\"");
    bool more = nul_terminated ? i == STR_SHOWN && lx_readable(p + i, 1) && s[i] != 0 : i < max;
    if (more)
        put(l, "...");
}

static void put_flags(Line *l, u64 v, const Flag *f, size_t n, const char *zero)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (f[i].bit && (v & f[i].bit) == f[i].bit) {
            put(l, "%s%s", any ? "|" : "", f[i].name);
            v &= ~f[i].bit;
            any = true;
        }
    }
    if (any && v)
        put(l, "|%#llx", (unsigned long long)v);
    else if (!any && (v || !zero))
        put_hex(l, v);
    else if (!any)
        put(l, "%s", zero);
}

/* One of a set of named values, or the number. */
static void put_enum(Line *l, u64 v, const Flag *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].bit == v) {
            put(l, "%s", f[i].name);
            return;
        }
    put(l, "%#llx", (unsigned long long)v);
}
#define PUT_FLAGS(l, v, table, zero) put_flags(l, v, table, UE_ARRAY_LEN(table), zero)
#define PUT_ENUM(l, v, table) put_enum(l, v, table, UE_ARRAY_LEN(table))

static void put_open_flags(Line *l, u64 v)
{
    static const Flag f[] = {
        {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"},
        {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_SYNC, "O_SYNC"}, {O_DSYNC, "O_DSYNC"},
        {O_DIRECT, "O_DIRECT"}, {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
        {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"},
        {O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"},
    };
    static const char *const access_mode[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    put(l, "%s", access_mode[v & 3]);
    if (v & ~3ull) {
        put(l, "|");
        PUT_FLAGS(l, v & ~3ull, f, NULL);
    }
}

static void put_signal(Line *l, u64 v, bool prefix)
{
    const char *abbr = (int)v > 0 && (int)v < 65 ? sigabbrev_np((int)v) : NULL;
    if (abbr)
        put(l, "%s%s", prefix ? "SIG" : "", abbr);
    else
        put(l, "%d", (int)v);
}

/* A 64-bit guest signal set: "[INT TERM]", or "~[...]" for most signals. */
static void put_sigset(Line *l, u64 p)
{
    if (!p || !lx_readable(p, 8)) {
        put_ptr(l, p);
        return;
    }
    u64 set = *(const u64 *)(uintptr_t)p;
    bool inverted = __builtin_popcountll(set) > 32;
    if (inverted)
        set = ~set;
    put(l, "%s[", inverted ? "~" : "");
    bool first = true;
    for (int sig = 1; sig <= 64; sig++)
        if (set >> (sig - 1) & 1) {
            put(l, "%s", first ? "" : " ");
            put_signal(l, (u64)sig, false);
            first = false;
        }
    put(l, "]");
}

/* struct stat as strace abbreviates it: type and mode, then size. */
static void put_stat(Line *l, u64 p)
{
    if (!lx_readable(p, sizeof(struct stat))) {
        put_ptr(l, p);
        return;
    }
    const struct stat *st = (const struct stat *)(uintptr_t)p;
    static const Flag types[] = {
        {S_IFREG, "S_IFREG"}, {S_IFDIR, "S_IFDIR"}, {S_IFCHR, "S_IFCHR"}, {S_IFBLK, "S_IFBLK"},
        {S_IFIFO, "S_IFIFO"}, {S_IFLNK, "S_IFLNK"}, {S_IFSOCK, "S_IFSOCK"},
    };
    put(l, "{st_mode=");
    PUT_ENUM(l, st->st_mode & S_IFMT, types);
    put(l, "|%#03o, ", st->st_mode & 07777);
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        put(l, "st_rdev=makedev(%#x, %#x), ...}", major(st->st_rdev), minor(st->st_rdev));
    else
        put(l, "st_size=%lld, ...}", (long long)st->st_size);
}

static void put_named(Line *l, char c, u64 v)
{
    static const Flag at[] = {
        {AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {AT_REMOVEDIR, "AT_REMOVEDIR"},
        {AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"}, {AT_EMPTY_PATH, "AT_EMPTY_PATH"},
    };
    static const Flag access_modes[] = {{R_OK, "R_OK"}, {W_OK, "W_OK"}, {X_OK, "X_OK"}};
    static const Flag whence[] = {{SEEK_SET, "SEEK_SET"}, {SEEK_CUR, "SEEK_CUR"}, {SEEK_END, "SEEK_END"},
                                  {SEEK_DATA, "SEEK_DATA"}, {SEEK_HOLE, "SEEK_HOLE"}};
    static const Flag arch[] = {{ARCH_SET_GS, "ARCH_SET_GS"}, {ARCH_SET_FS, "ARCH_SET_FS"},
                                {ARCH_GET_FS, "ARCH_GET_FS"}, {ARCH_GET_GS, "ARCH_GET_GS"},
                                {ARCH_GET_CPUID, "ARCH_GET_CPUID"}, {ARCH_SET_CPUID, "ARCH_SET_CPUID"}};
    static const Flag rlim[] = {
        {RLIMIT_CPU, "RLIMIT_CPU"}, {RLIMIT_FSIZE, "RLIMIT_FSIZE"}, {RLIMIT_DATA, "RLIMIT_DATA"},
        {RLIMIT_STACK, "RLIMIT_STACK"}, {RLIMIT_CORE, "RLIMIT_CORE"}, {RLIMIT_RSS, "RLIMIT_RSS"},
        {RLIMIT_NPROC, "RLIMIT_NPROC"}, {RLIMIT_NOFILE, "RLIMIT_NOFILE"}, {RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"},
        {RLIMIT_AS, "RLIMIT_AS"}, {RLIMIT_LOCKS, "RLIMIT_LOCKS"}, {RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING"},
        {RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE"}, {RLIMIT_NICE, "RLIMIT_NICE"}, {RLIMIT_RTPRIO, "RLIMIT_RTPRIO"},
        {RLIMIT_RTTIME, "RLIMIT_RTTIME"},
    };
    static const Flag how[] = {{SIG_BLOCK, "SIG_BLOCK"}, {SIG_UNBLOCK, "SIG_UNBLOCK"}, {SIG_SETMASK, "SIG_SETMASK"}};
    static const Flag fcntl_cmd[] = {
        {F_DUPFD, "F_DUPFD"}, {F_GETFD, "F_GETFD"}, {F_SETFD, "F_SETFD"}, {F_GETFL, "F_GETFL"},
        {F_SETFL, "F_SETFL"}, {F_GETLK, "F_GETLK"}, {F_SETLK, "F_SETLK"}, {F_SETLKW, "F_SETLKW"},
        {F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"}, {F_SETPIPE_SZ, "F_SETPIPE_SZ"}, {F_GETPIPE_SZ, "F_GETPIPE_SZ"},
        {F_ADD_SEALS, "F_ADD_SEALS"}, {F_GET_SEALS, "F_GET_SEALS"},
    };
    static const Flag ioctl_req[] = {
        {TCGETS, "TCGETS"}, {TCSETS, "TCSETS"}, {TCSETSW, "TCSETSW"}, {TIOCGWINSZ, "TIOCGWINSZ"},
        {TIOCSWINSZ, "TIOCSWINSZ"}, {TIOCGPGRP, "TIOCGPGRP"}, {TIOCSPGRP, "TIOCSPGRP"}, {FIONREAD, "FIONREAD"},
        {FIONBIO, "FIONBIO"}, {FIOCLEX, "FIOCLEX"}, {FIONCLEX, "FIONCLEX"},
    };
    switch (c) {
    case 'A': PUT_FLAGS(l, v, at, "0"); break;
    case 'a': PUT_FLAGS(l, v, access_modes, "F_OK"); break;
    case 'W': PUT_ENUM(l, v, whence); break;
    case 'K': PUT_ENUM(l, v, arch); break;
    case 'R': PUT_ENUM(l, v, rlim); break;
    case 'H': PUT_ENUM(l, v, how); break;
    case 'F': PUT_ENUM(l, v, fcntl_cmd); break;
    case 'I': PUT_ENUM(l, v, ioctl_req); break;
    }
}

static void put_mmap(Line *l, char c, u64 v)
{
    static const Flag prot[] = {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"},
                                {PROT_GROWSDOWN, "PROT_GROWSDOWN"}};
    static const Flag flags[] = {
        {MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"}, {MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"},
        {MAP_FIXED, "MAP_FIXED"}, {MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {MAP_32BIT, "MAP_32BIT"},
        {MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {MAP_DENYWRITE, "MAP_DENYWRITE"}, {MAP_NORESERVE, "MAP_NORESERVE"},
        {MAP_POPULATE, "MAP_POPULATE"}, {MAP_STACK, "MAP_STACK"}, {MAP_HUGETLB, "MAP_HUGETLB"},
        {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
    };
    if (c == 'P')
        PUT_FLAGS(l, v, prot, "PROT_NONE");
    else
        PUT_FLAGS(l, v, flags, "0");
}

static void put_arg(Line *l, char c, const u64 *a, unsigned i)
{
    u64 v = a[i];
    switch (c) {
    case 'd': put(l, "%lld", (long long)(i64)v); break;
    case 'u': put(l, "%llu", (unsigned long long)v); break;
    case 'o': put_open_flags(l, v); break;
    case 'm':
    case 'c': put(l, "%#03llo", (unsigned long long)v); break;
    case 'f': (int)v == AT_FDCWD ? put(l, "AT_FDCWD") : put(l, "%d", (int)v); break;
    case 's': put_string(l, v, 4096, true); break;
    case 'B': put_string(l, v, i < 5 ? a[i + 1] : 0, false); break;
    case 'P':
    case 'M': put_mmap(l, c, v); break;
    case 'S': put_signal(l, v, true); break;
    case 'Q': put_sigset(l, v); break;
    case 'p': put_ptr(l, v); break;
    case 'A': case 'a': case 'W': case 'K': case 'R': case 'H': case 'F': case 'I': put_named(l, c, v); break;
    default: put_hex(l, v); break;
    }
}

/* strace prints a call whose output buffers need the result only when it
 * returns; the line waits here (one per guest thread). */
static __thread Line pending;

/* "[pid N] " before each line once the process has more than one thread,
 * as strace -f marks them. */
static void put_pid(Line *l)
{
    if (lx_proc.nthreads > 1 || lx_proc.forked || lx_proc.is_child)
        put(l, "[pid %d] ", (int)gettid());
}

static const char *format_of(u64 nr)
{
    return nr < lx_nsyscalls && lx_syscalls[nr].name ? lx_syscalls[nr].fmt : NULL;
}

/* Pad the call to the result column and write it with its result. */
static void finish_line(Line *l, const char *result)
{
    while (l->n < RESULT_COLUMN)
        put(l, " ");
    put(l, " = %s\n", result);
    ue_write_all(ue_log_fd(), l->buf, l->n);
}

void lx_strace_enter(GuestCpu *cpu, u64 nr, const u64 *a)
{
    (void)cpu;
    Line *l = &pending;
    l->n = 0;
    put_pid(l);
    const char *fmt = format_of(nr);
    if (!fmt) {
        put(l, "syscall_%#llx(", (unsigned long long)nr);
        for (unsigned i = 0; i < 6; i++)
            put(l, "%s%#llx", i ? ", " : "", (unsigned long long)a[i]);
        return;
    }
    put(l, "%s(", lx_syscalls[nr].name);
    for (unsigned i = 0; i < 6 && fmt[i] && fmt[i] != ':'; i++) {
        char c = fmt[i];
        /* open's mode means something only when the call creates a file. */
        if (c == 'c' && i > 0 && !(a[i - 1] & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))))
            continue;
        if (i)
            put(l, ", ");
        if (c == 'b' || c == 'T' || c == 'q')
            put(l, "%c%c%u", OUT_MARK, c, i); /* filled in at exit */
        else
            put_arg(l, c, a, i);
    }
    const char *colon = strchr(fmt, ':');
    if (colon && colon[1] == 'n') {
        put(l, ")");
        finish_line(l, "?");
        l->n = 0;
    }
}

/* Expand an output argument now that the call has filled it. */
static void put_output(Line *out, char c, const u64 *a, unsigned k, i64 ret)
{
    if (ret < 0)
        put_ptr(out, a[k]);
    else if (c == 'b')
        put_string(out, a[k], (u64)ret, false);
    else if (c == 'T')
        put_stat(out, a[k]);
    else
        put_sigset(out, a[k]);
}

void lx_strace_exit(GuestCpu *cpu, u64 nr, const u64 *a, i64 ret)
{
    (void)cpu;
    Line *l = &pending, out = {.n = 0};
    if (!l->n)
        return;
    for (size_t i = 0; i < l->n; i++) {
        if (l->buf[i] == OUT_MARK && i + 2 < l->n) {
            put_output(&out, l->buf[i + 1], a, (unsigned)(l->buf[i + 2] - '0'), ret);
            i += 2;
        } else {
            put(&out, "%c", l->buf[i]);
        }
    }
    put(&out, ")");
    const char *fmt = format_of(nr);
    const char *colon = fmt ? strchr(fmt, ':') : NULL;
    char rc = colon ? colon[1] : 'd', result[160];
    static const char *const restart[] = {"ERESTARTSYS (To be restarted if SA_RESTART is set)",
                                          "ERESTARTNOINTR (To be restarted)",
                                          "ERESTARTNOHAND (To be restarted if no handler)", "",
                                          "ERESTART_RESTARTBLOCK (Interrupted by signal)"};
    if (ret <= -LX_ERESTARTSYS && ret >= -LX_ERESTART_RESTARTBLOCK && nr != 15) {
        snprintf(result, sizeof result, "? %s", restart[-ret - LX_ERESTARTSYS]);
    } else if (ret < 0 && ret >= -4095) {
        const char *name = strerrorname_np((int)-ret);
        snprintf(result, sizeof result, "-1 %s (%s)", name ? name : "E?", strerror((int)-ret));
    } else if (rc == 'x') {
        snprintf(result, sizeof result, "%#llx", (unsigned long long)ret);
    } else if (rc == 'o') {
        snprintf(result, sizeof result, "%#03llo", (unsigned long long)ret);
    } else {
        snprintf(result, sizeof result, "%lld", (long long)ret);
    }
    finish_line(&out, result);
    l->n = 0;
}

void lx_strace_execve(const char *path, char **argv, GuestAddr envp, int envc)
{
    Line l = {.n = 0};
    /* ue's own strings, not guest memory: copied through a guest-free
     * path, quoted the same way. */
    put(&l, "execve(\"%s\", [", path);
    for (int i = 0; argv[i]; i++) {
        size_t n = strlen(argv[i]);
        put(&l, "%s\"%.*s\"%s", i ? ", " : "", (int)UE_MIN(n, (size_t)STR_SHOWN), argv[i], n > STR_SHOWN ? "..." : "");
    }
    put(&l, "], %#llx /* %d var%s */)", (unsigned long long)envp, envc, envc == 1 ? "" : "s");
    finish_line(&l, "0");
}

void lx_strace_exited(int status)
{
    Line l = {.n = 0};
    put_pid(&l);
    put(&l, "+++ exited with %d +++\n", status);
    ue_write_all(ue_log_fd(), l.buf, l.n);
}

void lx_strace_killed(int sig, const char *code, GuestAddr addr)
{
    Line l = {.n = 0};
    const char *abbr = sigabbrev_np(sig);
    abbr = abbr ? abbr : "?";
    put_pid(&l);
    put(&l, "--- SIG%s {si_signo=SIG%s, si_code=%s", abbr, abbr, code);
    if (strncmp(code, "SI_", 3) != 0) /* a fault, not a signal someone sent */
        put(&l, ", si_addr=%#llx", (unsigned long long)addr);
    put(&l, "} ---\n+++ killed by SIG%s +++\n", abbr);
    ue_write_all(ue_log_fd(), l.buf, l.n);
}

/* A signal delivered to a handler: "--- SIGUSR1 {si_signo=SIGUSR1,
 * si_code=SI_USER, si_pid=N, si_uid=N} ---". */
void lx_strace_signal(const LxSigInfo *info)
{
    Line l = {.n = 0};
    const char *abbr = sigabbrev_np(info->signo);
    abbr = abbr ? abbr : "?";
    put_pid(&l);
    put(&l, "--- SIG%s {si_signo=SIG%s, si_code=", abbr, abbr);
    static const Flag codes[] = {{(u64)(i64)SI_USER, "SI_USER"}, {(u64)(i64)SI_TKILL, "SI_TKILL"},
                                 {(u64)(i64)SI_QUEUE, "SI_QUEUE"}, {(u64)(i64)SI_TIMER, "SI_TIMER"},
                                 {(u64)(i64)SI_KERNEL, "SI_KERNEL"}, {(u64)(i64)SI_MESGQ, "SI_MESGQ"},
                                 {(u64)(i64)SI_ASYNCIO, "SI_ASYNCIO"}, {(u64)(i64)SI_SIGIO, "SI_SIGIO"}};
    static const Flag chld[] = {{CLD_EXITED, "CLD_EXITED"}, {CLD_KILLED, "CLD_KILLED"}, {CLD_DUMPED, "CLD_DUMPED"},
                                {CLD_TRAPPED, "CLD_TRAPPED"}, {CLD_STOPPED, "CLD_STOPPED"},
                                {CLD_CONTINUED, "CLD_CONTINUED"}};
    static const Flag segv[] = {{SEGV_MAPERR, "SEGV_MAPERR"}, {SEGV_ACCERR, "SEGV_ACCERR"}};
    static const Flag bus[] = {{BUS_ADRALN, "BUS_ADRALN"}, {BUS_ADRERR, "BUS_ADRERR"}};
    static const Flag fpe[] = {{FPE_INTDIV, "FPE_INTDIV"}, {FPE_INTOVF, "FPE_INTOVF"}};
    static const Flag ill[] = {{ILL_ILLOPC, "ILL_ILLOPC"}, {ILL_ILLOPN, "ILL_ILLOPN"}};
    bool fault = info->code > 0 && info->code != SI_KERNEL && info->signo != SIGCHLD;
    if (info->signo == SIGCHLD && info->code > 0)
        PUT_ENUM(&l, (u64)info->code, chld);
    else if (fault && info->signo == SIGSEGV)
        PUT_ENUM(&l, (u64)info->code, segv);
    else if (fault && info->signo == SIGBUS)
        PUT_ENUM(&l, (u64)info->code, bus);
    else if (fault && info->signo == SIGFPE)
        PUT_ENUM(&l, (u64)info->code, fpe);
    else if (fault && info->signo == SIGILL)
        PUT_ENUM(&l, (u64)info->code, ill);
    else if (fault)
        put(&l, "%d", info->code);
    else
        PUT_ENUM(&l, (u64)(i64)info->code, codes);
    if (info->signo == SIGCHLD && info->code > 0)
        put(&l, ", si_pid=%d, si_uid=%u, si_status=%d, si_utime=%lld, si_stime=%lld", info->u.chld.pid,
            info->u.chld.uid, info->u.chld.status, (long long)info->u.chld.utime, (long long)info->u.chld.stime);
    else if (fault)
        put(&l, ", si_addr=%#llx", (unsigned long long)info->u.fault.addr);
    else if (info->code == SI_USER || info->code == SI_TKILL || info->code == SI_QUEUE)
        put(&l, ", si_pid=%d, si_uid=%u", info->u.kill.pid, info->u.kill.uid);
    put(&l, "} ---\n");
    ue_write_all(ue_log_fd(), l.buf, l.n);
}
