/*
 * stat.c — the stat family: fstat, stat, lstat, newfstatat (with
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH), statx; the fields that are the
 * same for the same files natively and under ue (type, mode, size, links,
 * owner), and consistency between the calls (same inode).
 */
#include "nolibc.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <sys/stat.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define AT_FDCWD_ -100

static void show_stat(const char *what, long r, const struct stat *st)
{
    if (r < 0) {
        show(what, r);
        return;
    }
    pr("%s: type %o mode %o size %ld nlink %ld uid %u gid %u blksize>0 %d\n", what, st->st_mode & S_IFMT,
       st->st_mode & 07777, (long)st->st_size, (long)st->st_nlink, st->st_uid, st->st_gid, st->st_blksize > 0);
}

int main(int argc, char **argv, char **envp)
{
    struct stat a, b;
    int fd = (int)SYS3(__NR_open, "file", O_CREAT | O_WRONLY | O_TRUNC, 0640);
    SYS3(__NR_write, fd, "0123456789", 10);
    SYS2(__NR_fchmod, fd, 0640);
    SYS2(__NR_symlink, "file", "link");
    SYS2(__NR_symlink, "nowhere", "dangling");
    SYS2(__NR_mkdir, "dir", 0755);

    show_stat("fstat", SYS2(__NR_fstat, fd, &a), &a);
    show_stat("stat file", SYS2(__NR_stat, "file", &b), &b);
    check("fstat and stat agree on the inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    show_stat("stat link", SYS2(__NR_stat, "link", &b), &b);
    check("stat follows the link", a.st_ino == b.st_ino);
    show_stat("lstat link", SYS2(__NR_lstat, "link", &b), &b);
    show_stat("stat dangling", SYS2(__NR_stat, "dangling", &b), &b);
    show_stat("lstat dangling", SYS2(__NR_lstat, "dangling", &b), &b);
    show_stat("stat dir", SYS2(__NR_stat, "dir", &b), &b);
    show_stat("stat missing", SYS2(__NR_stat, "missing", &b), &b);
    show_stat("stat file/x", SYS2(__NR_stat, "file/x", &b), &b);
    show_stat("stat into NULL", SYS2(__NR_stat, "file", 0), &b);
    show_stat("fstat bad fd", SYS2(__NR_fstat, 77, &b), &b);
    show_stat("newfstatat", SYS4(__NR_newfstatat, AT_FDCWD_, "link", &b, 0), &b);
    show_stat("newfstatat NOFOLLOW", SYS4(__NR_newfstatat, AT_FDCWD_, "link", &b, AT_SYMLINK_NOFOLLOW), &b);
    show_stat("newfstatat EMPTY_PATH", SYS4(__NR_newfstatat, fd, "", &b, AT_EMPTY_PATH), &b);
    show_stat("newfstatat empty path without flag", SYS4(__NR_newfstatat, fd, "", &b, 0), &b);
    int dfd = (int)SYS2(__NR_open, "dir", O_RDONLY | O_DIRECTORY);
    SYS3(__NR_open, "dir/inner", O_CREAT | O_WRONLY, 0600);
    show_stat("newfstatat relative to a dir fd", SYS4(__NR_newfstatat, dfd, "inner", &b, 0), &b);

    struct statx sx;
    long r = SYS5(__NR_statx, AT_FDCWD_, "file", 0, STATX_BASIC_STATS, &sx);
    show("statx", r);
    if (r == 0) {
        pr("statx: mask has basic %d mode %o size %lu nlink %u\n", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
           sx.stx_mode, (unsigned long)sx.stx_size, sx.stx_nlink);
        check("statx and fstat agree on the inode", sx.stx_ino == a.st_ino);
    }
    r = SYS5(__NR_statx, AT_FDCWD_, "link", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx);
    pr("statx NOFOLLOW link: r %ld type %o\n", r, sx.stx_mode & S_IFMT);
    show("statx missing", SYS5(__NR_statx, AT_FDCWD_, "missing", 0, STATX_BASIC_STATS, &sx));
    show("statx bad flags", SYS5(__NR_statx, AT_FDCWD_, "file", 0x7fff0000, STATX_BASIC_STATS, &sx));

    /* /proc/self/exe is the program under ue too. */
    struct stat e, e2;
    SYS2(__NR_stat, "/proc/self/exe", &e);
    char exe[4096];
    long n = SYS3(__NR_readlink, "/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    SYS2(__NR_stat, exe, &e2);
    check("stat /proc/self/exe is the program", e.st_ino == e2.st_ino && e.st_size == e2.st_size);
    SYS4(__NR_newfstatat, AT_FDCWD_, "/proc/self/exe", &e, 0);
    check("newfstatat /proc/self/exe is the program", e.st_ino == e2.st_ino);
    SYS2(__NR_lstat, "/proc/self/exe", &e);
    pr("lstat /proc/self/exe: type %o\n", e.st_mode & S_IFMT);
    show("access /proc/self/exe X_OK", SYS2(__NR_access, "/proc/self/exe", 1));
    return 0;
}
