/*
 * sse_int.c — SSE2..SSE4.2 integer instructions on a table of edge-case and
 * pseudo-random vectors, every result printed in hex.  Run natively and
 * under ue (tests/sse/suite.sh): the outputs must be identical.
 *
 *   sse_int SECTION   SECTION: arith, shift, shuffle, misc, mem
 *
 * Built with -O1 -msse4.2: the intrinsics become the instructions; HIDE
 * keeps the compiler from folding them on known inputs.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HIDE(v) __asm__ volatile("" : "+x"(v))
#define NV 12

static __m128i vec[NV];

static void init(void)
{
    static const uint8_t edge[6][16] = {
        {0},
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
        {0x80, 0, 0x80, 0, 0, 0x80, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80},
        {0x7f, 0xff, 0x7f, 0xff, 0xff, 0x7f, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f},
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {0x01, 0x80, 0xff, 0x7f, 0x00, 0x80, 0x01, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff},
    };
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < NV; i++) {
        uint8_t b[16];
        if (i < 6) {
            memcpy(b, edge[i], 16);
        } else {
            for (int k = 0; k < 16; k++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                b[k] = (uint8_t)(x >> 56);
                if (i >= 9 && (x & 0x300) == 0)
                    b[k] = 0; /* some zero bytes for the string-style ops */
            }
        }
        memcpy(&vec[i], b, 16);
    }
}

static void pr(const char *name, int i, int j, __m128i r)
{
    uint64_t q[2];
    memcpy(q, &r, 16);
    printf("%s %d %d %016llx%016llx\n", name, i, j, (unsigned long long)q[1], (unsigned long long)q[0]);
}

static void pri(const char *name, int i, int j, long long v) { printf("%s %d %d %llx\n", name, i, j, v); }

#define BIN(f)                                                               \
    do {                                                                     \
        __m128i x = a, y = b;                                                \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f, i, j, f(x, y));                                               \
    } while (0)
#define UN(f)                                                                \
    do {                                                                     \
        __m128i x = a;                                                       \
        HIDE(x);                                                             \
        pr(#f, i, j, f(x));                                                  \
    } while (0)
#define BINPS(f)                                                             \
    do {                                                                     \
        __m128 x = _mm_castsi128_ps(a), y = _mm_castsi128_ps(b);             \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f, i, j, _mm_castps_si128(f(x, y)));                             \
    } while (0)
#define BINPD(f)                                                             \
    do {                                                                     \
        __m128d x = _mm_castsi128_pd(a), y = _mm_castsi128_pd(b);            \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f, i, j, _mm_castpd_si128(f(x, y)));                             \
    } while (0)

