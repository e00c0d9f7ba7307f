/*
 * trace.c — a fixed sequence of system calls for the --strace test: the
 * suite compares ue's trace of it with the expected lines in
 * trace.expect (and with strace's own output where strace is installed),
 * after masking addresses and pids.  Run in a scratch directory.
 */
#include "nolibc.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>

int main(int argc, char **argv, char **envp)
{
    char buf[16];
    SYS3(__NR_write, 1, "hello\n", 6);
    int fd = (int)SYS4(__NR_openat, -100, "trace.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    SYS3(__NR_write, fd, "abc\tz\"q\001", 8);
    SYS3(__NR_lseek, fd, 2, SEEK_SET);
    SYS1(__NR_close, fd);
    fd = (int)SYS3(__NR_openat, -100, "trace.tmp", O_RDONLY | O_CLOEXEC);
    SYS3(__NR_read, fd, buf, sizeof buf);
    SYS3(__NR_read, 99, buf, sizeof buf);
    SYS4(__NR_pread64, fd, buf, 3, 1);
    SYS2(__NR_access, "missing", R_OK | W_OK);
    SYS2(__NR_access, "trace.tmp", F_OK);
    long p = SYS6(__NR_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SYS3(__NR_mprotect, p, 4096, PROT_READ);
    SYS6(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0x1000);
    SYS2(__NR_munmap, p, 4096);
    SYS1(__NR_brk, 0);
    SYS1(__NR_close, fd);
    SYS1(__NR_unlink, "trace.tmp");
    SYS6(500, 1, 2, 3, 4, 5, 6);
    SYS6(500, 1, 2, 3, 4, 5, 6);
    SYS2(__NR_dup2, 1, 10);
    SYS1(__NR_close, 10);
    SYS1(__NR_exit_group, 3);
    return 0;
}
