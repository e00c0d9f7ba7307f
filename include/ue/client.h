/*
 * ue/client.h — the one header a guest program includes to talk to ue
 * (DESIGN.md, "Client requests"): ask whether it runs under ue, describe
 * the blocks of its own allocator, mark memory (in)accessible, check it,
 * run a leak check, count errors.  Header only: nothing to link.
 *
 * How a request works.  A macro stores the request number and five
 * arguments in an array on the stack, then runs
 *
 *     rolq $5, %rdi; rolq $17, %rdi; rolq $59, %rdi; rolq $47, %rdi
 *     xchgq %rbx, %rbx
 *
 * with RAX = the array's address and RDX = the default result.  ue's
 * translator (src/arch/x86/translate.c) takes these 19 bytes as one
 * instruction that hands the request to the tool, whose answer comes back
 * in RDX.
 *
 * Why that is safe on a real CPU.  The four rotations of RDI add up to 128
 * bits, two whole turns: RDI ends as it started.  XCHG of a register with
 * itself changes nothing (and, unlike XCHG with memory, locks nothing).
 * RDX keeps the default, which is then the result.  The rotations change
 * CF and OF, which the asm declares ("cc").  A few cycles, no memory
 * access, nothing privileged: a program built with requests runs natively
 * unchanged, where RUNNING_ON_UE is 0 and every request is its default.
 *
 * Valgrind.  The calling convention (array in RAX, result in RDX) and the
 * request numbers are those of Valgrind's valgrind.h and memcheck.h, so
 * one handler in ue serves both.  The rotation amounts differ (Valgrind's
 * are 3, 13, 61, 51): Valgrind runs ue's requests as the no-ops they are
 * natively, rather than taking them for its own.  And ue also recognises
 * Valgrind's sequence, so a program annotated with valgrind.h/memcheck.h
 * works under ue unchanged (there RUNNING_ON_VALGRIND is 1).
 *
 * What memcheck does with them:
 *   UE_MALLOCLIKE_BLOCK(addr, size, rz, zeroed)   a block of a custom
 *       allocator: [addr, addr+size) becomes addressable, rz bytes on each
 *       side unaddressable (its redzones), the block gets an allocation
 *       stack and takes part in the leak check, like malloc's
 *   UE_FREELIKE_BLOCK(addr, rz)      it is freed: unaddressable, with a
 *       free stack (an unknown addr is an invalid free)
 *   UE_RESIZEINPLACE_BLOCK(addr, old_size, new_size, rz)
 *   UE_CREATE_MEMPOOL(pool, rz, zeroed), UE_MEMPOOL_ALLOC(pool, addr, size),
 *   UE_MEMPOOL_FREE(pool, addr), UE_DESTROY_MEMPOOL(pool) (frees every
 *       block of the pool), UE_MEMPOOL_EXISTS(pool)
 *   UE_MAKE_MEM_NOACCESS(addr, len)  accesses to it are errors
 *   UE_MAKE_MEM_UNDEFINED(addr, len), UE_MAKE_MEM_DEFINED(addr, len)
 *       addressable again (ue does not track definedness yet: the two are
 *       the same)
 *   UE_CHECK_MEM_IS_ADDRESSABLE(addr, len)   0, or the first bad address
 *       and an error report; UE_CHECK_MEM_IS_DEFINED: the same, for now
 *   UE_DO_LEAK_CHECK, UE_DO_QUICK_LEAK_CHECK (the summary only)
 *   UE_COUNT_ERRORS                  errors reported so far
 *   UE_COUNT_LEAKS(leaked, dubious, reachable, suppressed)  the bytes of
 *       the last leak check (leaked = definitely + indirectly lost)
 *
 * Define UE_NO_CLIENT_REQUESTS (or build for another architecture) and
 * every macro is its default value, with no instruction emitted.
 */
#ifndef UE_CLIENT_H
#define UE_CLIENT_H

/* Request numbers: Valgrind's (valgrind.h's core requests, memcheck.h's
 * tool requests based at 'M','C' << 16). */
