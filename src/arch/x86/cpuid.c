/*
 * cpuid.c — the CPU ue pretends to be.  CPUID reports exactly the features
 * the lifter implements (x86-64-v2: SSE3, SSSE3, SSE4.1/4.2, POPCNT, CX16,
 * LAHF/SAHF, plus MOVBE, LZCNT, RDTSCP and PREFETCHW; XSAVE/XGETBV with
 * XCR0 = x87|SSE, so AVX stays unusable), so glibc's ifunc
 * resolvers and hand-written assembly choose code paths ue can run.  The
 * vendor is GenuineIntel so glibc takes its well-trodden Intel path and reads
 * cache sizes from leaf 4 (sizes below are plausible, not the host's).
 *
 * Manual: Intel SDM vol. 2A, CPUID; AMD APM vol. 3 for 8000_0001h.
 * Anything added here must be implemented by the lifter first, and the
 * differential tests must cover it.
 */
#include "arch/x86/x86.h"

#include "arch/x86/x87_priv.h"

/* Leaf 1 EDX: FPU TSC CX8 CMOV CLFSH MMX FXSR SSE SSE2 */
#define LEAF1_EDX ((1u << 0) | (1u << 4) | (1u << 8) | (1u << 15) | (1u << 19) | (1u << 23) | \
                   (1u << 24) | (1u << 25) | (1u << 26))
/* Leaf 1 ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT XSAVE OSXSAVE */
#define LEAF1_ECX ((1u << 0) | (1u << 9) | (1u << 13) | (1u << 19) | (1u << 20) | (1u << 22) | (1u << 23) | \
                   (1u << 26) | (1u << 27))
/* 8000_0001h ECX: LAHF/SAHF, ABM (LZCNT), PREFETCHW */
#define EXT1_ECX ((1u << 0) | (1u << 5) | (1u << 8))
/* 8000_0001h EDX: SYSCALL, NX, RDTSCP, LM */
#define EXT1_EDX ((1u << 11) | (1u << 20) | (1u << 27) | (1u << 29))

static void str4(u32 *out, const char *s)
{
    memcpy(out, s, 4);
}

/* Leaf 4: deterministic cache parameters.  type, level, ways, sets (64-byte
 * lines, one partition). */
static void cache_leaf(u32 sub, u32 out[4])
{
    static const struct { u8 type, level; u16 ways; u32 sets; } caches[] = {
        {1, 1, 8, 64},     /* L1d 32 KiB */
        {2, 1, 8, 64},     /* L1i 32 KiB */
        {3, 2, 16, 1024},  /* L2 1 MiB */
        {3, 3, 16, 32768}, /* L3 32 MiB */
    };
    if (sub >= UE_ARRAY_LEN(caches))
        return;
    out[0] = caches[sub].type | (u32)caches[sub].level << 5 | 1u << 8;
    out[1] = (u32)(caches[sub].ways - 1) << 22 | 63;
    out[2] = caches[sub].sets - 1;
    out[3] = 0;
}

void x86_cpuid(u32 leaf, u32 subleaf, u32 out[4])
{
    out[0] = out[1] = out[2] = out[3] = 0;
    switch (leaf) {
    case 0:
        out[0] = 0xd;
        str4(&out[1], "Genu");
        str4(&out[3], "ineI");
        str4(&out[2], "ntel");
        break;
    case 1:
        out[0] = 0x000206a7;   /* family 6 */
        out[1] = 8u << 8 | 1u << 16; /* CLFLUSH line 64 bytes, 1 logical CPU */
        out[2] = LEAF1_ECX;
        out[3] = LEAF1_EDX;
        break;
    case 2:
        out[0] = 0x00ff0001; /* descriptor FFh: read leaf 4 */
        break;
    case 4:
        cache_leaf(subleaf, out);
        break;
    case 0xd:
        /* XSAVE: the components of XCR0 (x87, SSE), the standard-form
         * area size for them; sub-leaf 1 (XSAVEOPT, XSAVEC, XGETBV ECX=1,
         * XSAVES) all absent. */
        if (subleaf == 0) {
            out[0] = (u32)X87_XCR0;
            out[1] = out[2] = X87_XSAVE_SIZE;
            out[3] = (u32)(X87_XCR0 >> 32);
        }
        break;
    case 0x80000000:
        out[0] = 0x80000008;
        break;
    case 0x80000001:
        out[2] = EXT1_ECX;
        out[3] = EXT1_EDX;
        break;
    case 0x80000002: case 0x80000003: case 0x80000004: {
        static const char brand[48] = "ue virtual x86-64-v2 CPU";
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
        break;
    }
    case 0x80000006:
        out[2] = 1024u << 16 | 6u << 12 | 64; /* L2: 1 MiB, 16-way, 64-byte lines */
        break;
    case 0x80000008:
        out[0] = 0x3030; /* 48-bit virtual and physical addresses */
        break;
    default:
        break;
    }
}

u64 x86_hwcap(void) { return LEAF1_EDX; }

u64 x86_hwcap2(void) { return 0; }
