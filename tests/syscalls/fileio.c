/*
 * fileio.c — file descriptors and plain I/O: openat/open/close, read/write,
 * pread64/pwrite64, readv/writev, lseek, dup/dup2/dup3, pipe/pipe2, fcntl,
 * ftruncate/truncate, fsync/fdatasync, and their usual errors.  Run in an
 * empty scratch directory (relative names only).
 */
#include "nolibc.h"

#include <fcntl.h>
#include <sys/uio.h>

#ifndef O_LARGEFILE
#define O_LARGEFILE 0100000
#endif

#define AT_FDCWD_ -100

static char buf[256];

static void io_basics(void)
{
    int fd = (int)show("openat O_CREAT|O_RDWR", SYS4(__NR_openat, AT_FDCWD_, "f", O_CREAT | O_RDWR | O_TRUNC, 0644));
    show("write 11", SYS3(__NR_write, fd, "hello world", 11));
    show("lseek cur", SYS3(__NR_lseek, fd, 0, SEEK_CUR));
    show("lseek set 6", SYS3(__NR_lseek, fd, 6, SEEK_SET));
    long n = show("read", SYS3(__NR_read, fd, buf, sizeof buf));
    pr("  got [%s]\n", n > 0 ? (buf[n] = 0, buf) : "");
    show("read at eof", SYS3(__NR_read, fd, buf, sizeof buf));
    show("lseek end -5", SYS3(__NR_lseek, fd, -5, SEEK_END));
    show("lseek negative", SYS3(__NR_lseek, fd, -100, SEEK_SET));
    show("lseek bad whence", SYS3(__NR_lseek, fd, 0, 42));
    show("pwrite at 0", SYS4(__NR_pwrite64, fd, "HELLO", 5, 0));
    n = show("pread 5 at 3", SYS4(__NR_pread64, fd, buf, 5, 3));
    pr("  got [%s]\n", n > 0 ? (buf[n] = 0, buf) : "");
    show("offset unchanged by pread/pwrite", SYS3(__NR_lseek, fd, 0, SEEK_CUR));
    show("pread negative offset", SYS4(__NR_pread64, fd, buf, 5, -1));
    struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    show("lseek end", SYS3(__NR_lseek, fd, 0, SEEK_END));
    show("writev", SYS3(__NR_writev, fd, wv, 3));
    char a[4] = {0}, b[32] = {0};
    struct iovec rv[2] = {{a, 3}, {b, sizeof b - 1}};
    show("lseek 0", SYS3(__NR_lseek, fd, 0, SEEK_SET));
    show("readv", SYS3(__NR_readv, fd, rv, 2));
    pr("  got [%s] [%s]\n", a, b);
    show("ftruncate 4", SYS2(__NR_ftruncate, fd, 4));
    show("fsync", SYS1(__NR_fsync, fd));
    show("fdatasync", SYS1(__NR_fdatasync, fd));
    show("lseek end after truncate", SYS3(__NR_lseek, fd, 0, SEEK_END));
    show("truncate by name to 100", SYS2(__NR_truncate, "f", 100));
    show("lseek end after truncate", SYS3(__NR_lseek, fd, 0, SEEK_END));
    show("close", SYS1(__NR_close, fd));
    show("close again", SYS1(__NR_close, fd));
    show("read closed fd", SYS3(__NR_read, fd, buf, 1));
    show("open missing", SYS2(__NR_open, "missing", O_RDONLY));
    show("open O_EXCL existing", SYS3(__NR_open, "f", O_CREAT | O_EXCL | O_WRONLY, 0600));
    show("open dir for writing", SYS2(__NR_open, ".", O_WRONLY));
    show("open O_DIRECTORY on a file", SYS2(__NR_open, "f", O_RDONLY | O_DIRECTORY));
}

