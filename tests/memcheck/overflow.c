/* overflow.c — heap overflow, read and write, of every access width the
 * compiler emits for scalars (1, 2, 4, 8) and SSE (16), 0 bytes after the
 * end of a block. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdlib.h>

static void *volatile sink;

int main(void)
{
    char *p = malloc(40);
    volatile uint8_t *p8 = (uint8_t *)(p + 40);
    volatile uint16_t *p16 = (uint16_t *)(p + 40);
    volatile uint32_t *p32 = (uint32_t *)(p + 40);
    volatile uint64_t *p64 = (uint64_t *)(p + 40);
    __m128i v = _mm_set1_epi8(1);

    *p8 = 1;
    *p16 = 2;
    *p32 = 3;
    *p64 = 4;
    _mm_storeu_si128((__m128i *)(p + 40), v);
    uint64_t sum = *p8;
    sum += *p16;
    sum += *p32;
    sum += *p64;
    v = _mm_loadu_si128((__m128i *)(p + 40));
    sum += (uint64_t)_mm_cvtsi128_si64(v);
    sink = (void *)(uintptr_t)sum;
    free(p);
    return 0;
}
