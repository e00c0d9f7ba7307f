/*
 * misc.c — ioctl (TCGETS on a non-terminal, FIONREAD on a pipe, a bad
 * request), futex without waiters (wake, wait with a stale value, wait with
 * a timeout), sched_getaffinity, set_tid_address, arch_prctl(ARCH_GET_FS)
 * and prctl(PR_GET_NAME / PR_SET_NAME); calls ue passes to the host whose
 * answer depends on privileges or the machine, made so that they change
 * nothing: the NUMA policy (get_mempolicy, set_mempolicy to the default),
 * clock_settime of a clock that cannot be set, syslog's buffer size,
 * umount2 of a directory that is no mount point; protection keys that
 * were never allocated.
 */
#include "nolibc.h"

#include <asm/prctl.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <time.h>

int main(int argc, char **argv, char **envp)
{
    char tio[64];
    int fd = (int)SYS3(__NR_open, "f", O_CREAT | O_RDWR, 0644);
    show("ioctl TCGETS on a file", SYS3(__NR_ioctl, fd, TCGETS, tio));
    int p[2];
    SYS1(__NR_pipe, p);
    SYS3(__NR_write, p[1], "hello", 5);
    int avail = -1;
    show("ioctl FIONREAD on a pipe", SYS3(__NR_ioctl, p[0], FIONREAD, &avail));
    pr("  %d bytes available\n", avail);
    show("ioctl TCGETS on a pipe", SYS3(__NR_ioctl, p[0], TCGETS, tio));
    show("ioctl bad fd", SYS3(__NR_ioctl, 99, FIONREAD, &avail));
    show("ioctl FIONREAD to a bad address", SYS3(__NR_ioctl, p[0], FIONREAD, 0x10));

    int word = 5;
    show("futex wake, no waiters", SYS6(__NR_futex, &word, FUTEX_WAKE, 1, 0, 0, 0));
    show("futex wake private", SYS6(__NR_futex, &word, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    show("futex wait, value changed", SYS6(__NR_futex, &word, FUTEX_WAIT_PRIVATE, 4, 0, 0, 0));
    struct timespec to = {0, 1000000};
    show("futex wait with timeout", SYS6(__NR_futex, &word, FUTEX_WAIT_PRIVATE, 5, &to, 0, 0));
    show("futex bad op", SYS6(__NR_futex, &word, 99, 0, 0, 0, 0));
    show("futex unaligned", SYS6(__NR_futex, (char *)&word + 1, FUTEX_WAKE, 1, 0, 0, 0));
    show("futex wake_op, no waiters", SYS6(__NR_futex, &word, FUTEX_WAKE_OP_PRIVATE, 1, 1, &avail, 0));
    show("futex cmp_requeue, no waiters", SYS6(__NR_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &avail, 5));

    int tidword = 0;
    check("set_tid_address returns the tid", SYS1(__NR_set_tid_address, &tidword) == SYS0(__NR_gettid));
    unsigned long fs = 1;
    show("arch_prctl ARCH_GET_FS", SYS2(__NR_arch_prctl, ARCH_GET_FS, &fs));
    pr("  fs base %lx (nolibc sets none)\n", fs);
    show("arch_prctl bad code", SYS2(__NR_arch_prctl, 0x9999, &fs));
    char name[17] = {0};
    show("prctl PR_SET_NAME", SYS2(__NR_prctl, PR_SET_NAME, "renamed-task"));
    show("prctl PR_GET_NAME", SYS2(__NR_prctl, PR_GET_NAME, name));
    pr("  [%s]\n", name);

    int mode = -1;
    show("get_mempolicy", SYS5(__NR_get_mempolicy, &mode, 0, 0, 0, 0));
    pr("  mode %d\n", mode);
    show("set_mempolicy MPOL_DEFAULT", SYS3(__NR_set_mempolicy, 0, 0, 0));
    show("clock_settime CLOCK_MONOTONIC", SYS2(__NR_clock_settime, CLOCK_MONOTONIC, &to));
    long size = SYS3(__NR_syslog, 10, 0, 0);
    show("syslog SYSLOG_ACTION_SIZE_BUFFER (> 0)", size > 0 ? 1 : size);
    show("umount2 of a plain directory", SYS2(__NR_umount2, ".", 0));
    long page = SYS6(__NR_mmap, 0, 4096, 3, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    show("pkey_mprotect key -1", SYS4(__NR_pkey_mprotect, page, 4096, 1, -1));
    show("pkey_mprotect key 5, not allocated", SYS4(__NR_pkey_mprotect, page, 4096, 1, 5));
    show("pkey_free 5, not allocated", SYS1(__NR_pkey_free, 5));
    return 0;
}