static void io_faults(void)
{
    int fd = (int)SYS2(__NR_open, "f", O_RDWR);
    show("read into NULL", SYS3(__NR_read, fd, 0, 4));
    show("write from an unmapped address", SYS3(__NR_write, fd, 0x10000, 4));
    show("read into ue-private memory", SYS3(__NR_read, fd, 0x500000000000, 4));
    show("write from a kernel address", SYS3(__NR_write, fd, 0xffffffffff600000, 4));
    show("open with a NULL path", SYS2(__NR_open, 0, O_RDONLY));
    show("write 0 bytes from a bad address", SYS3(__NR_write, fd, 0x1, 0));
    show("read 0 bytes into ue-private memory", SYS3(__NR_read, fd, 0x500000000000, 0));
    SYS1(__NR_close, fd);
}

static void fds(void)
{
    int fd = (int)SYS2(__NR_open, "f", O_RDONLY);
    int d = (int)show("dup", SYS1(__NR_dup, fd));
    show("dup2 to 20", SYS2(__NR_dup2, fd, 20));
    show("dup2 to itself", SYS2(__NR_dup2, fd, fd));
    show("dup3 to itself", SYS3(__NR_dup3, fd, fd, 0));
    show("dup3 O_CLOEXEC to 21", SYS3(__NR_dup3, fd, 21, O_CLOEXEC));
    show("dup3 bad flags", SYS3(__NR_dup3, fd, 22, 1));
    show("fcntl F_GETFD 21", SYS2(__NR_fcntl, 21, F_GETFD));
    show("fcntl F_GETFD 20", SYS2(__NR_fcntl, 20, F_GETFD));
    show("fcntl F_SETFD 20", SYS3(__NR_fcntl, 20, F_SETFD, FD_CLOEXEC));
    show("fcntl F_GETFD 20", SYS2(__NR_fcntl, 20, F_GETFD));
    show("fcntl F_DUPFD >= 30", SYS3(__NR_fcntl, fd, F_DUPFD, 30));
    show("fcntl F_DUPFD_CLOEXEC >= 30", SYS3(__NR_fcntl, fd, F_DUPFD_CLOEXEC, 30));
    show("fcntl F_GETFL", SYS2(__NR_fcntl, fd, F_GETFL) & ~O_LARGEFILE);
    show("fcntl F_SETFL O_NONBLOCK|O_APPEND", SYS3(__NR_fcntl, fd, F_SETFL, O_NONBLOCK | O_APPEND));
    show("fcntl F_GETFL", SYS2(__NR_fcntl, fd, F_GETFL) & ~O_LARGEFILE);
    show("fcntl bad fd", SYS2(__NR_fcntl, 99, F_GETFD));
    show("shared offset: lseek dup", SYS3(__NR_lseek, d, 3, SEEK_SET));
    show("shared offset: lseek orig", SYS3(__NR_lseek, fd, 0, SEEK_CUR));
    for (int i = 20; i < 40; i++)
        SYS1(__NR_close, i);
    SYS1(__NR_close, d);
    SYS1(__NR_close, fd);
}

static void pipes(void)
{
    int p[2] = {-1, -1};
    show("pipe", SYS1(__NR_pipe, p));
    show("write pipe", SYS3(__NR_write, p[1], "xyz", 3));
    long n = show("read pipe", SYS3(__NR_read, p[0], buf, sizeof buf));
    pr("  got [%s]\n", n > 0 ? (buf[n] = 0, buf) : "");
    show("lseek on a pipe", SYS3(__NR_lseek, p[0], 0, SEEK_CUR));
    SYS1(__NR_close, p[1]);
    show("read at EOF of pipe", SYS3(__NR_read, p[0], buf, sizeof buf));
    SYS1(__NR_close, p[0]);
    show("pipe2 O_NONBLOCK|O_CLOEXEC", SYS2(__NR_pipe2, p, O_NONBLOCK | O_CLOEXEC));
    show("read empty nonblocking pipe", SYS3(__NR_read, p[0], buf, 1));
    show("F_GETFD", SYS2(__NR_fcntl, p[0], F_GETFD));
    show("F_GETFL has O_NONBLOCK", (SYS2(__NR_fcntl, p[1], F_GETFL) & O_NONBLOCK) != 0);
    show("pipe2 bad flags", SYS2(__NR_pipe2, p, 0x1234));
    show("pipe into NULL", SYS1(__NR_pipe, 0));
}

int main(int argc, char **argv, char **envp)
{
    io_basics();
    io_faults();
    fds();
    pipes();
    return 0;
}
