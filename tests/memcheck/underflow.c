/* underflow.c — heap underflow: reads and writes just before a block, of
 * 1 to 16 bytes (the left redzone). */
#include <emmintrin.h>
#include <stdint.h>
#include <stdlib.h>

static void *volatile sink;

int main(void)
{
    char *p = malloc(24);
    volatile uint8_t *p8 = (uint8_t *)(p - 1);
    volatile uint32_t *p32 = (uint32_t *)(p - 4);
    volatile uint64_t *p64 = (uint64_t *)(p - 8);

    *p8 = 1;
    *p32 = 2;
    uint64_t sum = *p64;
    __m128i v = _mm_loadu_si128((__m128i *)(p - 16));
    sum += (uint64_t)_mm_cvtsi128_si64(v);
    _mm_storeu_si128((__m128i *)(p - 16), v);
    sink = (void *)(uintptr_t)sum;
    free(p);
    return 0;
}
