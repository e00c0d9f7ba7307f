/*
 * libc_str.c — glibc's string and memory functions, whichever SSE2/SSSE3/
 * SSE4.2 variants its ifuncs pick under ue (natively they may be AVX2 ones:
 * the results must still agree), over every alignment and many lengths,
 * strings ending right before an unmapped page, and a few float <-> text
 * conversions.  One line per function and alignment with a hash of all its
 * results.  Run natively and under ue (tests/sse/suite.sh).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

static uint64_t h;
static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ull; }
static void mixp(const void *p, const void *base) { mix(p ? (uint64_t)((const char *)p - (const char *)base) : ~0ull); }

static char *page_end; /* the first byte of an inaccessible page */

/* A string of len bytes ending at page_end - 1 - slack, NUL included. */
static char *tail_string(size_t len, size_t slack, char fill)
{
    char *s = page_end - 1 - slack - len;
    memset(s, fill, len);
    s[len] = 0;
    return s;
}

static void report(const char *fn, int align)
{
    printf("%s %d %016llx\n", fn, align, (unsigned long long)h);
    h = 0xcbf29ce484222325ull;
}

static void str_tests(char *buf, int a)
{
    for (int len = 0; len < 80; len++) {
        char *s = buf + a;
        for (int i = 0; i < len; i++)
            s[i] = (char)('a' + (i * 7 + a) % 26);
        s[len] = 0;
        mix(strlen(s));
        mix(strnlen(s, (size_t)len / 2));
        mixp(strchr(s, 'q'), s);
        mixp(strchr(s, 0), s);
        mixp(strrchr(s, 'e'), s);
        mixp(memchr(s, 'z', (size_t)len), s);
        mixp(memrchr(s, 'b', (size_t)len), s);
        mixp(rawmemchr(s, 0), s);
        mix(strspn(s, "abcdefghijklm"));
        mix(strcspn(s, "xyz"));
        mixp(strpbrk(s, "wvu"), s);
        mixp(strstr(s, "hov"), s);
        mixp(strstr(s, s + len / 2), s);
        mixp(memmem(s, (size_t)len, "ipw", 3), s);
        mixp(strcasestr(s, "HOV"), s);
        char t[128];
        strcpy(t, s);
        mix((uint64_t)strcmp(s, t));
        if (len) {
            t[len - 1] ^= 1;
            mix((uint64_t)(strcmp(s, t) > 0));
            mix((uint64_t)(strncmp(s, t, (size_t)len - 1)));
            mix((uint64_t)(memcmp(s, t, (size_t)len) < 0));
            mix((uint64_t)(strcasecmp(s, t) < 0));
            t[len - 1] ^= 1 ^ 0x20;
            mix((uint64_t)strcasecmp(s, t));
            mix((uint64_t)(strncasecmp(s, t, (size_t)len) == 0));
        }
        mixp(stpcpy(t + (a & 7), s), t);
        strcat(t, "tail");
        mix(strlen(t));
    }
    report("str", a);
}

static void mem_tests(char *buf, int a)
{
    char *dst = buf + 512 + (a * 5) % 16;
    for (size_t len = 0; len < 300; len += (len < 70 ? 1 : 13)) {
        char *src = buf + a;
        for (size_t i = 0; i < len; i++)
            src[i] = (char)(i * 31 + a);
        memcpy(dst, src, len);
        mix((uint64_t)memcmp(dst, src, len));
        memmove(src + 3, src, len);
        mix((uint64_t)(memcmp(src + 3, dst, len) == 0));
        memmove(dst, dst + 5, len);
        for (size_t i = 0; i < len; i++)
            mix((unsigned char)dst[i]);
        memset(dst, a, len);
        mixp(memchr(dst, a + 1, len + 1), dst);
        mix((uint64_t)(bcmp(dst, src, len) != 0));
    }
    report("mem", a);
}

static void wide_tests(int a)
{
    static wchar_t w[160];
    for (int len = 0; len < 70; len++) {
        wchar_t *s = w + a;
        for (int i = 0; i < len; i++)
            s[i] = L'a' + (wchar_t)((i * 5) % 26);
        s[len] = 0;
        mix(wcslen(s));
        mixp(wcschr(s, L'k'), s);
        mixp(wcsrchr(s, L'a'), s);
        mix((uint64_t)wcscmp(s, L"afkpuzejot"));
        mixp(wmemchr(s, L'p', (size_t)len), s);
    }
    report("wide", a);
}

static void page_tests(void)
{
    for (size_t len = 0; len < 70; len++)
        for (size_t slack = 0; slack < 17; slack++) {
            char *s = tail_string(len, slack, 'x');
            mix(strlen(s));
            mixp(strchr(s, 'y'), s);
            mixp(strrchr(s, 'x'), s);
            mix(strspn(s, "x"));
            mix(strcspn(s, "abc"));
            mixp(memchr(s, 'y', len), s);
            mixp(rawmemchr(s, 0), s);
            mix((uint64_t)strcmp(s, tail_string(len, slack, 'x')));
            mix(strnlen(s, 1000));
            mixp(strstr(s, "xy"), s);
        }
    report("page", 0);
}

static void float_tests(void)
{
    static const char *const in[] = {
        "0", "-0", "1e-320", "4.9406564584124654e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
        "1e309", "0.1", "0x1.fffffffffffffp-1", "nan", "-inf", "3.14159265358979323846264338327950288",
        "123456789012345678901234567890", "2.5", "1.00000000000000011102230246251565404236316680908203125",
        "9007199254740993", "1e-5", "6.02214076e23",
    };
    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
        double d = strtod(in[i], NULL);
        float f = strtof(in[i], NULL);
        printf("%s -> %.17g %a %e %.3f | %.9g %a\n", in[i], d, d, d, d, (double)f, (double)f);
        printf("  floor %g ceil %g rint %g trunc %g round %g sqrt %.17g fmod %.17g\n", __builtin_floor(d),
               __builtin_ceil(d), __builtin_rint(d), __builtin_trunc(d), __builtin_round(d), __builtin_sqrt(d),
               __builtin_fmod(d, 0.7));
    }
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + pg, (size_t)pg, PROT_NONE))
        return 1;
    page_end = map + pg;
    static _Alignas(64) char buf[1024];
    h = 0xcbf29ce484222325ull;
    for (int a = 0; a < 64; a++)
        str_tests(buf, a);
    for (int a = 0; a < 32; a++)
        mem_tests(buf, a);
    for (int a = 0; a < 8; a++)
        wide_tests(a);
    page_tests();
    float_tests();
    return 0;
}
