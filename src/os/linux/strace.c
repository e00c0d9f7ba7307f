/*
 * strace.c — `--strace` / `-strace`: every system call with its decoded
 * arguments and result, in strace's own format so that the output reads (and
 * greps) like strace's:
 *
 *   openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "\177ELF\2\1\1\0"..., 832) = 832
 *   open("/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)
 *
 * Format letters (syscalls.def):
 *   d signed  u unsigned  x hex  o open flags  m mode (octal)  f fd
 *   p pointer  s string  b buffer filled by the call (length: next arg,
 *   printed up to the result)  B buffer read by the call (length: next arg)
 *   P mmap prot  M mmap flags  S signal
 * Result letters: d (or -1 ERRNO), x (hex), o (octal), n (does not return).
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef struct Line {
    char buf[1024];
    size_t n;
} Line;

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

static void put_string(Line *l, u64 p, u64 max, bool nul_terminated)
{
    if (!p) {
        put(l, "NULL");
        return;
    }
    if (!lx_guest_ptr(p, 1) || !mem_range_ok(&lx_proc.gp.mem, p, 1, PROT_READ)) {
        put(l, "0x%llx", (unsigned long long)p);
        return;
    }
    const u8 *s = (const u8 *)(uintptr_t)p;
    put(l, "\"");
    u64 i;
    const u64 shown = 32;
    for (i = 0; i < max && i < shown; i++) {
        if (!mem_range_ok(&lx_proc.gp.mem, p + i, 1, PROT_READ))
            break;
        u8 c = s[i];
        if (nul_terminated && c == 0)
            break;
        switch (c) {
        case '"': put(l, "\\\""); break;
        case '\\': put(l, "\\\\"); break;
        case '\n': put(l, "\\n"); break;
        case '\t': put(l, "\\t"); break;
        case '\r': put(l, "\\r"); break;
        default:
            if (c >= 32 && c < 127)
                put(l, "%c", c);
            else
                put(l, "\\%o", c);
        }
    }
    put(l, "\"");
    if (i == shown && (nul_terminated ? s[i] != 0 : i < max))
        put(l, "...");
}

typedef struct Flag {
    u64 bit;
    const char *name;
} Flag;

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
    if (v || !any) {
        if (any)
            put(l, "|0x%llx", (unsigned long long)v);
        else
            put(l, "%s", zero ? zero : "0");
    }
}

static void put_open_flags(Line *l, u64 v)
{
    static const Flag f[] = {
        {O_WRONLY, "O_WRONLY"}, {O_RDWR, "O_RDWR"}, {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"},
        {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"},
        {O_DSYNC, "O_DSYNC"}, {O_DIRECT, "O_DIRECT"}, {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
        {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"}, {O_PATH, "O_PATH"},
    };
    if ((v & 3) == 0) {
        put(l, "O_RDONLY");
        if (v & ~3ull) {
            put(l, "|");
            put_flags(l, v & ~3ull, f, UE_ARRAY_LEN(f), NULL);
        }
        return;
    }
    put_flags(l, v, f, UE_ARRAY_LEN(f), NULL);
}

static void put_arg(Line *l, char c, const u64 *a, unsigned i)
{
    u64 v = a[i];
    switch (c) {
    case 'd': put(l, "%lld", (long long)(i64)v); break;
    case 'u': put(l, "%llu", (unsigned long long)v); break;
    case 'o': put_open_flags(l, v); break;
    case 'm': put(l, "0%llo", (unsigned long long)v); break;
    case 'f':
        if ((int)v == AT_FDCWD)
            put(l, "AT_FDCWD");
        else
            put(l, "%d", (int)v);
        break;
    case 's': put_string(l, v, 4096, true); break;
    case 'B': put_string(l, v, a[i + 1], false); break;
    case 'P': {
        static const Flag f[] = {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"}};
        put_flags(l, v, f, UE_ARRAY_LEN(f), "PROT_NONE");
        break;
    }
    case 'M': {
        static const Flag f[] = {
            {MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"}, {MAP_FIXED, "MAP_FIXED"},
            {MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {MAP_DENYWRITE, "MAP_DENYWRITE"},
            {MAP_NORESERVE, "MAP_NORESERVE"}, {MAP_POPULATE, "MAP_POPULATE"}, {MAP_STACK, "MAP_STACK"},
            {0x100000, "MAP_FIXED_NOREPLACE"},
        };
        put_flags(l, v, f, UE_ARRAY_LEN(f), NULL);
        break;
    }
    case 'S': {
        const char *abbr = (int)v > 0 && (int)v < 65 ? sigabbrev_np((int)v) : NULL;
        if (abbr)
            put(l, "SIG%s", abbr);
        else
            put(l, "%d", (int)v);
        break;
    }
    case 'p':
    case 'b':
        if (v)
            put(l, "0x%llx", (unsigned long long)v);
        else
            put(l, "NULL");
        break;
    default:
        put(l, "0x%llx", (unsigned long long)v);
        break;
    }
}

/* strace prints a call whose output buffer needs the result only when it
 * returns; keep the line until then. */
