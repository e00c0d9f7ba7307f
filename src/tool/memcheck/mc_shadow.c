/*
 * mc_shadow.c — reading and writing memcheck's A shadow (encoding in mc.h).
 *
 * Ranges need not be granule aligned: a range ending inside a granule makes
 * it partially addressable (code 1..7) when unpoisoned, which is exactly
 * how a heap block of 13 bytes ends.  A range starting inside a granule is
 * only ever poisoned by the heap at redzone boundaries, which are 16-byte
 * aligned; a partial start granule is left as it was.
 */
#include "tool/memcheck/mc.h"

void mc_shadow_unpoison(GuestAddr a, u64 len)
{
    if (!len)
        return;
    u8 *s = mem_a_shadow(a);
    GuestAddr end = a + len;
    u64 full = (UE_ALIGN_DOWN(end, 8) > a ? UE_ALIGN_DOWN(end, 8) - UE_ALIGN_DOWN(a, 8) : 0) / 8;
    memset(s, 0, full);
    if (end & 7)
        s[full] = (u8)(end & 7);
}

void mc_shadow_poison(GuestAddr a, u64 len, u8 code)
{
    if (!len)
        return;
    GuestAddr start = UE_ALIGN_UP(a, 8), end = UE_ALIGN_UP(a + len, 8);
    if (start >= end)
        return;
    memset(mem_a_shadow(start), code, (end - start) / 8);
}

/* The addressable prefix of a granule's shadow byte v, in bytes. */
static u32 prefix_of(u8 v) { return v == 0 ? 8 : (i8)v > 0 ? v : 0; }

/* A client request may mark any byte range.  A granule can only say "its
 * first k bytes are addressable", so where a range would leave addressable
 * bytes after unaddressable ones in one granule, they stay addressable
 * (an error missed rather than a false one). */
void mc_shadow_set(GuestAddr a, u64 len, u8 code)
{
    for (GuestAddr end = a + len; a < end;) {
        GuestAddr g = UE_ALIGN_DOWN(a, 8);
        u8 *s = mem_a_shadow(g);
        u32 lo = (u32)(a - g), hi = (u32)(UE_MIN(end, g + 8) - g), cur = prefix_of(*s), k;
        if (code == 0)
            k = lo <= cur ? UE_MAX(cur, hi) : hi; /* a gap before lo becomes addressable too */
        else
            k = hi >= cur ? UE_MIN(cur, lo) : cur;
        *s = k == 8 ? 0 : k ? (u8)k : code ? code : *s;
        a = g + 8;
    }
}

GuestAddr mc_shadow_first_bad(GuestAddr a, u64 len, bool write, u8 *code)
{
    GuestAddr end = a + len;
    for (GuestAddr p = a; p < end;) {
        i8 v = (i8)*mem_a_shadow(p);
        /* A whole addressable granule (the common case): skip it. */
        if (v == 0 || (write && (u8)v == MC_SH_NOREAD)) {
            p = UE_ALIGN_DOWN(p, 8) + 8;
            continue;
        }
        if (v > 0 && (i8)(p & 7) < v) {
            p++;
            continue;
        }
        *code = (u8)v;
        return p;
    }
    return 0;
}
