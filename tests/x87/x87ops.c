/*
 * x87ops.c — x87 instruction test, freestanding (no libc, no SSE: it runs
 * before ue can start glibc and uses nothing but the x87 and integer ISA).
 *
 * For every operation, every pair of operands from a table of edge values
 * (zeros, denormals, pseudo-denormals, unnormals, infinities, NaNs, pseudo-
 * infinity, large and small numbers) and several control words (rounding
 * modes, precision control), it runs the real instruction and prints one
 * line: the status word, the tag word, ST(0), ST(1), RFLAGS (for FCOMI and
 * friends) and any memory result.  tests/x87/suite.sh compares the output
 * natively and under ue.
 *
 *   x87ops bin      binary operations on ST(0), ST(1)
 *   x87ops un       single-operand operations, stores to memory
 *   x87ops mem      loads and memory-operand arithmetic/compares
 *   x87ops misc     stack faults, control instructions, FNSTENV/FLDENV,
 *                   FNSAVE/FRSTOR, FXSAVE/FXRSTOR and XSAVE/XRSTOR round
 *                   trips, XGETBV
 *   x87ops ptrs     which instructions record the last instruction and
 *                   data pointers and opcode (FNSTENV after each)
 *   x87ops fault N  state instructions that must fault (#GP: SIGSEGV)
 *
 * bin and mem print one FNV-1a hash of the lines per operation and control
 * word (their full output is megabytes); add -v for the lines themselves,
 * to find which one differs.
 */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

typedef struct __attribute__((packed)) F80 {
    u64 m;
    u16 se;
} F80;

/* ---- output ---- */

static char out[1 << 16];
static unsigned outn;

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static void flush(void)
{
    sys3(1, 1, (long)out, outn);
    outn = 0;
}

static int hashing;   /* lines go into hash instead of out */
static u64 hash;

