// crash_cxx.cc — dies of SIGSEGV inside an inlined template member of a
// namespaced class, called from a lambda through std::function; C++ names
// demangled, inlined frames, libstdc++ frames with and without symbols.
#include <cstdio>
#include <functional>
#include <vector>

namespace shapes {
template <typename T> struct Box {
    std::vector<T> items;
    T *slot = nullptr;
    inline __attribute__((always_inline)) void put(T v) { *slot = v + items.size(); }
    __attribute__((noinline)) void fill(int n)
    {
        for (int i = 0; i < n; i++)
            items.push_back(T(i));
        put(T(n));
    }
};
} // namespace shapes

__attribute__((noinline)) static int run(const std::function<int(int)> &f, int x) { return f(x) + 1; }

int main(int argc, char **)
{
    shapes::Box<long> b;
    int r = run([&](int n) { b.fill(n); return (int)b.items.size(); }, argc + 3);
    std::printf("%d\n", r);
    return 0;
}
