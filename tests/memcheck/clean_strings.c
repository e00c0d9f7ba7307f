/* clean_strings.c — no errors: glibc's string functions over heap
 * strings of every length 0..64 at every offset 0..15 into a block of
 * exactly the string's size.  glibc's SSE versions read whole aligned
 * words and vectors that may extend past the terminator and past the
 * block (never past the page); memcheck accepts such loads
 * (--partial-loads-ok) or replaces the functions.  A hand-written
 * SSE2 strlen of the same kind, which no checker replaces, is run too. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strlen as glibc's SSE2 version does it: aligned 16-byte loads. */
static size_t sse2_strlen(const char *s)
{
    uintptr_t a = (uintptr_t)s & ~(uintptr_t)15;
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *)a), _mm_setzero_si128()));
    mask >>= (uintptr_t)s & 15;
    if (mask)
        return (size_t)__builtin_ctz(mask);
    for (;;) {
        a += 16;
        mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *)a), _mm_setzero_si128()));
        if (mask)
            return a + (size_t)__builtin_ctz(mask) - (uintptr_t)s;
    }
}

int main(void)
{
    unsigned long check = 0;
    for (size_t len = 0; len <= 64; len++) {
        for (size_t off = 0; off < 16; off++) {
            char *block = malloc(off + len + 1);
            char *s = block + off;
            for (size_t i = 0; i < len; i++)
                s[i] = (char)('a' + (i * 7 + len) % 26);
            s[len] = 0;
            char *t = malloc(len + 1);
            strcpy(t, s);
            check += strlen(s) + sse2_strlen(s) + strnlen(s, 100);
            check += (uintptr_t)strchr(s, 'z') - (uintptr_t)s;
            check += (uintptr_t)strchr(s, 0) - (uintptr_t)s;
            check += (uintptr_t)strrchr(s, 'a');
            check += (uintptr_t)memchr(s, 'q', len + 1);
            check += (unsigned)strcmp(s, t) + (unsigned)strncmp(s, t, len + 5) + (unsigned)memcmp(s, t, len);
            check += (unsigned)(strcmp(s, "abc") > 0);
            check += strspn(s, "abcdefghijklm") + strcspn(s, "xyz");
            char *u = malloc(2 * len + 1);
            strcpy(u, s);
            strcat(u, t);
            check += strlen(u);
            char *d = strdup(s);
            check += strlen(d);
            free(d);
            free(u);
            free(t);
            free(block);
        }
    }
    printf("%lu\n", check != 0);
    return 0;
}
