/* dl_lib.c — a heap overflow inside a library the program dlopens; built
 * twice by tests/debug (as lib_overflow and, with -DFN=lib_overflow_b, as
 * another library) so a report after dlclose + dlopen must name the new
 * library's function, not the unloaded one's. */
#include <stdlib.h>

#ifndef FN
#define FN lib_overflow
#endif

__attribute__((noinline)) void FN(int n)
{
    char *p = malloc((size_t)n); /* lib malloc */
    ((volatile char *)p)[n] = 1; /* lib overflow */
    free(p);
}