static void arith(int i, int j, __m128i a, __m128i b)
{
    BIN(_mm_add_epi8); BIN(_mm_add_epi16); BIN(_mm_add_epi32); BIN(_mm_add_epi64);
    BIN(_mm_sub_epi8); BIN(_mm_sub_epi16); BIN(_mm_sub_epi32); BIN(_mm_sub_epi64);
    BIN(_mm_adds_epi8); BIN(_mm_adds_epi16); BIN(_mm_adds_epu8); BIN(_mm_adds_epu16);
    BIN(_mm_subs_epi8); BIN(_mm_subs_epi16); BIN(_mm_subs_epu8); BIN(_mm_subs_epu16);
    BIN(_mm_cmpeq_epi8); BIN(_mm_cmpeq_epi16); BIN(_mm_cmpeq_epi32); BIN(_mm_cmpeq_epi64);
    BIN(_mm_cmpgt_epi8); BIN(_mm_cmpgt_epi16); BIN(_mm_cmpgt_epi32); BIN(_mm_cmpgt_epi64);
    BIN(_mm_mullo_epi16); BIN(_mm_mulhi_epi16); BIN(_mm_mulhi_epu16); BIN(_mm_mullo_epi32);
    BIN(_mm_mul_epu32); BIN(_mm_mul_epi32); BIN(_mm_madd_epi16); BIN(_mm_maddubs_epi16);
    BIN(_mm_mulhrs_epi16); BIN(_mm_sad_epu8); BIN(_mm_avg_epu8); BIN(_mm_avg_epu16);
    BIN(_mm_min_epu8); BIN(_mm_max_epu8); BIN(_mm_min_epi8); BIN(_mm_max_epi8);
    BIN(_mm_min_epu16); BIN(_mm_max_epu16); BIN(_mm_min_epi16); BIN(_mm_max_epi16);
    BIN(_mm_min_epu32); BIN(_mm_max_epu32); BIN(_mm_min_epi32); BIN(_mm_max_epi32);
    BIN(_mm_sign_epi8); BIN(_mm_sign_epi16); BIN(_mm_sign_epi32);
    BIN(_mm_hadd_epi16); BIN(_mm_hadd_epi32); BIN(_mm_hadds_epi16);
    BIN(_mm_hsub_epi16); BIN(_mm_hsub_epi32); BIN(_mm_hsubs_epi16);
    BIN(_mm_packs_epi16); BIN(_mm_packs_epi32); BIN(_mm_packus_epi16); BIN(_mm_packus_epi32);
    BIN(_mm_and_si128); BIN(_mm_or_si128); BIN(_mm_xor_si128); BIN(_mm_andnot_si128);
    BINPS(_mm_and_ps); BINPS(_mm_or_ps); BINPS(_mm_xor_ps); BINPS(_mm_andnot_ps);
    BINPD(_mm_and_pd); BINPD(_mm_or_pd); BINPD(_mm_xor_pd); BINPD(_mm_andnot_pd);
    if (j == 0) {
        UN(_mm_abs_epi8); UN(_mm_abs_epi16); UN(_mm_abs_epi32); UN(_mm_minpos_epu16);
        UN(_mm_cvtepi8_epi16); UN(_mm_cvtepi8_epi32); UN(_mm_cvtepi8_epi64);
        UN(_mm_cvtepi16_epi32); UN(_mm_cvtepi16_epi64); UN(_mm_cvtepi32_epi64);
        UN(_mm_cvtepu8_epi16); UN(_mm_cvtepu8_epi32); UN(_mm_cvtepu8_epi64);
        UN(_mm_cvtepu16_epi32); UN(_mm_cvtepu16_epi64); UN(_mm_cvtepu32_epi64);
    }
}

/* Shift counts: in a register (the low 64 bits count), and immediates. */
#define SHIFT_IMM(f, n)                                                      \
    do {                                                                     \
        __m128i x = a;                                                       \
        HIDE(x);                                                             \
        pr(#f "_" #n, i, 0, f(x, n));                                        \
    } while (0)
#define SHIFT_IMMS(f) SHIFT_IMM(f, 0); SHIFT_IMM(f, 1); SHIFT_IMM(f, 7); SHIFT_IMM(f, 15); \
    SHIFT_IMM(f, 16); SHIFT_IMM(f, 31); SHIFT_IMM(f, 32); SHIFT_IMM(f, 63); SHIFT_IMM(f, 64); SHIFT_IMM(f, 255)

static void shift(int i, __m128i a)
{
    static const long long counts[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 0x100000000ll, -1};
    for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        int j = (int)k;
        __m128i b = _mm_set_epi64x(0x123456789abcdefll, counts[k]);
        BIN(_mm_sll_epi16); BIN(_mm_sll_epi32); BIN(_mm_sll_epi64);
        BIN(_mm_srl_epi16); BIN(_mm_srl_epi32); BIN(_mm_srl_epi64);
        BIN(_mm_sra_epi16); BIN(_mm_sra_epi32);
    }
    SHIFT_IMMS(_mm_slli_epi16); SHIFT_IMMS(_mm_slli_epi32); SHIFT_IMMS(_mm_slli_epi64);
    SHIFT_IMMS(_mm_srli_epi16); SHIFT_IMMS(_mm_srli_epi32); SHIFT_IMMS(_mm_srli_epi64);
    SHIFT_IMMS(_mm_srai_epi16); SHIFT_IMMS(_mm_srai_epi32);
    SHIFT_IMM(_mm_slli_si128, 0); SHIFT_IMM(_mm_slli_si128, 1); SHIFT_IMM(_mm_slli_si128, 5);
    SHIFT_IMM(_mm_slli_si128, 15); SHIFT_IMM(_mm_slli_si128, 16);
    SHIFT_IMM(_mm_srli_si128, 0); SHIFT_IMM(_mm_srli_si128, 1); SHIFT_IMM(_mm_srli_si128, 5);
    SHIFT_IMM(_mm_srli_si128, 15); SHIFT_IMM(_mm_srli_si128, 16);
}

