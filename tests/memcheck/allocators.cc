// allocators.cc — every allocator entry point ue replaces, each block
// overflowed by one byte (so the report names the allocator in its
// allocation stack) and released with its matching deallocator.  pvalloc
// has a test of its own (pvalloc.c): Valgrind 3.19 aborts on it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>

static void touch(void *p, size_t n) { static_cast<volatile char *>(p)[n] = 1; }

struct alignas(64) Big {
    char c[64];
};

int main()
{
    void *p;
    p = malloc(10); touch(p, 10); free(p);
    p = calloc(3, 4); touch(p, 12); free(p);
    p = realloc(nullptr, 20); p = realloc(p, 30); touch(p, 30); free(p);
    p = reallocarray(nullptr, 5, 2); touch(p, 10); free(p);
    p = memalign(32, 40); touch(p, 40); free(p);
    if (posix_memalign(&p, 64, 50) == 0) { touch(p, 50); free(p); }
    p = aligned_alloc(128, 256); touch(p, 256); free(p);
    p = valloc(60); touch(p, 60); free(p);
    p = malloc(33); printf("%zu\n", malloc_usable_size(p) >= 33); free(p);
    int *i = new int; touch(i, 4); delete i;
    int *a = new int[5]; touch(a, 20); delete[] a;
    int *n = new (std::nothrow) int; touch(n, 4); delete n;
    int *na = new (std::nothrow) int[2]; touch(na, 8); delete[] na;
    Big *b = new Big; touch(b, 64); delete b;
    Big *ba = new Big[2]; touch(ba, 128); delete[] ba;
    return 0;
}
