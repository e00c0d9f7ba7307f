/* leak_heuristics.cc — blocks that only interior pointers reach, in the
 * shapes memcheck's leak heuristics take for start pointers (all on by
 * default, --leak-check-heuristics): a COW std::string's characters, the
 * word after a 64-bit length, a new[] array of objects with destructors,
 * a base class inside an object of multiple inheritance.  They are still
 * reachable, and counted under "of which reachable via heuristic"; the
 * block reached 4 bytes in fits no shape and stays possibly lost.  (ue had
 * no heuristics: a C++ program's such blocks were "possibly lost" where
 * Valgrind says still reachable; node: five of its six.) */
#include <stdlib.h>
#include <string.h>

struct Elt {
    long x[2];
    ~Elt() {}
};
struct A {
    virtual ~A() {}
    long a;
};
struct B {
    virtual ~B() {}
    long b;
};
struct C : A, B {
    long c;
};

char *g_string;   /* COW string: length, capacity, refcount, then the characters */
size_t *g_length; /* after a length of the rest */
Elt *g_array;     /* new[]: after the element count */
B *g_base;        /* the B inside a C */
char *g_inside;   /* 4 bytes in: no heuristic's shape */

__attribute__((noinline)) static void make(void)
{
    size_t *s = (size_t *)malloc(3 * sizeof(size_t) + 15 + 1);
    s[0] = 5, s[1] = 15, s[2] = 0;
    memcpy(s + 3, "hello", 6);
    g_string = (char *)(s + 3);
    size_t *l = (size_t *)malloc(8 + 40);
    l[0] = 40;
    g_length = l + 1;
    g_array = new Elt[3];
    g_base = new C;
    g_inside = (char *)malloc(100) + 4;
}

/* Zero the stack below main's frame, where make's frame left the start
 * pointers (a root for the leak check). */
__attribute__((noinline)) static void scrub(void)
{
    volatile char pad[8192];
    memset((char *)pad, 0, sizeof pad);
}

int main(void)
{
    make();
    scrub();
    return 0;
}