static void putc_(char c)
{
    if (hashing) {
        hash = (hash ^ (u8)c) * 0x100000001b3ull;
        return;
    }
    if (outn == sizeof out)
        flush();
    out[outn++] = c;
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void hex(u64 v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

void *memset(void *d, int c, unsigned long n);
void *memset(void *d, int c, unsigned long n)
{
    u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- operands and results (globals: same addresses natively and under ue) ---- */

static const F80 vals[] = {
    {0, 0x0000}, {0, 0x8000},                                           /* +0 -0 */
    {0x8000000000000000ull, 0x3fff}, {0x8000000000000000ull, 0xbfff},   /* 1 -1 */
    {0xc000000000000000ull, 0x3fff}, {0xc90fdaa22168c235ull, 0x4000},   /* 1.5 pi */
    {0xc000000000000000ull, 0x4000}, {0xa000000000000000ull, 0xc000},   /* 3 -2.5 */
    {0xcccccccccccccccdull, 0x3ffb}, {0x8000000000000000ull, 0x403e},   /* 0.1 2^63 */
    {0xffffffffffffffffull, 0x403d}, {0x8000000000000000ull, 0x0001},   /* ~2^63 min normal */
    {0x0000000000000001ull, 0x0000}, {0x8000000000000001ull, 0x0000},   /* denormal pseudo-denormal */
    {0xffffffffffffffffull, 0x7ffe}, {0x8000000000000000ull, 0x7fff},   /* max +inf */
    {0x8000000000000000ull, 0xffff}, {0xc000000000000000ull, 0x7fff},   /* -inf QNaN */
    {0xa000000000000000ull, 0x7fff}, {0xc000000000000123ull, 0xffff},   /* SNaN -QNaN payload */
    {0x4000000000000000ull, 0x4000}, {0x0000000000000000ull, 0x7fff},   /* unnormal pseudo-inf */
    {0x9abcdef012345678ull, 0x3ffe}, {0xb17217f7d1cf79acull, 0x3ffe},   /* 0.6 ln2 */
    {0x8000000000000000ull, 0x4064}, {0xfedcba9876543210ull, 0xc00a},   /* 2^101 -2038 */
    {0x8000000000000000ull, 0x3fbf}, {0xfffffffffffffc00ull, 0x43fe},   /* 2^-64 ~DBL_MAX */
};
#define NVALS (int)(sizeof vals / sizeof vals[0])

static const u16 cws[] = {0x037f, 0x0b7f, 0x007f, 0x067f, 0x0f7f};

static F80 A, B;
static u16 CW;
static u8 S[108];       /* FNSAVE image */
static u64 FL;          /* RFLAGS after the operation */
static u8 M[16];        /* memory operand / result */

static u16 get16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }

/* One line: tag, status, tag word, ST(0), ST(1) (from the FNSAVE image),
 * the arithmetic flags, and mlen bytes of M. */
static void record(const char *name, int i, int j, int k, int mlen)
{
    puts_(name);
    putc_(' ');
    hex((u64)i, 2);
    putc_(' ');
    hex((u64)j, 2);
    putc_(' ');
    hex((u64)k, 1);
    puts_(": cw=");
    hex(get16(S + 0), 4);
    puts_(" sw=");
    hex(get16(S + 4), 4);
    puts_(" tw=");
    hex(get16(S + 8), 4);
    for (int r = 0; r < 2; r++) {
        puts_(r ? " st1=" : " st0=");
        hex(get16(S + 28 + 10 * r + 8), 4);
        putc_(':');
        for (int b = 7; b >= 0; b--)
            hex(S[28 + 10 * r + b], 2);
    }
    puts_(" fl=");
    hex(FL & 0x8d5, 3);
    if (mlen) {
        puts_(" m=");
        for (int b = mlen - 1; b >= 0; b--)
            hex(M[b], 2);
    }
    putc_('\n');
}

#define CLOBBERS "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

/* ---- binary operations: ST(0) = A, ST(1) = B ---- */

#define BIN(fn, insn)                                                            \
    static void fn(void)                                                         \
    {                                                                            \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"   \
                         insn "\n\tpushfq\n\tpopq %[fl]\n\tfnsave %[s]"          \
                         : [s] "=m"(S), [fl] "=r"(FL)                            \
                         : [a] "m"(A), [b] "m"(B), [cw] "m"(CW)                  \
                         : CLOBBERS);                                            \
    }

BIN(b_fadd, "fadd %%st(1), %%st")
BIN(b_fmul, "fmul %%st(1), %%st")
BIN(b_fsub, "fsub %%st(1), %%st")
BIN(b_fsubr, "fsubr %%st(1), %%st")
BIN(b_fdiv, "fdiv %%st(1), %%st")
BIN(b_fdivr, "fdivr %%st(1), %%st")
BIN(b_dc_add, ".byte 0xdc, 0xc1")
BIN(b_dc_mul, ".byte 0xdc, 0xc9")
BIN(b_dc_e1, ".byte 0xdc, 0xe1")
BIN(b_dc_e9, ".byte 0xdc, 0xe9")
BIN(b_dc_f1, ".byte 0xdc, 0xf1")
BIN(b_dc_f9, ".byte 0xdc, 0xf9")
BIN(b_de_add, ".byte 0xde, 0xc1")
BIN(b_de_e9, ".byte 0xde, 0xe9")
BIN(b_de_f9, ".byte 0xde, 0xf1")
BIN(b_fcom, "fcom %%st(1)")
BIN(b_fcomp, "fcomp %%st(1)")
BIN(b_fucom, "fucom %%st(1)")
BIN(b_fucomp, "fucomp %%st(1)")
BIN(b_fcompp, "fcompp")
BIN(b_fucompp, "fucompp")
BIN(b_fcomi, "fcomi %%st(1), %%st")
BIN(b_fucomi, "fucomi %%st(1), %%st")
BIN(b_fcomip, "fcomip %%st(1), %%st")
BIN(b_fucomip, "fucomip %%st(1), %%st")
BIN(b_fprem, "fprem")
BIN(b_fprem1, "fprem1")
BIN(b_fscale, "fscale")
BIN(b_fpatan, "fpatan")
BIN(b_fyl2x, "fyl2x")
BIN(b_fyl2xp1, "fyl2xp1")
BIN(b_fxch, "fxch %%st(1)")
BIN(b_fcmovb, "stc\n\tfcmovb %%st(1), %%st")
BIN(b_fcmovnb, "stc\n\tfcmovnb %%st(1), %%st")
BIN(b_fcmove, "cmp %%eax, %%eax\n\tfcmove %%st(1), %%st")
BIN(b_fcmovu, "cmp %%eax, %%eax\n\tfcmovu %%st(1), %%st")

static const struct { const char *name; void (*fn)(void); } bins[] = {
    {"fadd", b_fadd}, {"fmul", b_fmul}, {"fsub", b_fsub}, {"fsubr", b_fsubr},
    {"fdiv", b_fdiv}, {"fdivr", b_fdivr}, {"dcc1", b_dc_add}, {"dcc9", b_dc_mul},
    {"dce1", b_dc_e1}, {"dce9", b_dc_e9}, {"dcf1", b_dc_f1}, {"dcf9", b_dc_f9},
    {"dec1", b_de_add}, {"dee9", b_de_e9}, {"def1", b_de_f9},
    {"fcom", b_fcom}, {"fcomp", b_fcomp}, {"fucom", b_fucom}, {"fucomp", b_fucomp},
    {"fcompp", b_fcompp}, {"fucompp", b_fucompp}, {"fcomi", b_fcomi}, {"fucomi", b_fucomi},
    {"fcomip", b_fcomip}, {"fucomip", b_fucomip}, {"fprem", b_fprem}, {"fprem1", b_fprem1},
    {"fscale", b_fscale}, {"fpatan", b_fpatan}, {"fyl2x", b_fyl2x}, {"fyl2xp1", b_fyl2xp1},
    {"fxch", b_fxch}, {"fcmovb", b_fcmovb}, {"fcmovnb", b_fcmovnb}, {"fcmove", b_fcmove},
    {"fcmovu", b_fcmovu},
};

static int verbose;

static void group_begin(void)
{
    hashing = !verbose;
    hash = 0xcbf29ce484222325ull;
}

static void group_end(const char *name, int k)
{
    if (verbose)
        return;
    hashing = 0;
    puts_(name);
    putc_(' ');
    hex((u64)k, 1);
    puts_(": ");
    hex(hash, 16);
    putc_('\n');
}

static void test_bin(void)
{
    for (unsigned o = 0; o < sizeof bins / sizeof bins[0]; o++)
        for (int k = 0; k < (int)(sizeof cws / sizeof cws[0]); k++) {
            group_begin();
            for (int i = 0; i < NVALS; i++)
                for (int j = 0; j < NVALS; j++) {
                    A = vals[i];
                    B = vals[j];
                    CW = cws[k];
                    bins[o].fn();
                    record(bins[o].name, i, j, k, 0);
                }
            group_end(bins[o].name, k);
        }
}

/* ---- single-operand operations and stores: ST(0) = A, ST(1) = B = 1.5 ---- */

#define UN(fn, insn)                                                             \
    static void fn(void)                                                         \
    {                                                                            \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t"   \
                         insn "\n\tpushfq\n\tpopq %[fl]\n\tfnsave %[s]"          \
                         : [s] "=m"(S), [fl] "=r"(FL), [m] "=m"(M)               \
                         : [a] "m"(A), [b] "m"(B), [cw] "m"(CW)                  \
                         : CLOBBERS);                                            \
    }

UN(u_fsqrt, "fsqrt")
UN(u_frndint, "frndint")
UN(u_fsin, "fsin")
UN(u_fcos, "fcos")
UN(u_fptan, "fptan")
UN(u_fsincos, "fsincos")
UN(u_fxtract, "fxtract")
UN(u_f2xm1, "f2xm1")
UN(u_fchs, "fchs")
UN(u_fabs, "fabs")
UN(u_ftst, "ftst")
UN(u_fxam, "fxam")
UN(u_fld, "fld %%st(0)")
UN(u_fst_st1, "fst %%st(1)")
UN(u_fstp_st1, "fstp %%st(1)")
UN(u_fsts, "fsts %[m]")
UN(u_fstl, "fstl %[m]")
UN(u_fstps, "fstps %[m]")
UN(u_fstpl, "fstpl %[m]")
UN(u_fstpt, "fstpt %[m]")
UN(u_fists, "fists %[m]")
UN(u_fistl, "fistl %[m]")
UN(u_fistps, "fistps %[m]")
UN(u_fistpl, "fistpl %[m]")
UN(u_fistpll, "fistpll %[m]")
UN(u_fisttps, "fisttps %[m]")
UN(u_fisttpl, "fisttpl %[m]")
UN(u_fisttpll, "fisttpll %[m]")
UN(u_fbstp, "fbstp %[m]")
UN(u_ffree, "ffree %%st(1)")
UN(u_fincstp, "fincstp")
UN(u_fdecstp, "fdecstp")

static const struct { const char *name; void (*fn)(void); int mlen; } uns[] = {
    {"fsqrt", u_fsqrt, 0}, {"frndint", u_frndint, 0}, {"fsin", u_fsin, 0}, {"fcos", u_fcos, 0},
    {"fptan", u_fptan, 0}, {"fsincos", u_fsincos, 0}, {"fxtract", u_fxtract, 0}, {"f2xm1", u_f2xm1, 0},
    {"fchs", u_fchs, 0}, {"fabs", u_fabs, 0}, {"ftst", u_ftst, 0}, {"fxam", u_fxam, 0},
    {"fld", u_fld, 0}, {"fst1", u_fst_st1, 0}, {"fstp1", u_fstp_st1, 0},
    {"fsts", u_fsts, 4}, {"fstl", u_fstl, 8}, {"fstps", u_fstps, 4}, {"fstpl", u_fstpl, 8},
    {"fstpt", u_fstpt, 10}, {"fists", u_fists, 2}, {"fistl", u_fistl, 4}, {"fistps", u_fistps, 2},
    {"fistpl", u_fistpl, 4}, {"fistpll", u_fistpll, 8}, {"fisttps", u_fisttps, 2},
    {"fisttpl", u_fisttpl, 4}, {"fisttpll", u_fisttpll, 8}, {"fbstp", u_fbstp, 10},
    {"ffree", u_ffree, 0}, {"fincstp", u_fincstp, 0}, {"fdecstp", u_fdecstp, 0},
};

/* Extra operands for rounding to integers and BCD. */
static const F80 ints[] = {
    {0x8000000000000000ull, 0x400e}, {0xffff000000000000ull, 0x400e},   /* 32768 65535 */
    {0xfffe000000000000ull, 0xc00d}, {0xc000000000000000ull, 0xbffe},   /* -32767 -0.75 */
    {0xa000000000000000ull, 0x3fff}, {0xe000000000000000ull, 0x4000},   /* 1.25 3.5 */
    {0xd000000000000000ull, 0xc001}, {0x8000000000000000ull, 0x401e},   /* -6.5 2^31 */
    {0xde0b6b3a763ffff0ull, 0x4037}, {0xde0b6b3a76400000ull, 0x4037},   /* ~1e18-1, 1e18 */
    {0x8000000000000001ull, 0xc03e}, {0x8000000000000000ull, 0xc03e},   /* -2^63-.. -2^63 */
};

static void test_un(void)
{
    static F80 ops[sizeof vals / sizeof vals[0] + sizeof ints / sizeof ints[0]];
    int n = 0;
    for (int i = 0; i < NVALS; i++)
        ops[n++] = vals[i];
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++)
        ops[n++] = ints[i];
    for (unsigned o = 0; o < sizeof uns / sizeof uns[0]; o++)
        for (int k = 0; k < (int)(sizeof cws / sizeof cws[0]); k++)
            for (int i = 0; i < n; i++) {
                A = ops[i];
                B = vals[4];
                CW = cws[k];
                memset(M, 0xee, sizeof M);
                uns[o].fn();
                record(uns[o].name, i, 0, k, uns[o].mlen);
            }
}

/* ---- loads and memory operands: ST(0) = A, operand in M ---- */

#define MEMOP(fn, insn)                                                          \
    static void fn(void)                                                         \
    {                                                                            \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t"                \
                         insn "\n\tpushfq\n\tpopq %[fl]\n\tfnsave %[s]"          \
                         : [s] "=m"(S), [fl] "=r"(FL)                            \
                         : [a] "m"(A), [m] "m"(M), [cw] "m"(CW)                  \
                         : CLOBBERS);                                            \
    }

MEMOP(m_flds, "flds %[m]")
MEMOP(m_fldl, "fldl %[m]")
MEMOP(m_fldt, "fldt %[m]")
MEMOP(m_filds, "filds %[m]")
MEMOP(m_fildl, "fildl %[m]")
MEMOP(m_fildll, "fildll %[m]")
MEMOP(m_fbld, "fbld %[m]")
MEMOP(m_fadds, "fadds %[m]")
MEMOP(m_fsubrs, "fsubrs %[m]")
MEMOP(m_fmull, "fmull %[m]")
MEMOP(m_fdivl, "fdivl %[m]")
MEMOP(m_fdivrl, "fdivrl %[m]")
MEMOP(m_fiadds, "fiadds %[m]")
MEMOP(m_fisubl, "fisubl %[m]")
MEMOP(m_fidivrs, "fidivrs %[m]")
MEMOP(m_fcoms, "fcoms %[m]")
MEMOP(m_fcompl, "fcompl %[m]")
MEMOP(m_ficoms, "ficoms %[m]")
MEMOP(m_ficompl, "ficompl %[m]")

static const struct { const char *name; void (*fn)(void); } memops[] = {
    {"flds", m_flds}, {"fldl", m_fldl}, {"fldt", m_fldt}, {"filds", m_filds},
    {"fildl", m_fildl}, {"fildll", m_fildll}, {"fbld", m_fbld}, {"fadds", m_fadds},
    {"fsubrs", m_fsubrs}, {"fmull", m_fmull}, {"fdivl", m_fdivl}, {"fdivrl", m_fdivrl},
    {"fiadds", m_fiadds}, {"fisubl", m_fisubl}, {"fidivrs", m_fidivrs}, {"fcoms", m_fcoms},
    {"fcompl", m_fcompl}, {"ficoms", m_ficoms}, {"ficompl", m_ficompl},
};

/* Memory operand bit patterns: each is read as m16, m32, m64 or m80 by the
 * instruction; chosen to be meaningful at several widths (float and double
 * NaNs, denormals, infinities, integer extremes, BCD with invalid digits). */
static const u8 mems[][10] = {
    {0}, {0x00, 0x00, 0x80, 0x3f}, {0x00, 0x00, 0xc0, 0x7f}, {0x00, 0x00, 0xa0, 0x7f},
    {0x01, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x80, 0xff}, {0xff, 0xff, 0xff, 0x7f},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x7f},
    {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0xff},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80},
    {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x00}, {0x21, 0x43, 0x65, 0x87, 0, 0, 0, 0, 0, 0x80},
    {0x3a, 0x4b, 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x7f}, {0x9a, 0x99, 0x99, 0x3d, 0x9a, 0x99, 0xb9, 0x3f},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xff, 0x7f},
};

static void test_mem(void)
{
    for (unsigned o = 0; o < sizeof memops / sizeof memops[0]; o++)
        for (int k = 0; k < (int)(sizeof cws / sizeof cws[0]); k++) {
            group_begin();
            for (int i = 0; i < NVALS; i += (o < 7 ? NVALS : 1))
                for (unsigned j = 0; j < sizeof mems / sizeof mems[0]; j++) {
                    A = vals[i];
                    CW = cws[k];
                    memset(M, 0, sizeof M);
                    memcpy(M, mems[j], 10);
                    memops[o].fn();
                    record(memops[o].name, i, (int)j, k, 0);
                }
            group_end(memops[o].name, k);
        }
}

/* ---- sequences: stack faults, control instructions, state images ---- */

static u8 X[1024] __attribute__((aligned(64)));
static u8 X2[1024] __attribute__((aligned(64)));

#define SEQ(fn, insns)                                                           \
    static void fn(void)                                                         \
    {                                                                            \
        __asm__ volatile("fninit\n\t" insns "\n\tpushfq\n\tpopq %[fl]\n\tfnsave %[s]" \
                         : [s] "=m"(S), [fl] "=r"(FL), [m] "+m"(M), [x] "+m"(X), [x2] "+m"(X2) \
                         : [a] "m"(A), [b] "m"(B)                                \
                         : CLOBBERS, "rax", "rdx", "rcx");              \
    }

#define FILL8 "fld1\n\tfldpi\n\tfldz\n\tfldl2e\n\tfldln2\n\tfldlg2\n\tfldl2t\n\tfldt %[a]\n\t"
SEQ(s_overflow, FILL8 "fldt %[b]")
SEQ(s_overflow2, FILL8 "fld %%st(3)")
SEQ(s_fild_over, FILL8 "fildl %[m]")
SEQ(s_underflow_st, "fstps %[m]")
SEQ(s_underflow_fist, "fistpll %[m]")
SEQ(s_underflow_bcd, "fbstp %[m]")
SEQ(s_underflow_m80, "fstpt %[m]")
SEQ(s_empty_arith, "fldt %[a]\n\tfadd %%st(3), %%st")
SEQ(s_empty_dc, "fldt %[a]\n\tfmulp %%st, %%st(2)")
SEQ(s_empty_mem, "fadds %[m]")
SEQ(s_empty_fcom, "fldt %[a]\n\tfcompp")
SEQ(s_empty_fcomi, "fldt %[a]\n\tfucomip %%st(4), %%st")
SEQ(s_empty_fxch, "fldt %[a]\n\tfxch %%st(2)")
SEQ(s_empty_both_fxch, "fxch %%st(2)")
SEQ(s_empty_fst, "fstp %%st(3)")
SEQ(s_empty_fld, "fld %%st(5)")
SEQ(s_empty_fyl2x, "fldt %[a]\n\tfyl2x")
SEQ(s_empty_fscale, "fldt %[a]\n\tfscale")
SEQ(s_empty_fptan, "fptan")
SEQ(s_full_fptan, FILL8 "fptan")
SEQ(s_full_fxtract, FILL8 "fxtract")
SEQ(s_full_fsincos, FILL8 "fsincos")
SEQ(s_empty_ftst, "ftst")
SEQ(s_empty_fxam, "fldt %[a]\n\tffree %%st(0)\n\tfxam")
SEQ(s_empty_fcmov, "fldt %[a]\n\tclc\n\tfcmovb %%st(2), %%st")
SEQ(s_ffreep, "fldt %[a]\n\tfldt %[b]\n\t.byte 0xdf, 0xc1")
SEQ(s_fnstsw_ax, "fldt %[a]\n\tfldt %[b]\n\tfcom\n\tmov $0x1234567, %%eax\n\tfnstsw %%ax\n\tmov %%eax, %[m]")
SEQ(s_fnstsw_m, "fldt %[a]\n\tfldt %[b]\n\tfucomp\n\tfnstsw %[m]")
SEQ(s_fnstcw, "fnstcw %[m]\n\tmovw $0x1234, 2+%[m]\n\tfldcw 2+%[m]\n\tfnstcw 4+%[m]")
SEQ(s_fldcw_es, "fldt %[a]\n\tfldt %[b]\n\tfdiv %%st(1), %%st\n\tmovw $0x0360, %[m]\n\tfldcw %[m]\n\tfnstsw 2+%[m]")
SEQ(s_fnclex, "fldt %[a]\n\tfldt %[b]\n\tfdiv %%st(1), %%st\n\tfcom\n\tfnclex")
SEQ(s_fnstenv, "fldt %[a]\n\tfldt %[b]\n\tfsub %%st(1), %%st\n\tfnstenv %[x]\n\tfldz")
SEQ(s_fldenv, "fldt %[a]\n\tfldt %[b]\n\tfnstenv %[x]\n\tfninit\n\tfldenv %[x]\n\tfaddp")
SEQ(s_fnstenv16, "fldt %[a]\n\tfldt %[b]\n\tdata16 fnstenv %[x]\n\tfninit\n\tdata16 fldenv %[x]")
SEQ(s_fnsave, "fldt %[a]\n\tfldt %[b]\n\tfdivr %%st(1), %%st\n\tfnsave %[x]\n\tfld1\n\tfrstor %[x]\n\tfchs")
SEQ(s_fxsave, "fldt %[a]\n\tfldt %[b]\n\tfdivr %%st(1), %%st\n\tfxsave %[x]\n\tfninit\n\tfld1\n\tfxrstor %[x]\n\tfxsave %[x2]")
SEQ(s_fxsave64, "fldt %[a]\n\tfldt %[b]\n\tfxam\n\tfxsave64 %[x]\n\tfninit\n\tfxrstor64 %[x]\n\tfxsave64 %[x2]")
SEQ(s_frstor_tags, "fldt %[a]\n\tfldt %[b]\n\tfnsave %[x]\n\tmovw $0x7ff3, 8+%[x]\n\tfrstor %[x]")
SEQ(s_fxrstor_tags, "fldt %[a]\n\tfldt %[b]\n\tfxsave %[x]\n\tmovb $0x3c, 4+%[x]\n\tfxrstor %[x]")
SEQ(s_fdecstp, "fldt %[a]\n\tfdecstp\n\tfdecstp\n\tfldt %[b]\n\tfincstp")
/* XSAVE/XRSTOR: x87 values loaded and XMM1 non-zero, so a CPU that tracks
 * the init state reports both components in use, as ue always does.  EDX:EAX
 * asks for x87 and SSE only (the host's XCR0 has more).  M receives XMM1's
 * low half and MXCSR; MXCSR is reset after. */
#define XSTATE "fldt %[a]\n\tfldt %[b]\n\tfdivr %%st(1), %%st\n\tmov $0x0123456789abcdef, %%rax\n\t" \
               "movq %%rax, %%xmm1\n\txor %%edx, %%edx\n\t"
#define XDONE "\n\tmovq %%xmm1, %[m]\n\tstmxcsr 8+%[m]\n\tmovl $0x1f80, 12+%[m]\n\tldmxcsr 12+%[m]"
SEQ(s_xsave, XSTATE "mov $3, %%eax\n\txsave %[x]\n\tfninit\n\tfld1\n\tpxor %%xmm1, %%xmm1\n\t"
             "mov $3, %%eax\n\txrstor %[x]\n\txsave64 %[x2]" XDONE)
SEQ(s_xsave_x87, XSTATE "mov $1, %%eax\n\txsave %[x]\n\tfninit\n\tmov $0x0000001f00000003, %%rax\n\t"
                 "xrstor64 %[x]" XDONE)
SEQ(s_xsave_sse, XSTATE "mov $2, %%eax\n\txsave64 %[x]\n\tpxor %%xmm1, %%xmm1\n\tfninit\n\t"
                 "xrstor %[x]" XDONE)
/* (XSTATE_BV after an XRSTOR that initialised a component is the CPU's
 * choice: ue reports it in use, hosts that track the init state do not.) */
SEQ(s_xrstor_init, XSTATE "mov $3, %%eax\n\txsave %[x]\n\tandb $0xfc, 512+%[x]\n\tmovl $0x9fc0, 24+%[x]\n\t"
                   "xrstor %[x]" XDONE)
SEQ(s_xgetbv, "xor %%ecx, %%ecx\n\txgetbv\n\tand $3, %%eax\n\tmov %%eax, %[m]\n\tmov %%edx, 4+%[m]")

static const struct { const char *name; void (*fn)(void); } seqs[] = {
    {"overflow", s_overflow}, {"overflow2", s_overflow2}, {"fild_over", s_fild_over},
    {"underflow_st", s_underflow_st}, {"underflow_fist", s_underflow_fist},
    {"underflow_bcd", s_underflow_bcd}, {"underflow_m80", s_underflow_m80},
    {"empty_arith", s_empty_arith}, {"empty_dc", s_empty_dc}, {"empty_mem", s_empty_mem},
    {"empty_fcom", s_empty_fcom}, {"empty_fcomi", s_empty_fcomi}, {"empty_fxch", s_empty_fxch},
    {"empty_both_fxch", s_empty_both_fxch}, {"empty_fst", s_empty_fst}, {"empty_fld", s_empty_fld},
    {"empty_fyl2x", s_empty_fyl2x}, {"empty_fscale", s_empty_fscale}, {"empty_fptan", s_empty_fptan},
    {"full_fptan", s_full_fptan}, {"full_fxtract", s_full_fxtract}, {"full_fsincos", s_full_fsincos},
    {"empty_ftst", s_empty_ftst}, {"empty_fxam", s_empty_fxam}, {"empty_fcmov", s_empty_fcmov},
    {"ffreep", s_ffreep}, {"fnstsw_ax", s_fnstsw_ax}, {"fnstsw_m", s_fnstsw_m}, {"fnstcw", s_fnstcw},
    {"fldcw_es", s_fldcw_es}, {"fnclex", s_fnclex}, {"fdecstp", s_fdecstp}, {"xgetbv", s_xgetbv},
};

/* Sequences that leave state images: 1 an FNSTENV/FNSAVE image in X, 2
 * FXSAVE images in X and X2, 3 XSAVE images in X and X2. */
static const struct { const char *name; void (*fn)(void); int images; } xseqs[] = {
    {"fnstenv", s_fnstenv, 1}, {"fldenv", s_fldenv, 1}, {"fnstenv16", s_fnstenv16, 1}, {"fnsave", s_fnsave, 1},
    {"fxsave", s_fxsave, 2}, {"fxsave64", s_fxsave64, 2}, {"frstor_tags", s_frstor_tags, 1},
    {"fxrstor_tags", s_fxrstor_tags, 2}, {"xsave", s_xsave, 3}, {"xsave_x87", s_xsave_x87, 3},
    {"xsave_sse", s_xsave_sse, 3}, {"xrstor_init", s_xrstor_init, 3},
};

/* Bytes of an image worth comparing: control, status, tags, registers, for
 * FNSTENV/FNSAVE the last instruction and data pointers and opcode (FXSAVE's
 * copies of those depend on the CPU: AMD stores them only with an exception
 * pending), MXCSR (not MXCSR_MASK, which is the CPU's), XMM, and the XSAVE
 * header. */
static void dump_range(const u8 *x, int from, int to)
{
    putc_('/');
    for (int b = from; b < to; b++)
        hex(x[b], 2);
}

static void dump_image(const u8 *x, int kind)
{
    puts_(" img");
    if (kind == 1) {
        dump_range(x, 0, 12);
        dump_range(x, 12, 16); /* FIP, FOP, FDP; not the selectors (CPUs may store 0) */
        dump_range(x, 18, 24);
        dump_range(x, 28, 108);
        return;
    }
    dump_range(x, 0, 5);
    dump_range(x, 24, 28);
    dump_range(x, 32, 416);
    if (kind == 3)
        dump_range(x, 512, 576);
}

static void test_misc(void)
{
    for (unsigned o = 0; o < sizeof seqs / sizeof seqs[0]; o++)
        for (int i = 0; i < NVALS; i += 3) {
            A = vals[i];
            B = vals[(i + 5) % NVALS];
            memset(M, 0x5a, sizeof M);
            seqs[o].fn();
            record(seqs[o].name, i, 0, 0, 16);
        }
    for (unsigned o = 0; o < sizeof xseqs / sizeof xseqs[0]; o++)
        for (int i = 0; i < NVALS; i += 3) {
            A = vals[i];
            B = vals[(i + 5) % NVALS];
            memset(M, 0x5a, sizeof M);
            memset(X, 0x77, sizeof X);
            memset(X2, 0x66, sizeof X2);
            memset(X + 512, 0, 64);  /* a valid XSAVE header */
            memset(X2 + 512, 0, 64);
            X[24] = X2[24] = 0xa0;   /* MXCSR 0x1fa0 where XRSTOR might load it */
            X[25] = X2[25] = 0x1f;
            X[26] = X[27] = X2[26] = X2[27] = 0;
            xseqs[o].fn();
            record(xseqs[o].name, i, 0, 0, 16);
            dump_image(X, xseqs[o].images);
            putc_('\n');
            if (xseqs[o].images >= 2) {
                dump_image(X2, xseqs[o].images);
                putc_('\n');
            }
        }
}

/* Each must die with SIGSEGV (#GP) before printing anything. */
static void test_fault(int n)
{
    memset(X, 0, sizeof X);
    switch (n) {
    case 0: __asm__ volatile("fxsave 8+%0" : "+m"(X)); break;                     /* misaligned */
    case 1: __asm__ volatile("fxrstor 16+%0" : "+m"(X)); break;                   /* MXCSR 0: fine */
    case 2: X[27] = 1; __asm__ volatile("fxrstor %0" : "+m"(X)); break;           /* MXCSR reserved bit */
    case 3: __asm__ volatile("xsave 16+%0" :: "m"(X), "a"(3), "d"(0)); break;     /* misaligned */
    case 4: X[520] = 1; __asm__ volatile("xrstor %0" :: "m"(X), "a"(3), "d"(0)); break; /* XCOMP_BV */
    case 5: X[519] = 0x80; __asm__ volatile("xrstor %0" :: "m"(X), "a"(3), "d"(0)); break; /* XSTATE_BV */
    case 6: X[24] = 0x80; X[25] = 0x1f; X[26] = 4; __asm__ volatile("xrstor %0" :: "m"(X), "a"(2), "d"(0)); break;
    case 7: X[26] = 4; __asm__ volatile("xrstor %0" :: "m"(X), "a"(1), "d"(0)); break; /* MXCSR not loaded */
    case 8: __asm__ volatile("xgetbv" :: "c"(1) : "rax", "rdx"); break;           /* XCR1: not offered by ue */
    }
    puts_("survived\n");
}

/* FIP, FOP and FDP as FNSTENV reports them after one instruction that
 * follows an FLD m80 (which sets all three). */
#define PTR(name, code)                                                          \
    __asm__ volatile("fninit\n\tfldt %[a]\n\t" code "\n\tfnstenv %[x]\n\tfninit"  \
                     : [x] "=m"(X), [m] "+m"(M)                                    \
                     : [a] "m"(A)                                                  \
                     : CLOBBERS, "rax");                                           \
    puts_(name);                                                                   \
    dump_range(X, 12, 16);                                                         \
    dump_range(X, 18, 24);                                                         \
    putc_('\n');

static void test_ptrs(void)
{
    A = vals[4];
    PTR("fld", "")
    PTR("fnop", "fnop")
    PTR("fincstp", "fincstp")
    PTR("fdecstp", "fdecstp")
    PTR("ffree", "ffree %%st(1)")
    PTR("ffreep", ".byte 0xdf, 0xc1")
    PTR("fnclex", "fnclex")
    PTR("fldcw", "fnstcw %[m]\n\tfldcw %[m]")
    PTR("fnstsw", "fnstsw %%ax")
    PTR("fwait", "fwait")
    PTR("fxch", "fld1\n\tfxch")
    PTR("fcmov", "fld1\n\tfcmove %%st(1), %%st")
    PTR("fstp", "fld1\n\tfstp %%st(1)")
    PTR("fchs", "fchs")
    PTR("fist", "fistl %[m]")
    PTR("fcomi", "fld1\n\tfcomip %%st(1), %%st")
    PTR("fldz", "fldz")
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int cmain(long *sp);
int cmain(long *sp)
{
    char **argv = (char **)(sp + 1);
    if (sp[0] < 2)
        return 2;
    verbose = sp[0] > 2 && streq(argv[2], "-v");

    if (streq(argv[1], "bin"))
        test_bin();
    else if (streq(argv[1], "un"))
        test_un();
    else if (streq(argv[1], "mem"))
        test_mem();
    else if (streq(argv[1], "misc"))
        test_misc();
    else if (streq(argv[1], "ptrs"))
        test_ptrs();
    else if (streq(argv[1], "fault") && sp[0] > 2)
        test_fault(argv[2][0] - '0');
    else
        return 2;
    flush();
    return 0;
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall cmain\n\t"
        "mov %eax, %edi\n\tmov $231, %eax\n\tsyscall\n");
