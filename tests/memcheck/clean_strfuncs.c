/* clean_strfuncs.c — no errors, and the same output as natively: every
 * string and memory function ue replaces (src/tool/memcheck/mc_string.def)
 * on heap strings of lengths 0..20 at several offsets, results hashed and
 * printed, so the replacements' C semantics (return values, strncpy's
 * padding, the _chk forms) are held against glibc's own. */
#define _GNU_SOURCE
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static uint64_t h;
static locale_t c_locale;

static void mix(uint64_t v) { h = (h ^ v) * 0x100000001b3ull; }
static void mixp(const void *base, const void *p) { mix(p ? (uint64_t)((const char *)p - (const char *)base) + 1 : 0); }
static void mixmem(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mix((unsigned char)p[i]);
}

static void strings(const char *s, const char *t, size_t n)
{
    size_t ls = strlen(s), lt = strlen(t);
    size_t size = 2 * (ls + lt + n + 2);
    char *d = malloc(size);
    memset(d, 'z', size);
    mixp(d, stpcpy(d, s));
    mixmem(strcpy(d, t), lt + 1);
    mixmem(strncpy(d, s, n), n);
    mixp(d, stpncpy(d, t, n));
    mixmem(d, n);
    strcpy(d, s);
    mixmem(strncat(d, t, n), strlen(d) + 1);
    strcpy(d, s);
    mixmem(strcat(d, t), ls + lt + 1);
    mix((uint64_t)(strcmp(s, t) > 0) - (strcmp(s, t) < 0));
    mix((uint64_t)(strncmp(s, t, n) > 0) - (strncmp(s, t, n) < 0));
    mix((uint64_t)(strcasecmp(s, t) > 0) - (strcasecmp(s, t) < 0));
    mix((uint64_t)(strncasecmp(s, t, n) > 0) - (strncasecmp(s, t, n) < 0));
    for (size_t k = 0; k < 4; k++) { /* (from inside the block: unaligned vector reads) */
        const char *sk = s + (k < ls ? k : ls), *tk = t + (k < lt ? k : lt);
        mix((uint64_t)(strcasecmp_l(sk, tk, c_locale) > 0) - (strcasecmp_l(sk, tk, c_locale) < 0));
        mix((uint64_t)(strncasecmp_l(sk, tk, n, c_locale) > 0) - (strncasecmp_l(sk, tk, n, c_locale) < 0));
    }
    size_t m = ls < lt ? ls : lt;
    mix((uint64_t)(memcmp(s, t, m) > 0) - (memcmp(s, t, m) < 0));
    mix(bcmp(s, t, m) != 0);
    mix(strnlen(s, n));
    for (int c = 'a'; c <= 'e'; c++) {
        mixp(s, strchr(s, c));
        mixp(s, strrchr(s, c));
        mixp(s, strchrnul(s, c));
        mixp(s, memchr(s, c, ls));
        mixp(s, memrchr(s, c, ls));
        mixp(s, index(s, c));
        mixp(s, rindex(s, c));
    }
    mixp(s, strchr(s, 0));
    mixp(s, rawmemchr(s, 0));
    mixp(s, strstr(s, t));
    mixp(s, strpbrk(s, t));
    mix(strspn(s, t));
    mix(strcspn(s, t));
    memset(d, 'q', n);
    mixmem(d, n);
    memcpy(d, s, ls);
    mixp(d, mempcpy(d + ls + 1, d, ls / 2));
    memmove(d + 2, d, ls);
    mixmem(d, ls + 2);
    free(d);
}

static void wide(const wchar_t *s, const wchar_t *t, size_t n)
{
    size_t ls = wcslen(s), lt = wcslen(t);
    wchar_t *d = malloc((ls + lt + 2) * sizeof *d);
    wcscpy(d, s);
    mix(wcslen(d) + wcsnlen(d, n));
    mix((uint64_t)(wcscmp(s, t) > 0) - (wcscmp(s, t) < 0));
    mix((uint64_t)(wcsncmp(s, t, n) > 0) - (wcsncmp(s, t, n) < 0));
    size_t m = ls < lt ? ls : lt;
    mix((uint64_t)(wmemcmp(s, t, m) > 0) - (wmemcmp(s, t, m) < 0));
    mixp(s, wcschr(s, L'b'));
    mixp(s, wcsrchr(s, L'b'));
    mixp(s, wmemchr(s, L'c', ls));
    wmemset(d, L'x', ls);
    mix(d[0]);
    free(d);
}

int main(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    static const char *const words[] = {"", "a", "ab", "abc", "Abcd", "abcde", "bcdea", "aaaa", "edcba",
                                        "abcdefghijklmnopqrst", "ba", "cab"};
    enum { NW = sizeof words / sizeof words[0] };
    for (int i = 0; i < NW; i++) {
        for (int j = 0; j < NW; j++) {
            for (size_t n = 0; n < 6; n += 2) {
                char *s = strdup(words[i]), *t = strdup(words[j]);
                strings(s, t, n);
                free(s);
                free(t);
            }
        }
    }
    static const wchar_t *const wwords[] = {L"", L"a", L"abc", L"cba", L"abcb"};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            wide(wwords[i], wwords[j], 2);
    printf("%016llx\n", (unsigned long long)h);
    return 0;
}