static Line pending;

void lx_strace_enter(GuestCpu *cpu, u64 nr, const u64 *a)
{
    (void)cpu;
    Line *l = &pending;
    l->n = 0;
    if (nr >= lx_nsyscalls || !lx_syscalls[nr].name) {
        put(l, "syscall_%llu(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx", (unsigned long long)nr,
            (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2], (unsigned long long)a[3],
            (unsigned long long)a[4], (unsigned long long)a[5]);
        return;
    }
    const LxSyscall *sc = &lx_syscalls[nr];
    put(l, "%s(", sc->name);
    for (unsigned i = 0; i < 6 && sc->fmt[i] && sc->fmt[i] != ':'; i++) {
        if (i)
            put(l, ", ");
        if (sc->fmt[i] == 'b') {
            l->buf[l->n] = 0;
            put(l, "\001%u", i); /* filled in at exit */
            continue;
        }
        put_arg(l, sc->fmt[i], a, i);
    }
    const char *colon = strchr(sc->fmt, ':');
    if (colon && colon[1] == 'n') {
        put(l, ") = ?\n");
        ue_write_all(ue_log_fd(), l->buf, l->n);
        l->n = 0;
    }
}

void lx_strace_exit(GuestCpu *cpu, u64 nr, const u64 *a, i64 ret)
{
    (void)cpu;
    Line *l = &pending, out = {.n = 0};
    if (!l->n)
        return;
    /* Expand output-buffer placeholders now that the call has filled them. */
    for (size_t i = 0; i < l->n; i++) {
        if (l->buf[i] == '\001') {
            unsigned k = (unsigned)(l->buf[++i] - '0');
            if (ret >= 0)
                put_string(&out, a[k], (u64)ret, false);
            else
                put(&out, "0x%llx", (unsigned long long)a[k]);
            continue;
        }
        put(&out, "%c", l->buf[i]);
    }
    const char *fmt = nr < lx_nsyscalls && lx_syscalls[nr].fmt ? lx_syscalls[nr].fmt : ":d";
    const char *colon = strchr(fmt, ':');
    char rc = colon ? colon[1] : 'd';
    if (ret < 0 && ret >= -4095) {
        const char *name = strerrorname_np((int)-ret);
        put(&out, ") = -1 %s (%s)\n", name ? name : "E?", strerror((int)-ret));
    } else if (rc == 'x') {
        put(&out, ") = 0x%llx\n", (unsigned long long)ret);
    } else if (rc == 'o') {
        put(&out, ") = 0%llo\n", (unsigned long long)ret);
    } else {
        put(&out, ") = %lld\n", (long long)ret);
    }
    ue_write_all(ue_log_fd(), out.buf, out.n);
    l->n = 0;
}