#define IMM1(f, n)                                                           \
    do {                                                                     \
        __m128i x = a;                                                       \
        HIDE(x);                                                             \
        pr(#f "_" #n, i, j, f(x, n));                                        \
    } while (0)
#define IMM2(f, n)                                                           \
    do {                                                                     \
        __m128i x = a, y = b;                                                \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f "_" #n, i, j, f(x, y, n));                                     \
    } while (0)
#define IMM2PS(f, n)                                                         \
    do {                                                                     \
        __m128 x = _mm_castsi128_ps(a), y = _mm_castsi128_ps(b);             \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f "_" #n, i, j, _mm_castps_si128(f(x, y, n)));                   \
    } while (0)
#define IMM2PD(f, n)                                                         \
    do {                                                                     \
        __m128d x = _mm_castsi128_pd(a), y = _mm_castsi128_pd(b);            \
        HIDE(x);                                                             \
        HIDE(y);                                                             \
        pr(#f "_" #n, i, j, _mm_castpd_si128(f(x, y, n)));                   \
    } while (0)
#define SHUF_IMMS(M, f) M(f, 0x00); M(f, 0x1b); M(f, 0xe4); M(f, 0x4e); M(f, 0xb1); M(f, 0xff); M(f, 0x39); M(f, 0x93)

static void shuffle(int i, int j, __m128i a, __m128i b)
{
    BIN(_mm_shuffle_epi8);
    BIN(_mm_unpacklo_epi8); BIN(_mm_unpacklo_epi16); BIN(_mm_unpacklo_epi32); BIN(_mm_unpacklo_epi64);
    BIN(_mm_unpackhi_epi8); BIN(_mm_unpackhi_epi16); BIN(_mm_unpackhi_epi32); BIN(_mm_unpackhi_epi64);
    BINPS(_mm_unpacklo_ps); BINPS(_mm_unpackhi_ps); BINPD(_mm_unpacklo_pd); BINPD(_mm_unpackhi_pd);
    BINPS(_mm_movehl_ps); BINPS(_mm_movelh_ps); BINPS(_mm_move_ss); BINPD(_mm_move_sd);
    __m128i m = b;
    HIDE(m);
    {
        __m128i x = a, y = _mm_shuffle_epi32(b, 0x39);
        HIDE(x);
        HIDE(y);
        pr("blendv_epi8", i, j, _mm_blendv_epi8(x, y, m));
        pr("blendv_ps", i, j, _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y), _mm_castsi128_ps(m))));
        pr("blendv_pd", i, j, _mm_castpd_si128(_mm_blendv_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y), _mm_castsi128_pd(m))));
    }
    IMM2(_mm_alignr_epi8, 0); IMM2(_mm_alignr_epi8, 1); IMM2(_mm_alignr_epi8, 4); IMM2(_mm_alignr_epi8, 8);
    IMM2(_mm_alignr_epi8, 15); IMM2(_mm_alignr_epi8, 16); IMM2(_mm_alignr_epi8, 17); IMM2(_mm_alignr_epi8, 24);
    IMM2(_mm_alignr_epi8, 31); IMM2(_mm_alignr_epi8, 32); IMM2(_mm_alignr_epi8, 200);
    SHUF_IMMS(IMM2, _mm_blend_epi16);
    SHUF_IMMS(IMM2PS, _mm_shuffle_ps);
    IMM2PS(_mm_blend_ps, 0); IMM2PS(_mm_blend_ps, 5); IMM2PS(_mm_blend_ps, 10); IMM2PS(_mm_blend_ps, 15);
    IMM2PD(_mm_shuffle_pd, 0); IMM2PD(_mm_shuffle_pd, 1); IMM2PD(_mm_shuffle_pd, 2); IMM2PD(_mm_shuffle_pd, 3);
    IMM2PD(_mm_blend_pd, 0); IMM2PD(_mm_blend_pd, 1); IMM2PD(_mm_blend_pd, 2); IMM2PD(_mm_blend_pd, 3);
    IMM2PS(_mm_insert_ps, 0x00); IMM2PS(_mm_insert_ps, 0x1f); IMM2PS(_mm_insert_ps, 0x5a); IMM2PS(_mm_insert_ps, 0xe1);
    IMM2PS(_mm_insert_ps, 0xb6); IMM2PS(_mm_insert_ps, 0x30);
    IMM2(_mm_mpsadbw_epu8, 0); IMM2(_mm_mpsadbw_epu8, 1); IMM2(_mm_mpsadbw_epu8, 2); IMM2(_mm_mpsadbw_epu8, 3);
    IMM2(_mm_mpsadbw_epu8, 4); IMM2(_mm_mpsadbw_epu8, 5); IMM2(_mm_mpsadbw_epu8, 6); IMM2(_mm_mpsadbw_epu8, 7);
    if (j == 0) {
        SHUF_IMMS(IMM1, _mm_shuffle_epi32); SHUF_IMMS(IMM1, _mm_shufflelo_epi16); SHUF_IMMS(IMM1, _mm_shufflehi_epi16);
        __m128 x = _mm_castsi128_ps(a);
        __m128d y = _mm_castsi128_pd(a);
        HIDE(x);
        HIDE(y);
        pr("moveldup", i, j, _mm_castps_si128(_mm_moveldup_ps(x)));
        pr("movehdup", i, j, _mm_castps_si128(_mm_movehdup_ps(x)));
        pr("movedup", i, j, _mm_castpd_si128(_mm_movedup_pd(y)));
    }
}

