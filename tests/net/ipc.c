/*
 * ipc.c — the I/O and IPC calls of issue 6, each checked by what it does
 * (output identical natively and under ue): socketpair with sendmsg/
 * recvmsg over several iovecs, SCM_RIGHTS and SCM_CREDENTIALS; a TCP
 * connection on loopback (bind, listen, accept4, connect, getsockname,
 * getpeername, setsockopt/getsockopt, shutdown, sendto/recvfrom); UDP;
 * epoll (create1, ctl, wait, pwait with a mask); eventfd; timerfd;
 * signalfd (the mask is the guest's); inotify; memfd_create; splice,
 * tee, sendfile, copy_file_range; statfs/fstatfs; utimensat; flock;
 * mknod of a FIFO; sched_* calls.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%-36s -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%-36s %ld\n", what, r);
}

static void unix_sockets(void)
{
    int sv[2];
    show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    /* three iovecs, an fd and credentials in the control data */
    int pipefd[2];
    pipe(pipefd);
    write(pipefd[1], "through the passed fd", 21);
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    char a[] = "one ", b[] = "two ", c[] = "three";
    struct iovec iov[3] = {{a, 4}, {b, 4}, {c, 5}};
    union {
        char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 3, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pipefd[0], sizeof(int));
    cm = CMSG_NXTHDR(&m, cm);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_CREDENTIALS;
    cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred cred = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
    memcpy(CMSG_DATA(cm), &cred, sizeof cred);
    show("sendmsg 3 iovecs + SCM_RIGHTS + creds", sendmsg(sv[0], &m, 0));

    char r1[6], r2[20];
    struct iovec riov[2] = {{r1, 6}, {r2, sizeof r2}};
    union {
        char buf[256];
        struct cmsghdr align;
    } rctl;
    struct msghdr rm = {.msg_iov = riov, .msg_iovlen = 2, .msg_control = rctl.buf, .msg_controllen = sizeof rctl.buf};
    long n = recvmsg(sv[1], &rm, 0);
    printf("%-36s %ld \"%.6s|%.*s\"\n", "recvmsg into 2 iovecs", n, r1, (int)(n - 6), r2);
    for (cm = CMSG_FIRSTHDR(&rm); cm; cm = CMSG_NXTHDR(&rm, cm)) {
        if (cm->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(cm), sizeof fd);
            char buf[32] = {0};
            read(fd, buf, sizeof buf - 1);
            printf("  SCM_RIGHTS fd reads \"%s\" (a new number: %d)\n", buf, fd != pipefd[0]);
        } else if (cm->cmsg_type == SCM_CREDENTIALS) {
            struct ucred got;
            memcpy(&got, CMSG_DATA(cm), sizeof got);
            printf("  SCM_CREDENTIALS pid ok %d uid %u\n", got.pid == getpid(), got.uid);
        }
    }
    shutdown(sv[0], SHUT_WR);
    show("read after shutdown", read(sv[1], r1, 1));
    close(sv[0]);
    close(sv[1]);
}

static void tcp_udp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    show("bind", bind(ls, (struct sockaddr *)&sa, sizeof sa));
    show("listen", listen(ls, 4));
    socklen_t len = sizeof sa;
    getsockname(ls, (struct sockaddr *)&sa, &len);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    show("connect", connect(cs, (struct sockaddr *)&sa, sizeof sa));
    struct sockaddr_in peer;
    len = sizeof peer;
    int as = accept4(ls, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    printf("%-36s %s\n", "accept4", as >= 0 ? "ok" : strerrorname_np(errno));
    printf("%-36s %d\n", "peer is loopback", peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    struct sockaddr_in me;
    len = sizeof me;
    getpeername(cs, (struct sockaddr *)&me, &len);
    printf("%-36s %d\n", "getpeername port matches", me.sin_port == sa.sin_port);
    int nodelay = 1, got = 0;
    setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
    len = sizeof got;
    getsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &got, &len);
    printf("%-36s %d\n", "TCP_NODELAY read back", got != 0);
    show("sendto", sendto(cs, "ping", 4, 0, NULL, 0));
    char buf[16] = {0};
    show("recvfrom", recvfrom(as, buf, sizeof buf, 0, NULL, NULL));
    printf("  got \"%s\"\n", buf);
    close(cs);
    close(as);
    close(ls);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(u2, (struct sockaddr *)&ua, sizeof ua);
    len = sizeof ua;
    getsockname(u2, (struct sockaddr *)&ua, &len);
    show("udp sendto", sendto(u1, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof ua));
    memset(buf, 0, sizeof buf);
    show("udp recvfrom", recvfrom(u2, buf, sizeof buf, 0, NULL, NULL));
    close(u1);
    close(u2);
}

