/*
 * perms.c — permissions: umask, chmod/fchmod/fchmodat, access, faccessat,
 * faccessat2 (with AT_EACCESS and AT_SYMLINK_NOFOLLOW), the modes new files
 * get under a umask, chown/fchown/lchown/fchownat to our own ids.  Run in
 * an empty scratch directory.
 */
#include "nolibc.h"

#include <fcntl.h>
#include <sys/stat.h>

#define AT_FDCWD_ -100
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif

static void mode_of(const char *path)
{
    struct stat st;
    long r = SYS2(__NR_lstat, path, &st);
    if (r < 0)
        show(path, r);
    else
        pr("mode of %s = %o\n", path, st.st_mode & 07777);
}

int main(int argc, char **argv, char **envp)
{
    show("umask 027 (old)", SYS1(__NR_umask, 027));
    show("umask 022 (old)", SYS1(__NR_umask, 022));
    SYS1(__NR_umask, 077);
    SYS1(__NR_close, SYS3(__NR_open, "f", O_CREAT | O_WRONLY, 0666));
    SYS2(__NR_mkdir, "d", 0777);
    mode_of("f");
    mode_of("d");
    SYS1(__NR_umask, 022);
    show("chmod 0751", SYS2(__NR_chmod, "f", 0751));
    mode_of("f");
    show("chmod with setuid/sticky bits", SYS2(__NR_chmod, "d", 01755));
    mode_of("d");
    int fd = (int)SYS2(__NR_open, "f", O_RDONLY);
    show("fchmod 0400", SYS2(__NR_fchmod, fd, 0400));
    mode_of("f");
    show("fchmodat 0644", SYS4(__NR_fchmodat, AT_FDCWD_, "f", 0644, 0));
    mode_of("f");
    show("chmod missing", SYS2(__NR_chmod, "missing", 0644));
    show("fchmod bad fd", SYS2(__NR_fchmod, 99, 0644));
    show("access F_OK", SYS2(__NR_access, "f", F_OK));
    show("access R_OK|W_OK", SYS2(__NR_access, "f", R_OK | W_OK));
    show("access X_OK on 0644", SYS2(__NR_access, "f", X_OK));
    show("access missing", SYS2(__NR_access, "missing", F_OK));
    show("access bad mode", SYS2(__NR_access, "f", 0100));
    show("faccessat X_OK dir", SYS3(__NR_faccessat, AT_FDCWD_, "d", X_OK));
    SYS2(__NR_symlink, "missing", "dangling");
    show("faccessat2 dangling", SYS4(__NR_faccessat2, AT_FDCWD_, "dangling", F_OK, 0));
    show("faccessat2 dangling NOFOLLOW", SYS4(__NR_faccessat2, AT_FDCWD_, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
    show("faccessat2 AT_EACCESS", SYS4(__NR_faccessat2, AT_FDCWD_, "f", R_OK, AT_EACCESS));
    show("faccessat2 bad flags", SYS4(__NR_faccessat2, AT_FDCWD_, "f", R_OK, 0x4));
    long uid = SYS0(__NR_getuid), gid = SYS0(__NR_getgid);
    show("chown to ourselves", SYS3(__NR_chown, "f", uid, gid));
    show("chown -1 -1 (no change)", SYS3(__NR_chown, "f", -1, -1));
    show("fchown", SYS3(__NR_fchown, fd, uid, -1));
    show("lchown on a dangling link", SYS3(__NR_lchown, "dangling", uid, gid));
    show("chown on a dangling link", SYS3(__NR_chown, "dangling", uid, gid));
    show("fchownat NOFOLLOW", SYS5(__NR_fchownat, AT_FDCWD_, "dangling", uid, gid, AT_SYMLINK_NOFOLLOW));
    show("chown missing", SYS3(__NR_chown, "missing", uid, gid));
    return 0;
}
