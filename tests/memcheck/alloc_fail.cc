// alloc_fail.cc — allocations that fail behave as natively: malloc and
// calloc return NULL with errno ENOMEM, realloc(p, 0) returns NULL without
// failing, operator new throws std::bad_alloc, the nothrow form returns
// NULL.  No error is reported (none of these sizes looks negative).
// vg-skip: Valgrind 3.19 aborts where operator new must throw.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

int main()
{
    errno = 0;
    volatile size_t huge = (size_t)1 << 62;
    void *p = malloc(huge);
    printf("malloc: %d %s\n", p == nullptr, strerror(errno));
    errno = 0;
    volatile size_t n = (size_t)1 << 40, size = (size_t)1 << 30;
    p = calloc(n, size);
    printf("calloc: %d %s\n", p == nullptr, strerror(errno));
    errno = 0;
    p = realloc(malloc(8), 0);
    printf("realloc(p, 0): %d %s\n", p == nullptr, strerror(errno));
    try {
        char *x = new char[huge];
        printf("new: %p\n", (void *)x);
    } catch (const std::bad_alloc &e) {
        printf("caught %s\n", e.what());
    }
    int *y = new (std::nothrow) int[huge / 8];
    printf("nothrow: %d\n", y == nullptr);
    return 0;
}
