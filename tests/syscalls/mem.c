/*
 * mem.c — the memory calls ue emulates on its own address space: mmap
 * (anonymous, file, shared, private, fixed, fixed-noreplace, hints), munmap,
 * mprotect, mremap (grow in place, grow by moving, shrink, fixed), madvise,
 * msync, mincore, brk.  Addresses differ between native and ue runs, so
 * only results, errors, contents and relations are printed.  Run in a
 * scratch directory.
 */
#include "nolibc.h"

#include <fcntl.h>
#include <sys/mman.h>

#define PAGE 4096L
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static long map(long addr, long len, int prot, int flags, int fd, long off)
{
    return SYS6(__NR_mmap, addr, len, prot, flags, fd, off);
}
static int is_err(long r) { return r < 0 && r > -4096; }
static void res(const char *what, long r)
{
    if (is_err(r))
        show(what, r);
    else
        pr("%s = ok\n", what);
}

static void anon(void)
{
    long a = map(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    res("mmap anon 3 pages", a);
    char *p = (char *)a;
    check("anonymous memory is zero", p[0] == 0 && p[3 * PAGE - 1] == 0);
    p[PAGE] = 'x';
    check("page aligned", (a & (PAGE - 1)) == 0);
    show("munmap middle page", SYS2(__NR_munmap, a + PAGE, PAGE));
    show("mprotect across the hole", SYS3(__NR_mprotect, a, 3 * PAGE, PROT_READ));
    show("mprotect first page read-only", SYS3(__NR_mprotect, a, PAGE, PROT_READ));
    show("mprotect unaligned", SYS3(__NR_mprotect, a + 1, PAGE, PROT_READ));
    show("mprotect len 0", SYS3(__NR_mprotect, a, 0, PROT_READ));
    show("munmap rest", SYS2(__NR_munmap, a, 3 * PAGE));
    show("munmap again (nothing there)", SYS2(__NR_munmap, a, 3 * PAGE));
    show("munmap unaligned", SYS2(__NR_munmap, a + 1, PAGE));
    show("munmap len 0", SYS2(__NR_munmap, a, 0));
    res("mmap len 0", map(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    res("mmap neither shared nor private", map(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
    res("mmap bad fd", map(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0));
    res("mmap unaligned offset", map(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
    res("mmap fixed unaligned", map(a + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    long h = map(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("a free hint is honoured", h == a);
    long f = map(a, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check("MAP_FIXED replaces", f == a);
    res("MAP_FIXED_NOREPLACE over a mapping", map(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    SYS2(__NR_munmap, a, PAGE);
    long hole = map(0, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SYS2(__NR_munmap, hole, 16 * PAGE); /* free space we know of */
    long nr = map(hole + 8 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    check("MAP_FIXED_NOREPLACE on free space", nr == hole + 8 * PAGE);
    SYS2(__NR_munmap, nr, PAGE);
    long big = map(0, 1L << 32, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    res("mmap 4 GiB PROT_NONE NORESERVE", big);
    show("munmap it", SYS2(__NR_munmap, big, 1L << 32));
    res("mmap absurd length", map(0, 1L << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
}

static void files(void)
{
    int fd = (int)SYS3(__NR_open, "data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char buf[2 * 4096];
    for (int i = 0; i < 2 * PAGE; i++)
        buf[i] = (char)('a' + i % 26);
    SYS3(__NR_write, fd, buf, 2 * PAGE - 100);
    long p = map(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    res("mmap file private", p);
    char *c = (char *)p;
    check("file contents visible", c[0] == 'a' && c[PAGE + 1] == buf[PAGE + 1]);
    check("tail of last page is zero", c[2 * PAGE - 1] == 0);
    long q = map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    res("mmap file at offset", q);
    check("offset contents", !is_err(q) && *(char *)q == buf[PAGE]);
    long s = map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    res("mmap file shared", s);
    ((char *)s)[0] = 'Z';
    show("msync", SYS3(__NR_msync, s, PAGE, MS_SYNC));
    char one = 0;
    SYS4(__NR_pread64, fd, &one, 1, 0);
    check("a shared write reaches the file", one == 'Z');
    check("and the private mapping of the same page (not yet copied)", c[0] == 'Z');
    long w = map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ((char *)w)[1] = 'Q';
    SYS4(__NR_pread64, fd, &one, 1, 1);
    check("a private write does not", one == 'b');
    int ro = (int)SYS2(__NR_open, "data", O_RDONLY);
    res("shared writable mapping of a read-only fd", map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
    res("mmap of a directory", map(0, PAGE, PROT_READ, MAP_PRIVATE, (int)SYS2(__NR_open, ".", O_RDONLY), 0));
    res("failed MAP_FIXED over a mapping", map(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ro, 0));
    check("leaves the old mapping in place", c[0] == 'a' || c[0] == 'Z');
    unsigned char vec[2];
    show("mincore", SYS3(__NR_mincore, p, 2 * PAGE, vec));
    long sh = map(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    res("mmap shared anonymous", sh);
    SYS2(__NR_munmap, p, 2 * PAGE);
    SYS2(__NR_munmap, q, PAGE);
    SYS2(__NR_munmap, s, PAGE);
    SYS2(__NR_munmap, w, PAGE);
}

static void remap(void)
{
    long a = map(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SYS2(__NR_munmap, a + PAGE, PAGE); /* room to grow in place */
    *(long *)a = 12345;
    long g = SYS4(__NR_mremap, a, PAGE, 2 * PAGE, 0);
    res("mremap grow in place", g);
    check("grown in place, data kept", g == a && *(long *)a == 12345 && ((char *)a)[2 * PAGE - 1] == 0);
    long blocker = map(a + 2 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    res("mremap grow without MAYMOVE, blocked", SYS4(__NR_mremap, a, 2 * PAGE, 4 * PAGE, 0));
    long m = SYS4(__NR_mremap, a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    res("mremap grow, may move", m);
    check("moved, data kept", m != a && *(long *)m == 12345);
    show("old address is gone: munmap ok anyway", SYS2(__NR_munmap, a, 2 * PAGE));
    long s = SYS4(__NR_mremap, m, 4 * PAGE, PAGE, 0);
    check("mremap shrink stays", s == m && *(long *)m == 12345);
    long fixed_to = map(0, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long f = SYS5(__NR_mremap, m, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, fixed_to + 2 * PAGE);
    check("mremap MREMAP_FIXED", f == fixed_to + 2 * PAGE && *(long *)f == 12345);
    res("mremap FIXED without MAYMOVE", SYS5(__NR_mremap, f, PAGE, PAGE, MREMAP_FIXED, fixed_to));
    res("mremap FIXED onto itself", SYS5(__NR_mremap, f, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, f));
    res("mremap of unmapped memory", SYS4(__NR_mremap, m, PAGE, 2 * PAGE, MREMAP_MAYMOVE));
    res("mremap bad flags", SYS4(__NR_mremap, f, PAGE, 2 * PAGE, 0x100));
    res("mremap to length 0", SYS4(__NR_mremap, f, PAGE, 0, MREMAP_MAYMOVE));
    SYS2(__NR_munmap, fixed_to, 8 * PAGE);
    SYS2(__NR_munmap, blocker, PAGE);

    long d = map(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *(long *)d = 7;
    show("madvise DONTNEED", SYS3(__NR_madvise, d, PAGE, MADV_DONTNEED));
    check("DONTNEED on private anonymous memory zeroes it", *(long *)d == 0);
    show("madvise WILLNEED", SYS3(__NR_madvise, d, PAGE, MADV_WILLNEED));
    show("madvise bad advice", SYS3(__NR_madvise, d, PAGE, 12345));
    show("madvise unaligned", SYS3(__NR_madvise, d + 1, PAGE, MADV_NORMAL));
    SYS2(__NR_munmap, d, PAGE);
    show("madvise unmapped", SYS3(__NR_madvise, d, PAGE, MADV_NORMAL));
    unsigned char v;
    show("mincore unmapped", SYS3(__NR_mincore, d, PAGE, &v));
    show("msync unmapped", SYS3(__NR_msync, d, PAGE, MS_SYNC));
    show("mlock unmapped", SYS2(__NR_mlock, d, PAGE));
    show("munlock unmapped", SYS2(__NR_munlock, d, PAGE));
}

static void brk(void)
{
    long b0 = SYS1(__NR_brk, 0);
    check("brk(0) is page aligned", (b0 & (PAGE - 1)) == 0);
    long b1 = SYS1(__NR_brk, b0 + 3 * PAGE + 5);
    check("brk grows by a byte count", b1 == b0 + 3 * PAGE + 5);
    char *p = (char *)b0;
    p[0] = 1;
    p[3 * PAGE + 4] = 2;
    check("new heap is zero and writable", p[1] == 0 && p[3 * PAGE + 4] == 2);
    long b2 = SYS1(__NR_brk, b0 + PAGE);
    check("brk shrinks", b2 == b0 + PAGE);
    long b3 = SYS1(__NR_brk, b0 + 3 * PAGE);
    check("regrown heap is zero again", b3 == b0 + 3 * PAGE && p[2 * PAGE + 1] == 0 && p[0] == 1);
    check("brk below the start fails (returns the current break)", SYS1(__NR_brk, b0 - PAGE) == b3);
    check("absurd brk fails (returns the current break)", SYS1(__NR_brk, 0x7ffffffff000L) == b3);
    SYS1(__NR_brk, b0);
}

int main(int argc, char **argv, char **envp)
{
    anon();
    files();
    remap();
    brk();
    return 0;
}
