/*
 * base.h — leaf utilities shared by every layer of ue: fixed-width types, the
 * guest address type, panic/assert, logging, a bump arena and a growable
 * vector.  Nothing here knows about x86, guests or IR.
 *
 * Invariants: no mutable globals except the log sink; every function is safe
 * to call from any guest thread.
 */
#ifndef UE_BASE_H
#define UE_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;

/* A guest virtual address.  The native build identity-maps guest memory, so a
 * GuestAddr is also a valid host address, but code says which one it means. */
typedef uint64_t GuestAddr;

/* A 128-bit vector value (an XMM register), little-endian lanes. */
typedef struct V128 {
    u64 lo, hi;
} V128;

#define UE_LIKELY(x) __builtin_expect(!!(x), 1)
#define UE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define UE_NORETURN __attribute__((noreturn))
#define UE_NOINLINE __attribute__((noinline))
#define UE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define UE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UE_ALIGN_UP(x, a) (((x) + (a) - 1) & ~((u64)(a) - 1))
#define UE_ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define UE_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UE_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Broken internal invariant: print file:line and the message, then abort.
 * Never used for guest faults or user errors (see STYLE.md, "Errors"). */
UE_NORETURN UE_PRINTF(3, 4) void ue_panic_at(const char *file, int line, const char *fmt, ...);
#define ue_panic(...) ue_panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define ue_assert(c)                                                         \
    do {                                                                     \
        if (UE_UNLIKELY(!(c)))                                               \
            ue_panic_at(__FILE__, __LINE__, "assertion failed: %s", #c);     \
    } while (0)

/* Messages from ue itself go to stderr (or --log-file), prefixed "ue: ". */
UE_PRINTF(1, 2) void ue_log(const char *fmt, ...);
void ue_vlog(const char *fmt, va_list ap);
/* Name pid in ue's messages ("ue[PID]: "), as a child process does; 0:
 * plain "ue: ". */
void ue_log_set_pid(int pid);
/* Redirect ue's own messages to fd (default 2). */
void ue_log_set_fd(int fd);
int ue_log_fd(void);
/* Write all of buf to fd, retrying on EINTR and short writes. */
void ue_write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes from fd at offset off (or from its file position
 * when off < 0), retrying on EINTR and short reads; false on an error or
 * end of file first. */
bool ue_read_all(int fd, void *buf, size_t len, i64 off);
/* ue's own descriptors live at the top of the descriptor table, in the
 * UE_FD_RESERVE numbers below the soft limit (at most 2^20) from
 * ue_fd_reserved() up (-1: the limit is too low to spare them), where the
 * guest's lowest-first numbering does not reach (unless it raises its
 * limit and opens that many).  ue_fd_high moves fd there and returns the
 * new close-on-exec fd (fd itself if it cannot be moved; fd < 0
 * unchanged); ue_fd_own says whether fd is one it moved there and that
 * ue_fd_close has not given back (the guest's close, dup2 and close_range
 * leave those alone, as Valgrind does). */
enum { UE_FD_RESERVE = 64 };
int ue_fd_reserved(void);
int ue_fd_high(int fd);
bool ue_fd_own(i64 fd);
void ue_fd_close(int fd);

/* Allocation that cannot fail: out of memory is a ue_panic. */
void *ue_malloc(size_t n);
void *ue_calloc(size_t n, size_t size);
void *ue_realloc(void *p, size_t n);
char *ue_strdup(const char *s);

/*
 * Arena: bump allocation for translation-time data, dropped as a whole after
 * a block is emitted (cf. VEX LibVEX_Alloc).  Chunks are malloc'd and reused
 * across arena_reset, so steady-state translation does not call malloc.
 */
typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head;  /* chunk being filled */
    ArenaChunk *spare; /* chunks freed by arena_reset, reused first */
    size_t used;       /* bytes used in head */
} Arena;

void *arena_alloc(Arena *a, size_t n);
void arena_reset(Arena *a);
void arena_free(Arena *a);

/*
 * Region: bump allocation for records that live until a flush (the JIT's
 * per-block records and chain links), in address space reserved once and
 * faulted in ahead in large steps: one madvise per step instead of a page
 * fault per 4 KiB, which costs microseconds each on a virtual machine.
 */
typedef struct Region {
    size_t size;      /* bytes to reserve (set before first use) */
    u8 *base;
    size_t used, populated;
} Region;

/* 16-byte aligned; NULL once the reservation is used up. */
void *region_alloc(Region *r, size_t n);
/* Forget everything allocated (the memory stays faulted in for reuse). */
void region_reset(Region *r);

/* Growable array of T: declare `T *v; u32 n, cap;` and call VEC_PUSH. */
#define VEC_GROW(v, n, cap, need)                                            \
    do {                                                                     \
        if ((need) > (cap)) {                                                \
            u32 c_ = (cap) ? (cap) : 8;                                      \
            while (c_ < (need))                                              \
                c_ *= 2;                                                     \
            (v) = ue_realloc((v), (size_t)c_ * sizeof(*(v)));                \
            (cap) = c_;                                                      \
        }                                                                    \
    } while (0)
#define VEC_PUSH(v, n, cap, x)                                               \
    do {                                                                     \
        VEC_GROW(v, n, cap, (n) + 1);                                        \
        (v)[(n)++] = (x);                                                    \
    } while (0)

/* 64-bit mixing hash (splitmix64 finaliser). */
static inline u64 ue_hash64(u64 x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* Deterministic PRNG (xorshift64*), used for ASLR with --seed and in tests. */
typedef struct UeRand {
    u64 s;
} UeRand;
static inline u64 ue_rand_next(UeRand *r)
{
    u64 x = r->s ? r->s : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