static void fds(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int ev = eventfd(0, EFD_NONBLOCK);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42};
    show("epoll_ctl add eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e));
    struct epoll_event out[4];
    show("epoll_wait, nothing ready", epoll_wait(ep, out, 4, 0));
    uint64_t one = 3;
    write(ev, &one, 8);
    int n = epoll_wait(ep, out, 4, 1000);
    printf("%-36s %d data %llu\n", "epoll_wait after write", n, (unsigned long long)out[0].data.u64);
    uint64_t val = 0;
    read(ev, &val, 8);
    printf("%-36s %llu\n", "eventfd value", (unsigned long long)val);
    sigset_t none;
    sigemptyset(&none);
    show("epoll_pwait, nothing ready", epoll_pwait(ep, out, 4, 10, &none));

    int tf = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {.it_value = {0, 20 * 1000 * 1000}};
    timerfd_settime(tf, 0, &its, NULL);
    uint64_t ticks = 0;
    read(tf, &ticks, 8);
    printf("%-36s %llu\n", "timerfd expirations", (unsigned long long)ticks);

    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    int sf = signalfd(-1, &s, 0);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo ssi;
    long r = read(sf, &ssi, sizeof ssi);
    printf("%-36s %ld signo %u pid ok %d\n", "signalfd read", r, ssi.ssi_signo, (pid_t)ssi.ssi_pid == getpid());

    char dir[] = "/tmp/ue-ipc-XXXXXX";
    mkdtemp(dir);
    int in = inotify_init1(IN_CLOEXEC);
    int wd = inotify_add_watch(in, dir, IN_CREATE);
    printf("%-36s %d\n", "inotify_add_watch", wd > 0);
    char path[64];
    snprintf(path, sizeof path, "%s/new", dir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    char ibuf[256];
    r = read(in, ibuf, sizeof ibuf);
    struct inotify_event *ie = (struct inotify_event *)ibuf;
    printf("%-36s mask %#x name %s\n", "inotify event", ie->mask, r > 0 ? ie->name : "?");

    int mf = memfd_create("ue-test", MFD_CLOEXEC);
    write(mf, "memfd contents\n", 15);
    char *map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, mf, 0);
    printf("%-36s %.14s\n", "memfd mapped", map);

    /* splice, tee, sendfile, copy_file_range */
    int p1[2], p2[2];
    pipe(p1);
    pipe(p2);
    lseek(mf, 0, SEEK_SET);
    show("splice file -> pipe", splice(mf, NULL, p1[1], NULL, 15, 0));
    show("tee pipe -> pipe", tee(p1[0], p2[1], 15, 0));
    char sb[32] = {0};
    read(p2[0], sb, sizeof sb);
    printf("  tee'd: %s", sb);
    snprintf(path, sizeof path, "%s/copy", dir);
    int cf = open(path, O_CREAT | O_RDWR, 0600);
    off_t off = 0;
    show("sendfile memfd -> file", sendfile(cf, mf, &off, 15));
    loff_t from = 0, to = 15;
    show("copy_file_range", copy_file_range(cf, &from, cf, &to, 15, 0));
    struct stat st;
    fstat(cf, &st);
    printf("%-36s %lld\n", "copied file size", (long long)st.st_size);

    struct statfs sfs, fsfs;
    statfs(dir, &sfs);
    fstatfs(cf, &fsfs);
    printf("%-36s %d\n", "statfs == fstatfs type", sfs.f_type == fsfs.f_type);
    struct timespec times[2] = {{1000000000, 0}, {1234567890, 5}};
    show("utimensat", utimensat(AT_FDCWD, path, times, 0));
    stat(path, &st);
    printf("%-36s %lld\n", "mtime", (long long)st.st_mtim.tv_sec);
    show("flock LOCK_EX", flock(cf, LOCK_EX));
    int cf2 = open(path, O_RDWR);
    show("flock LOCK_EX|LOCK_NB elsewhere", flock(cf2, LOCK_EX | LOCK_NB));
    snprintf(path, sizeof path, "%s/fifo", dir);
    show("mknod FIFO", mknod(path, S_IFIFO | 0600, 0));
    stat(path, &st);
    printf("%-36s %d\n", "is a FIFO", S_ISFIFO(st.st_mode));

    cpu_set_t cs;
    CPU_ZERO(&cs);
    show("sched_getaffinity", sched_getaffinity(0, sizeof cs, &cs) >= 0 ? 0 : -1);
    show("sched_getscheduler", sched_getscheduler(0));
    struct sched_param sp;
    show("sched_getparam", sched_getparam(0, &sp));
    show("sched_yield", sched_yield());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    fflush(stdout);
    system(cmd);
}

int main(void)
{
    unix_sockets();
    tcp_udp();
    fds();
    return 0;
}
