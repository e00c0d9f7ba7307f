/*
 * regs_compare.c — the x86 guest state as a program sees it, for checks
 * that compare two runs (--diff-check, src/exec/diffcheck.c): which
 * architectural registers differ between two X86Regs, and the general
 * registers as text.
 *
 * Architectural means what an instruction can observe: RFLAGS is compared
 * as assembled from the lazy thunk (two back ends may leave different
 * thunks for the same flags), x87 registers only where the tag says they
 * hold a value and only their 80 bits, and ue's own fields (status,
 * scratch) not at all.
 */
#include "arch/x86/x86_priv.h"

#include <stdio.h>

typedef struct Out {
    char *p;
    size_t left;
    unsigned count;
} Out;

static void put(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p, o->left, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t used = (size_t)n < o->left ? (size_t)n : o->left ? o->left - 1 : 0;
    o->p += used;
    o->left -= used;
}

static void differ_u64(Out *o, const char *name, u64 a, u64 b)
{
    if (a == b)
        return;
    o->count++;
    put(o, "    %-8s %016llx  %016llx\n", name, (unsigned long long)a, (unsigned long long)b);
}

static void put_bytes(Out *o, const u8 *v, unsigned n)
{
    for (unsigned i = n; i-- > 0;) /* most significant first, as registers read */
        put(o, "%02x", v[i]);
}

static void differ_bytes(Out *o, const char *name, const u8 *a, const u8 *b, unsigned n)
{
    if (!memcmp(a, b, n))
        return;
    o->count++;
    put(o, "    %-8s ", name);
    put_bytes(o, a, n);
    put(o, "  ");
    put_bytes(o, b, n);
    put(o, "\n");
}

unsigned x86_regs_compare(const X86Regs *a, const X86Regs *b, char *out, size_t len)
{
    Out o = {out, len, 0};
    if (len)
        out[0] = 0;
    for (int i = 0; i < 16; i++)
        differ_u64(&o, x86_gpr_names[i], a->gpr[i], b->gpr[i]);
    differ_u64(&o, "rip", a->rip, b->rip);
    differ_u64(&o, "rflags", x86_get_rflags(a), x86_get_rflags(b));
    differ_u64(&o, "fs_base", a->fs_base, b->fs_base);
    differ_u64(&o, "gs_base", a->gs_base, b->gs_base);
    differ_u64(&o, "mxcsr", a->mxcsr, b->mxcsr);
    static const char *const xmm_names[16] = {"xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
                                              "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
    for (int i = 0; i < 16; i++)
        differ_bytes(&o, xmm_names[i], (const u8 *)&a->xmm[i], (const u8 *)&b->xmm[i], 16);
    differ_u64(&o, "fcw", a->fcw, b->fcw);
    differ_u64(&o, "fsw", a->fsw | (u64)(a->ftop & 7) << 11, b->fsw | (u64)(b->ftop & 7) << 11);
    differ_u64(&o, "ftag", a->ftag, b->ftag);
    static const char *const fpr_names[8] = {"fpr0", "fpr1", "fpr2", "fpr3", "fpr4", "fpr5", "fpr6", "fpr7"};
    for (int i = 0; i < 8; i++) /* physical registers, where both hold a value */
        if (a->ftag & b->ftag & (1u << i))
            differ_bytes(&o, fpr_names[i], a->st[i], b->st[i], 10);
    differ_u64(&o, "fop", a->fop, b->fop);
    differ_u64(&o, "fpu_ip", a->fpu_ip, b->fpu_ip);
    differ_u64(&o, "fpu_dp", a->fpu_dp, b->fpu_dp);
    return o.count;
}

void x86_regs_format(const X86Regs *r, char *out, size_t len)
{
    Out o = {out, len, 0};
    if (len)
        out[0] = 0;
    for (int i = 0; i < 16; i++)
        put(&o, "%s%-3s=%016llx%s", i % 4 ? " " : "    ", x86_gpr_names[i], (unsigned long long)r->gpr[i],
            i % 4 == 3 ? "\n" : "");
    put(&o, "    rip=%016llx rflags=%08llx mxcsr=%08x fs_base=%016llx\n", (unsigned long long)r->rip,
        (unsigned long long)x86_get_rflags(r), r->mxcsr, (unsigned long long)r->fs_base);
}
