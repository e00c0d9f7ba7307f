/*
 * fpu_image_test.c — x86_fpu_save_image/x86_fpu_load_image (x87_state.c),
 * the FPU images the OS layer puts in signal frames, against the host CPU:
 * the host builds a varied x87/SSE state and saves it with FXSAVE64/XSAVE64;
 * loading that image must give the registers the host reports through
 * FNSTCW/FNSTSW/FSTP m80, and saving them again must give the host's bytes.
 */
#include "test.h"

#include "arch/x86/x86.h"

typedef struct HostState {
    u8 image[1024] __attribute__((aligned(64)));
    u16 cw, sw;
    u8 st[8][10];  /* ST(0)..ST(7) as FSTP m80 gives them */
} HostState;

static const u8 value_a[10] = {0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0x40}; /* pi */
static const u8 value_b[10] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0};                           /* denormal */

/* Six registers in use (one NaN, one denormal), C0/C3 set by FCOM, a
 * precision/rounding control, XMM1 and XMM15 non-zero, MXCSR with RC and
 * FZ; saved by XSAVE64 (xsave) or FXSAVE64. */
static void host_capture(HostState *h, bool xsave)
{
    static const u16 cw = 0x0a7f;
    static const u32 mxcsr = 0xdf80;
    u32 saved_mxcsr;
    memset(h->image, 0, sizeof h->image);
    __asm__ volatile("stmxcsr %[old]\n\tldmxcsr %[mx]\n\t"
                     "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldz\n\tfldt %[a]\n\tfld1\n\tfdiv %%st(2), %%st\n\t"
                     "fldz\n\tfsqrt\n\tfld1\n\tfchs\n\tfsqrt\n\tfcom %%st(2)\n\t"
                     "mov $0x0123456789abcdef, %%rax\n\tmovq %%rax, %%xmm1\n\tmovq %%rax, %%xmm15\n\t"
                     "fnstcw %[c]\n\tfnstsw %[s]\n\t"
                     "test %[x], %[x]\n\tjz 1f\n\tmov $3, %%eax\n\txor %%edx, %%edx\n\txsave64 %[img]\n\tjmp 2f\n"
                     "1:\n\tfxsave64 %[img]\n"
                     "2:\n\tfstpt %[st0]\n\tfstpt %[st1]\n\tfstpt %[st2]\n\tfstpt %[st3]\n\tfstpt %[st4]\n\t"
                     "fstpt %[st5]\n\tfstpt %[st6]\n\tfstpt %[st7]\n\tfninit\n\t"
                     "pxor %%xmm1, %%xmm1\n\tpxor %%xmm15, %%xmm15\n\tldmxcsr %[old]"
                     : [img] "=m"(h->image), [c] "=m"(h->cw), [s] "=m"(h->sw), [st0] "=m"(h->st[0]),
                       [st1] "=m"(h->st[1]), [st2] "=m"(h->st[2]), [st3] "=m"(h->st[3]), [st4] "=m"(h->st[4]),
                       [st5] "=m"(h->st[5]), [st6] "=m"(h->st[6]), [st7] "=m"(h->st[7]), [old] "=m"(saved_mxcsr)
                     : [a] "m"(value_a), [b] "m"(value_b), [cw] "m"(cw), [mx] "m"(mxcsr), [x] "r"((int)xsave)
                     : "rax", "rdx", "xmm1", "xmm15", "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)",
                       "st(5)", "st(6)", "st(7)");
}

static void expect_regs_match(const X86Regs *r, const HostState *h)
{
    EXPECT_EQ(h->cw, r->fcw);
    EXPECT_EQ(h->sw & 0xc7ff, r->fsw, "status word without TOP");
    EXPECT_EQ((h->sw >> 11) & 7, r->ftop);
    EXPECT_EQ(0xfc, r->ftag, "six registers in use, physical 2..7");
    for (int i = 0; i < 6; i++)
        EXPECT_EQ(0, memcmp(h->st[i], r->st[(r->ftop + i) & 7], 10), "ST(%d)", i);
    EXPECT_EQ(0x0123456789abcdefull, r->xmm[1].lo);
    EXPECT_EQ(0x0123456789abcdefull, r->xmm[15].lo);
    EXPECT_EQ(0xdf80u, r->mxcsr);
}

/* The defined bytes of the legacy region: all but MXCSR_MASK (the CPU's)
 * and the reserved/software bytes from 416. */
static void expect_legacy_equal(const u8 *want, const u8 *got)
{
    for (int i = 0; i < 416; i++) {
        if (i >= 28 && i < 32)
            continue;
        if (want[i] != got[i]) {
            EXPECT_EQ(want[i], got[i], "byte %d", i);
            return;
        }
    }
}

TEST(fpu_image, fxsave64_round_trip)
{
    HostState h;
    host_capture(&h, false);
    X86Regs r;
    x86_regs_init(&r);
    x86_fpu_load_image(&r, h.image, false);
    expect_regs_match(&r, &h);
    u8 out[X86_FXSAVE_SIZE];
    x86_fpu_save_image(&r, out, false);
    expect_legacy_equal(h.image, out);
    for (int i = 464; i < X86_FXSAVE_SIZE; i++)
        if (out[i])
            EXPECT_EQ(0, out[i], "software-reserved byte %d", i);
}

TEST(fpu_image, xsave_round_trip)
{
    HostState h;
    host_capture(&h, true);
    EXPECT_EQ(3, h.image[512] & 3, "the host reports both components in use");
    X86Regs r;
    x86_regs_init(&r);
    x86_fpu_load_image(&r, h.image, true);
    expect_regs_match(&r, &h);
    u8 out[X86_XSAVE_SIZE];
    x86_fpu_save_image(&r, out, true);
    expect_legacy_equal(h.image, out);
    EXPECT_EQ(3, out[512], "XSTATE_BV");
    for (int i = 513; i < X86_XSAVE_SIZE; i++)
        if (out[i])
            EXPECT_EQ(0, out[i], "header byte %d", i);
}

/* XSTATE_BV bits clear: the component gets its initial state (MXCSR is
 * still loaded, the standard form's rule); reserved MXCSR bits dropped. */
TEST(fpu_image, xsave_init_components)
{
    HostState h;
    host_capture(&h, true);
    h.image[512] = 0;
    h.image[26] |= 0x40; /* a reserved MXCSR bit */
    X86Regs r;
    x86_regs_init(&r);
    r.ftag = 0x81;
    r.xmm[3].lo = 7;
    x86_fpu_load_image(&r, h.image, true);
    EXPECT_EQ(0x037f, r.fcw);
    EXPECT_EQ(0, r.fsw);
    EXPECT_EQ(0, r.ftop);
    EXPECT_EQ(0, r.ftag);
    EXPECT_EQ(0u, r.xmm[1].lo);
    EXPECT_EQ(0u, r.xmm[3].lo);
    EXPECT_EQ(0xdf80u, r.mxcsr);
}
