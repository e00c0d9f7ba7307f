// mismatch.cc — allocator/deallocator mismatches: malloc/delete,
// new[]/delete, new/free, new/delete[].
#include <cstdlib>

struct S {
    int x;
};

int main()
{
    int *a = static_cast<int *>(malloc(sizeof(int)));
    delete a;
    S *b = new S[4];
    delete b;
    S *c = new S;
    free(c);
    S *d = new S;
    delete[] d;
    return 0;
}