/* Moves, lane inserts/extracts, sign masks, PTEST. */
static void misc(int i, int j, __m128i a, __m128i b)
{
    long long s = _mm_cvtsi128_si64(b);
    int s32 = (int)s;
    __m128i x = a;
    HIDE(x);
    pri("testz", i, j, _mm_testz_si128(x, b));
    pri("testc", i, j, _mm_testc_si128(x, b));
    pri("testnzc", i, j, _mm_testnzc_si128(x, b));
    if (j != 0)
        return;
    pri("movemask_epi8", i, j, _mm_movemask_epi8(x));
    pri("movemask_ps", i, j, _mm_movemask_ps(_mm_castsi128_ps(x)));
    pri("movemask_pd", i, j, _mm_movemask_pd(_mm_castsi128_pd(x)));
    pri("extract_epi8_0", i, j, _mm_extract_epi8(x, 0));
    pri("extract_epi8_13", i, j, _mm_extract_epi8(x, 13));
    pri("extract_epi16_1", i, j, _mm_extract_epi16(x, 1));
    pri("extract_epi16_7", i, j, _mm_extract_epi16(x, 7));
    pri("extract_epi32_2", i, j, _mm_extract_epi32(x, 2));
    pri("extract_epi64_1", i, j, _mm_extract_epi64(x, 1));
    pri("extract_ps_3", i, j, _mm_extract_ps(_mm_castsi128_ps(x), 3));
    pri("cvtsi128_si32", i, j, _mm_cvtsi128_si32(x));
    pri("cvtsi128_si64", i, j, _mm_cvtsi128_si64(x));
    for (int k = 0; k < NV; k++) {
        long long v = _mm_cvtsi128_si64(vec[k]);
        HIDE(x);
        pr("insert_epi8_5", i, k, _mm_insert_epi8(x, (int)v, 5));
        pr("insert_epi8_15", i, k, _mm_insert_epi8(x, (int)v, 15));
        pr("insert_epi16_3", i, k, _mm_insert_epi16(x, (int)v, 3));
        pr("insert_epi32_1", i, k, _mm_insert_epi32(x, (int)v, 1));
        pr("insert_epi64_1", i, k, _mm_insert_epi64(x, v, 1));
        pr("cvtsi32_si128", i, k, _mm_cvtsi32_si128((int)v));
        pr("cvtsi64_si128", i, k, _mm_cvtsi64_si128(v));
    }
    pr("move_epi64", i, j, _mm_move_epi64(x));
    {
        /* the memory forms: MOVQ/MOVD/MOVSS/MOVSD/MOVLPS/MOVHPS/MOVLPD/MOVHPD */
        unsigned char buf[64];
        memset(buf, 0xa5, sizeof buf);
        _mm_storel_epi64((__m128i *)(buf + 1), x);
        _mm_store_ss((float *)(buf + 11), _mm_castsi128_ps(x));
        _mm_store_sd((double *)(buf + 17), _mm_castsi128_pd(x));
        _mm_storeh_pi((__m64 *)(buf + 27), _mm_castsi128_ps(x));
        _mm_storel_pi((__m64 *)(buf + 37), _mm_castsi128_ps(x));
        _mm_storeu_si128((__m128i *)(buf + 45), x);
        for (int k = 0; k < 64; k++)
            printf("%02x", buf[k]);
        printf("\n");
        pr("loadl_epi64", i, j, _mm_loadl_epi64((__m128i *)(buf + 3)));
        pr("load_ss", i, j, _mm_castps_si128(_mm_load_ss((float *)(buf + 5))));
        pr("load_sd", i, j, _mm_castpd_si128(_mm_load_sd((double *)(buf + 7))));
        pr("loadh_pi", i, j, _mm_castps_si128(_mm_loadh_pi(_mm_castsi128_ps(x), (__m64 *)(buf + 9))));
        pr("loadl_pi", i, j, _mm_castps_si128(_mm_loadl_pi(_mm_castsi128_ps(x), (__m64 *)(buf + 13))));
        pr("loadh_pd", i, j, _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(x), (double *)(buf + 19))));
        pr("loadl_pd", i, j, _mm_castpd_si128(_mm_loadl_pd(_mm_castsi128_pd(x), (double *)(buf + 23))));
        pr("loadu", i, j, _mm_loadu_si128((__m128i *)(buf + 29)));
        pr("lddqu", i, j, _mm_lddqu_si128((__m128i *)(buf + 31)));
        pr("loaddup_pd", i, j, _mm_castpd_si128(_mm_loaddup_pd((double *)(buf + 33))));
    }
    (void)s32;
}

