/*
 * base.c — panic, logging, checked allocation, the translation arena, and
 * ue's own descriptors kept out of the guest's way.
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static int log_fd = 2;
static int log_pid; /* non-zero: messages say "ue[PID]: " */

void ue_log_set_fd(int fd) { log_fd = fd; }
int ue_log_fd(void) { return log_fd; }

static u64 owned_fds; /* bit i: ue's descriptor ue_fd_reserved() + i */

bool ue_fd_own(i64 fd)
{
    int base = ue_fd_reserved();
    return base >= 0 && fd >= base && fd - base < UE_FD_RESERVE &&
           (__atomic_load_n(&owned_fds, __ATOMIC_SEQ_CST) >> (fd - base) & 1);
}

void ue_fd_close(int fd)
{
    int base = ue_fd_reserved();
    if (ue_fd_own(fd))
        __atomic_and_fetch(&owned_fds, ~(1ull << (fd - base)), __ATOMIC_SEQ_CST);
    close(fd);
}

int ue_fd_reserved(void)
{
    static int base = -2; /* (first set at start-up, by one thread) */
    if (base == -2) {
        struct rlimit rl;
        base = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 4 * UE_FD_RESERVE
                   ? (int)UE_MIN(rl.rlim_cur, 1u << 20) - UE_FD_RESERVE
                   : -1;
    }
    return base;
}

int ue_fd_high(int fd)
{
    int base = ue_fd_reserved();
    if (fd < 0 || base < 0 || fd >= base)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, base);
    if (high < 0)
        return fd;
    if (high - base < UE_FD_RESERVE)
        __atomic_or_fetch(&owned_fds, 1ull << (high - base), __ATOMIC_SEQ_CST);
    close(fd);
    return high;
}

bool ue_read_all(int fd, void *buf, size_t len, i64 off)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = off < 0 ? read(fd, (char *)buf + done, len - done)
                            : pread(fd, (char *)buf + done, len - done, (off_t)(off + (i64)done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

void ue_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

void ue_log_set_pid(int pid) { log_pid = pid; }

void ue_vlog(const char *fmt, va_list ap)
{
    char buf[1024];
    int n = log_pid ? snprintf(buf, sizeof buf, "ue[%d]: ", log_pid) : snprintf(buf, sizeof buf, "ue: ");
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    ue_write_all(log_fd, buf, (size_t)n);
}

void ue_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ue_vlog(fmt, ap);
    va_end(ap);
}

void ue_panic_at(const char *file, int line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ue_log("internal error at %s:%d: %s", file, line, msg);
    abort();
}

void *ue_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ue_panic("out of memory allocating %zu bytes", n);
    return p;
}

void *ue_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        ue_panic("out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *ue_realloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        ue_panic("out of memory reallocating %zu bytes", n);
    return p;
}

char *ue_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ue_malloc(n), s, n);
}

/* ---- region ---- */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* (Linux 5.14; older kernels fault page by page) */
#endif

void *region_alloc(Region *r, size_t n)
{
    /* Steps double from 64 KiB to 1 MiB: a short run populates little. */
    enum { STEP = 1 << 20, FIRST_STEP = 64 << 10 };
    if (!r->base) {
        void *m = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        r->base = m;
    }
    n = UE_ALIGN_UP(n, 16);
    if (n > r->size - r->used)
        return NULL;
    void *p = r->base + r->used;
    r->used += n;
    while (r->populated < r->used) {
        size_t step = UE_MIN((size_t)STEP, UE_MAX((size_t)FIRST_STEP, r->populated));
        size_t len = UE_MIN(step, r->size - r->populated);
        madvise(r->base + r->populated, len, MADV_POPULATE_WRITE);
        r->populated += len;
    }
    return p;
}

void region_reset(Region *r) { r->used = 0; }

/* ---- arena ---- */

struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_CHUNK = 64 * 1024 };

void *arena_alloc(Arena *a, size_t n)
{
    n = UE_ALIGN_UP(n, 16);
    if (!a->head || a->used + n > a->head->size) {
        ArenaChunk *c = NULL;
        if (a->spare && a->spare->size >= n) {
            c = a->spare;
            a->spare = c->next;
        } else {
            size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
            c = ue_malloc(sizeof *c + size);
            c->size = size;
        }
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

void arena_reset(Arena *a)
{
    while (a->head) {
        ArenaChunk *c = a->head;
        a->head = c->next;
        c->next = a->spare;
        a->spare = c;
    }
    a->used = 0;
}

void arena_free(Arena *a)
{
    arena_reset(a);
    while (a->spare) {
        ArenaChunk *c = a->spare;
        a->spare = c->next;
        free(c);
    }
}