enum {
    UE_REQ_RUNNING_ON_UE = 0x1001, /* Valgrind's RUNNING_ON_VALGRIND */
    UE_REQ_DISCARD_TRANSLATIONS = 0x1002,
    UE_REQ_COUNT_ERRORS = 0x1201,
    UE_REQ_MALLOCLIKE_BLOCK = 0x1301,
    UE_REQ_FREELIKE_BLOCK = 0x1302,
    UE_REQ_CREATE_MEMPOOL = 0x1303,
    UE_REQ_DESTROY_MEMPOOL = 0x1304,
    UE_REQ_MEMPOOL_ALLOC = 0x1305,
    UE_REQ_MEMPOOL_FREE = 0x1306,
    UE_REQ_MEMPOOL_EXISTS = 0x130a,
    UE_REQ_RESIZEINPLACE_BLOCK = 0x130b,
    UE_REQ_MAKE_MEM_NOACCESS = 0x4d430000,
    UE_REQ_MAKE_MEM_UNDEFINED = 0x4d430001,
    UE_REQ_MAKE_MEM_DEFINED = 0x4d430002,
    UE_REQ_CHECK_MEM_IS_ADDRESSABLE = 0x4d430004,
    UE_REQ_CHECK_MEM_IS_DEFINED = 0x4d430005,
    UE_REQ_DO_LEAK_CHECK = 0x4d430006,
    UE_REQ_COUNT_LEAKS = 0x4d430007,
    UE_REQ_COUNT_LEAK_BLOCKS = 0x4d43000c,
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(UE_NO_CLIENT_REQUESTS)
/* The request as an expression: its result, or dflt where there is no ue. */
#define UE_CLIENT_REQUEST_EXPR(dflt, req, a1, a2, a3, a4, a5)                                       \
    __extension__({                                                                                 \
        volatile unsigned long _ue_args[6] = {(unsigned long)(req), (unsigned long)(a1),            \
                                              (unsigned long)(a2),  (unsigned long)(a3),            \
                                              (unsigned long)(a4),  (unsigned long)(a5)};           \
        unsigned long _ue_res;                                                                      \
        __asm__ volatile("rolq $5, %%rdi\n\trolq $17, %%rdi\n\trolq $59, %%rdi\n\trolq $47, %%rdi\n\t" \
                         "xchgq %%rbx, %%rbx"                                                       \
                         : "=d"(_ue_res)                                                            \
                         : "a"(&_ue_args[0]), "0"((unsigned long)(dflt))                            \
                         : "cc", "memory");                                                         \
        _ue_res;                                                                                    \
    })
#else
#define UE_CLIENT_REQUEST_EXPR(dflt, req, a1, a2, a3, a4, a5) ((unsigned long)(dflt))
#endif

#define UE_CLIENT_REQUEST_STMT(req, a1, a2, a3, a4, a5) \
    ((void)UE_CLIENT_REQUEST_EXPR(0, req, a1, a2, a3, a4, a5))

/* 1 under ue (whatever the tool), 0 natively. */
#define RUNNING_ON_UE ((unsigned)UE_CLIENT_REQUEST_EXPR(0, UE_REQ_RUNNING_ON_UE, 0, 0, 0, 0, 0))

#define UE_MALLOCLIKE_BLOCK(addr, size, rz, zeroed) \
    UE_CLIENT_REQUEST_STMT(UE_REQ_MALLOCLIKE_BLOCK, addr, size, rz, zeroed, 0)
#define UE_FREELIKE_BLOCK(addr, rz) UE_CLIENT_REQUEST_STMT(UE_REQ_FREELIKE_BLOCK, addr, rz, 0, 0, 0)
#define UE_RESIZEINPLACE_BLOCK(addr, old_size, new_size, rz) \
    UE_CLIENT_REQUEST_STMT(UE_REQ_RESIZEINPLACE_BLOCK, addr, old_size, new_size, rz, 0)

#define UE_CREATE_MEMPOOL(pool, rz, zeroed) UE_CLIENT_REQUEST_STMT(UE_REQ_CREATE_MEMPOOL, pool, rz, zeroed, 0, 0)
#define UE_DESTROY_MEMPOOL(pool) UE_CLIENT_REQUEST_STMT(UE_REQ_DESTROY_MEMPOOL, pool, 0, 0, 0, 0)
#define UE_MEMPOOL_ALLOC(pool, addr, size) UE_CLIENT_REQUEST_STMT(UE_REQ_MEMPOOL_ALLOC, pool, addr, size, 0, 0)
#define UE_MEMPOOL_FREE(pool, addr) UE_CLIENT_REQUEST_STMT(UE_REQ_MEMPOOL_FREE, pool, addr, 0, 0, 0)
#define UE_MEMPOOL_EXISTS(pool) ((unsigned)UE_CLIENT_REQUEST_EXPR(0, UE_REQ_MEMPOOL_EXISTS, pool, 0, 0, 0, 0))

#define UE_MAKE_MEM_NOACCESS(addr, len) UE_CLIENT_REQUEST_EXPR(0, UE_REQ_MAKE_MEM_NOACCESS, addr, len, 0, 0, 0)
#define UE_MAKE_MEM_UNDEFINED(addr, len) UE_CLIENT_REQUEST_EXPR(0, UE_REQ_MAKE_MEM_UNDEFINED, addr, len, 0, 0, 0)
#define UE_MAKE_MEM_DEFINED(addr, len) UE_CLIENT_REQUEST_EXPR(0, UE_REQ_MAKE_MEM_DEFINED, addr, len, 0, 0, 0)
#define UE_CHECK_MEM_IS_ADDRESSABLE(addr, len) \
    UE_CLIENT_REQUEST_EXPR(0, UE_REQ_CHECK_MEM_IS_ADDRESSABLE, addr, len, 0, 0, 0)
#define UE_CHECK_MEM_IS_DEFINED(addr, len) UE_CLIENT_REQUEST_EXPR(0, UE_REQ_CHECK_MEM_IS_DEFINED, addr, len, 0, 0, 0)

#define UE_DO_LEAK_CHECK UE_CLIENT_REQUEST_STMT(UE_REQ_DO_LEAK_CHECK, 0, 0, 0, 0, 0)
#define UE_DO_QUICK_LEAK_CHECK UE_CLIENT_REQUEST_STMT(UE_REQ_DO_LEAK_CHECK, 1, 0, 0, 0, 0)
#define UE_COUNT_ERRORS ((unsigned)UE_CLIENT_REQUEST_EXPR(0, UE_REQ_COUNT_ERRORS, 0, 0, 0, 0, 0))
#define UE_COUNT_LEAKS(leaked, dubious, reachable, suppressed)                                    \
    do {                                                                                          \
        unsigned long _ue_l = 0, _ue_d = 0, _ue_r = 0, _ue_s = 0;                                 \
        UE_CLIENT_REQUEST_STMT(UE_REQ_COUNT_LEAKS, &_ue_l, &_ue_d, &_ue_r, &_ue_s, 0);            \
        (leaked) = _ue_l, (dubious) = _ue_d, (reachable) = _ue_r, (suppressed) = _ue_s;           \
    } while (0)

#define UE_DISCARD_TRANSLATIONS(addr, len) UE_CLIENT_REQUEST_STMT(UE_REQ_DISCARD_TRANSLATIONS, addr, len, 0, 0, 0)

#endif
