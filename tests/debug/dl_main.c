/* dl_main.c — dlopen LIB1, call FN1 (argv), dlclose, then the same for
 * LIB2/FN2: two heap overflows in code that comes and goes. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        void *h = dlopen(argv[i], RTLD_NOW);
        if (!h) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        void (*fn)(int) = (void (*)(int))dlsym(h, argv[i + 1]);
        fn(8 + i); /* dl call */
        dlclose(h);
    }
    return 0;
}
