/*
 * dirs.c — directories and names: mkdir/mkdirat, getdents64 (names sorted:
 * the order on disk is not the test's business), unlink/unlinkat, rmdir,
 * rename/renameat/renameat2, link/linkat, symlink/symlinkat,
 * readlink/readlinkat, chdir/fchdir, getcwd.  Run in an empty scratch
 * directory named "work".
 */
#include "nolibc.h"

#include <fcntl.h>

#define AT_FDCWD_ -100
#ifndef AT_REMOVEDIR
#define AT_REMOVEDIR 0x200
#endif
#define RENAME_NOREPLACE_ 1

struct dirent64_ {
    u64 d_ino;
    i64 d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void list(const char *path)
{
    static char buf[4096];
    char *names[64];
    unsigned char types[64];
    int n = 0;
    int fd = (int)SYS2(__NR_open, path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        show("open dir", fd);
        return;
    }
    long len;
    /* A small buffer: several calls, continuing where the last stopped. */
    static char names_store[64][64];
    while ((len = SYS3(__NR_getdents64, fd, buf, 100)) > 0) {
        for (long off = 0; off < len;) {
            struct dirent64_ *d = (struct dirent64_ *)(buf + off);
            if (n < 64) {
                size_t l = strlen(d->d_name);
                memcpy(names_store[n], d->d_name, l + 1 < 64 ? l + 1 : 63);
                names[n] = names_store[n];
                types[n++] = d->d_type;
            }
            off += d->d_reclen;
        }
    }
    show("getdents64 end", len);
    SYS1(__NR_close, fd);
    for (int i = 1; i < n; i++) /* insertion sort by name */
        for (int j = i; j > 0; j--) {
            const char *x = names[j - 1], *y = names[j];
            while (*x && *x == *y)
                x++, y++;
            if ((unsigned char)*x <= (unsigned char)*y)
                break;
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
            unsigned char tt = types[j];
            types[j] = types[j - 1];
            types[j - 1] = tt;
        }
    pr("%s:", path);
    for (int i = 0; i < n; i++)
        pr(" %s(%d)", names[i], types[i]);
    pr("\n");
}

static void cwd(const char *what)
{
    char buf[4096];
    long r = SYS2(__NR_getcwd, buf, sizeof buf);
    if (r < 0) {
        show(what, r);
        return;
    }
    /* Only the part below the scratch directory is the same in both runs. */
    const char *p = buf, *tail = buf;
    for (; *p; p++)
        if (startswith(p, "/work"))
            tail = p;
    pr("%s = ...%s (returned length ok: %d)\n", what, tail, r == (long)strlen(buf) + 1);
}

int main(int argc, char **argv, char **envp)
{
    char buf[256];
    show("mkdir a", SYS2(__NR_mkdir, "a", 0755));
    show("mkdir a again", SYS2(__NR_mkdir, "a", 0755));
    show("mkdirat a/b", SYS3(__NR_mkdirat, AT_FDCWD_, "a/b", 0700));
    show("mkdir missing/x", SYS2(__NR_mkdir, "missing/x", 0755));
    SYS1(__NR_close, SYS3(__NR_open, "a/f1", O_CREAT | O_WRONLY, 0644));
    SYS1(__NR_close, SYS3(__NR_open, "a/f2", O_CREAT | O_WRONLY, 0644));
    show("symlink", SYS2(__NR_symlink, "f1", "a/s1"));
    show("symlinkat", SYS3(__NR_symlinkat, "..", AT_FDCWD_, "a/b/up"));
    show("link", SYS2(__NR_link, "a/f1", "a/h1"));
    show("linkat", SYS5(__NR_linkat, AT_FDCWD_, "a/f2", AT_FDCWD_, "a/b/h2", 0));
    show("link onto an existing name", SYS2(__NR_link, "a/f1", "a/f2"));
    list("a");
    list("a/b");
    long n = show("readlink", SYS3(__NR_readlink, "a/s1", buf, sizeof buf));
    pr("  [%s]\n", n > 0 ? (buf[n] = 0, buf) : "");
    n = show("readlinkat short buffer", SYS4(__NR_readlinkat, AT_FDCWD_, "a/b/up", buf, 2));
    show("readlink on a file", SYS3(__NR_readlink, "a/f1", buf, sizeof buf));
    show("rename", SYS2(__NR_rename, "a/f2", "a/f3"));
    show("renameat", SYS4(__NR_renameat, AT_FDCWD_, "a/f3", AT_FDCWD_, "a/b/f4"));
    show("renameat2 NOREPLACE onto existing", SYS5(__NR_renameat2, AT_FDCWD_, "a/f1", AT_FDCWD_, "a/h1", RENAME_NOREPLACE_));
    show("rename missing", SYS2(__NR_rename, "a/nope", "a/x"));
    show("rmdir non-empty", SYS1(__NR_rmdir, "a"));
    show("unlink a dir", SYS1(__NR_unlink, "a/b"));
    show("unlink", SYS1(__NR_unlink, "a/h1"));
    show("unlinkat", SYS3(__NR_unlinkat, AT_FDCWD_, "a/s1", 0));
    show("unlinkat REMOVEDIR non-empty", SYS3(__NR_unlinkat, AT_FDCWD_, "a/b", AT_REMOVEDIR));
    list("a");
    list("a/b");
    cwd("getcwd");
    show("chdir a/b", SYS1(__NR_chdir, "a/b"));
    cwd("getcwd");
    show("chdir through a symlink", SYS1(__NR_chdir, "up"));
    cwd("getcwd");
    int fd = (int)SYS2(__NR_open, "b", O_RDONLY | O_DIRECTORY);
    show("fchdir", SYS1(__NR_fchdir, fd));
    cwd("getcwd");
    show("fchdir on a file", SYS1(__NR_fchdir, SYS2(__NR_open, "f4", O_RDONLY)));
    show("chdir missing", SYS1(__NR_chdir, "missing"));
    show("getcwd small buffer", SYS2(__NR_getcwd, buf, 3));
    show("getcwd NULL", SYS2(__NR_getcwd, 0, 100));
    return 0;
}