/* The memory-operand and GPR forms the intrinsics above do not reach:
 * non-temporal moves, MASKMOVDQU/MASKMOVQ, PEXTRx/PINSRx/EXTRACTPS/INSERTPS
 * with memory, MOVD/MOVQ with memory, the MMX conversions to and from PD. */
static void mem(int i, __m128i a, __m128i b)
{
    static _Alignas(16) unsigned char m[64];
    for (int k = 0; k < 64; k++)
        m[k] = (unsigned char)(k * 13 + i);
    __m128i x = a, y = b;
    HIDE(x);
    HIDE(y);
    __asm__ volatile("movntdq %1, %0" : "=m"(*(__m128i *)(m + 16)) : "x"(x));
    __asm__ volatile("movntps %1, %0" : "=m"(*(__m128i *)(m + 32)) : "x"(y));
    __asm__ volatile("movnti %k1, %0" : "=m"(*(int *)(m + 3)) : "r"((int)_mm_cvtsi128_si32(y)));
    /* MASKMOVDQU: bytes of x where y's byte has its top bit set, to [rdi] */
    __asm__ volatile("maskmovdqu %1, %0" : : "x"(x), "x"(y), "D"(m + 40) : "memory");
    __asm__ volatile("pextrb $9, %1, %0" : "=m"(m[1]) : "x"(x));
    __asm__ volatile("pextrw $5, %1, %0" : "=m"(*(short *)(m + 5)) : "x"(x));
    __asm__ volatile("pextrd $3, %1, %0" : "=m"(*(int *)(m + 9)) : "x"(x));
    __asm__ volatile("pextrq $1, %1, %0" : "=m"(*(long long *)(m + 58)) : "x"(x));
    __asm__ volatile("extractps $2, %1, %0" : "=m"(*(int *)(m + 13)) : "x"(x));
    __asm__ volatile("movd %1, %0" : "=m"(*(int *)(m + 33)) : "x"(y));
    __asm__ volatile("movq %1, %0" : "=m"(*(long long *)(m + 49)) : "x"(y));
    for (int k = 0; k < 64; k++)
        printf("%02x", m[k]);
    printf(" %d\n", i);
    __m128i r = x;
    __asm__ volatile("pinsrb $7, %1, %0" : "+x"(r) : "m"(m[20]));
    __asm__ volatile("pinsrw $6, %1, %0" : "+x"(r) : "m"(*(short *)(m + 21)));
    __asm__ volatile("pinsrd $1, %1, %0" : "+x"(r) : "m"(*(int *)(m + 23)));
    __asm__ volatile("pinsrq $1, %1, %0" : "+x"(r) : "m"(*(long long *)(m + 27)));
    pr("pinsr_m", i, 0, r);
    r = x;
    __asm__ volatile("insertps $0xd6, %1, %0" : "+x"(r) : "m"(*(int *)(m + 37)));
    pr("insertps_m", i, 0, r);
    __asm__ volatile("movd %1, %0" : "=x"(r) : "m"(*(int *)(m + 41)));
    pr("movd_m", i, 0, r);
    __asm__ volatile("movq %1, %0" : "=x"(r) : "m"(*(long long *)(m + 43)));
    pr("movq_m", i, 0, r);
    __asm__ volatile("movntdqa %1, %0" : "=x"(r) : "m"(*(__m128i *)(m + 16)));
    pr("movntdqa", i, 0, r);
    __asm__ volatile("pmovsxbq %1, %0" : "=x"(r) : "m"(*(short *)(m + 47)));
    pr("pmovsxbq_m", i, 0, r);
    __asm__ volatile("pmovzxwd %1, %0" : "=x"(r) : "m"(*(long long *)(m + 51)));
    pr("pmovzxwd_m", i, 0, r);
    /* MMX: MASKMOVQ, MOVNTQ, CVTPI2PD, CVTPD2PI, CVTTPD2PI */
    long long mm = _mm_cvtsi128_si64(x), sel = _mm_cvtsi128_si64(y);
    __asm__ volatile("movq %0, %%mm1\n\tmovq %1, %%mm2\n\tmaskmovq %%mm2, %%mm1\n\t"
                     "movntq %%mm1, 8(%%rdi)\n\temms"
                     : : "r"(mm), "r"(sel), "D"(m) : "mm1", "mm2", "memory");
    __m128d d;
    __asm__ volatile("movq %1, %%mm3\n\tcvtpi2pd %%mm3, %0\n\temms" : "=x"(d) : "r"(mm) : "mm3");
    pr("cvtpi2pd", i, 0, _mm_castpd_si128(d));
    __asm__ volatile("cvtpi2pd %1, %0" : "=x"(d) : "m"(*(long long *)(m + 2)));
    pr("cvtpi2pd_m", i, 0, _mm_castpd_si128(d));
    long long p1, p2;
    __m128d src = _mm_set_pd(-2.5e9 + i, 12345.678 * i);
    __asm__ volatile("cvtpd2pi %2, %%mm4\n\tmovq %%mm4, %0\n\tcvttpd2pi %2, %%mm5\n\tmovq %%mm5, %1\n\temms"
                     : "=r"(p1), "=r"(p2) : "x"(src) : "mm4", "mm5");
    printf("cvtpd2pi %d %llx %llx\n", i, p1, p2);
    for (int k = 0; k < 16; k++)
        printf("%02x", m[k]);
    printf(" mmx %d\n", i);
}

int main(int argc, char **argv)
{
    const char *sec = argc > 1 ? argv[1] : "arith";
    init();
    for (int i = 0; i < NV; i++) {
        if (!strcmp(sec, "shift")) {
            shift(i, vec[i]);
            continue;
        }
        if (!strcmp(sec, "mem")) {
            mem(i, vec[i], vec[(i + 7) % NV]);
            continue;
        }
        for (int j = 0; j < NV; j++) {
            if (!strcmp(sec, "arith"))
                arith(i, j, vec[i], vec[j]);
            else if (!strcmp(sec, "shuffle"))
                shuffle(i, j, vec[i], vec[j]);
            else if (!strcmp(sec, "misc"))
                misc(i, j, vec[i], vec[j]);
        }
    }
    return 0;
}
