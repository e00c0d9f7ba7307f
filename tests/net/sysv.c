/*
 * sysv.c — System V IPC, checked by what it does (output identical natively
 * and under ue):
 *
 *   shm   shmget, shmat anywhere / at a given address / SHM_RND / over a
 *         mapping (EINVAL, then SHM_REMAP), SHM_RDONLY (a write faults),
 *         the segment shared with a forked child and with a second
 *         attachment, shm_nattch as shmctl(IPC_STAT) counts it, the
 *         segment in /proc/self/maps, shmdt and its errors, IPC_RMID
 *   sem   semget, semctl SETVAL/GETVAL/SETALL/GETALL, semop waking a
 *         child blocked in it, semtimedop timing out, IPC_RMID
 *   msg   msgget, msgsnd, msgrcv by type and with IPC_NOWAIT, msgctl
 *         IPC_STAT, a child receiving what the parent sends, IPC_RMID
 *
 * Everything uses IPC_PRIVATE keys, so runs in parallel do not meet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%-40s -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%-40s %ld\n", what, r);
    fflush(stdout);
}

static void show_ptr(const char *what, void *p)
{
    if (p == (void *)-1)
        printf("%-40s -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%-40s ok\n", what);
    fflush(stdout);
}

static long nattch(int id)
{
    struct shmid_ds ds;
    return shmctl(id, IPC_STAT, &ds) == 0 ? (long)ds.shm_nattch : -1;
}

/* The perms and name of the maps line holding p ("" if none), and whether
 * its inode is the segment id, as the kernel shows it. */
static void maps_line(const char *what, void *p, int id)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512], perms[8] = "", name[256] = "";
    unsigned long lo, hi, ino = 0;
    while (f && fgets(line, sizeof line, f)) {
        int n = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %lu %n", &lo, &hi, perms, &ino, &n) >= 4 && (unsigned long)p >= lo &&
            (unsigned long)p < hi) {
            snprintf(name, sizeof name, "%s", line + n);
            name[strcspn(name, "\n")] = 0;
            break;
        }
        perms[0] = 0;
    }
    if (f)
        fclose(f);
    printf("%-40s %s %s, inode is the id: %d\n", what, perms, name, ino == (unsigned long)id);
}

static sigjmp_buf fault_jmp;
static void on_segv(int sig) { siglongjmp(fault_jmp, sig); }

static void shm(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    show("shmget", id < 0 ? -1 : 0);
    char *p = shmat(id, NULL, 0);
    show_ptr("shmat anywhere", p);
    show("page aligned", ((unsigned long)p & 4095) == 0);
    show("nattch after shmat", nattch(id));
    maps_line("maps line", p, id);
    maps_line("maps line, last page", p + 9999, id);
    strcpy(p, "written by the parent");
    p[9999] = 'z';

    /* A child shares the segment: what it writes, the parent reads. */
    pid_t pid = fork();
    if (pid == 0) {
        printf("child reads: %s %c\n", p, p[9999]);
        printf("child nattch: %ld\n", nattch(id));
        char *q = shmat(id, NULL, 0);
        printf("child second attachment sees: %s\n", q);
        strcpy(q, "written by the child");
        shmdt(q);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("parent reads: %s\n", p);
    show("nattch after the child", nattch(id));

    /* A second attachment in this process: the same memory. */
    char *q = shmat(id, NULL, 0);
    show("second attachment shares", q != p && strcmp(q, p) == 0);
    show("nattch with two", nattch(id));
    show("shmdt second", shmdt(q));
    show("shmdt second again", shmdt(q));
    show("shmdt unaligned", shmdt(p + 1));
    show("shmdt inside", shmdt(p + 4096));
    show("shmdt of a non-shm mapping", shmdt(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));

    /* At an address of our choosing: free, unaligned, SHM_RND, taken. */
    char *hole = mmap(NULL, 3 * 16384, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, 3 * 16384);
    char *at = hole + 16384;
    show("shmat at a free address", shmat(id, at, 0) == at);
    show("shmat there again", (long)shmat(id, at, 0));
    show("shmat there with SHM_REMAP", shmat(id, at, SHM_REMAP) == at);
    show("its contents", strcmp(at, "written by the child") == 0);
    show("shmdt it", shmdt(at));
    show("shmat unaligned", (long)shmat(id, at + 100, 0));
    show("shmat unaligned with SHM_RND", shmat(id, at + 100, SHM_RND) == at);
    show("shmdt it", shmdt(at));
    show("shmat SHM_REMAP without address", (long)shmat(id, NULL, SHM_REMAP));

    /* Read-only: a write faults. */
    char *ro = shmat(id, NULL, SHM_RDONLY);
    show_ptr("shmat SHM_RDONLY", ro);
    maps_line("maps line, read-only", ro, id);
    signal(SIGSEGV, on_segv);
    if (sigsetjmp(fault_jmp, 1) == 0) {
        ro[0] = 'x';
        printf("write to a read-only attachment: no fault\n");
    } else {
        printf("write to a read-only attachment: SIGSEGV\n");
    }
    signal(SIGSEGV, SIG_DFL);
    show("shmdt read-only", shmdt(ro));

    show("shmat bad id", (long)shmat(-1, NULL, 0));
    show("nattch before shmdt", nattch(id));
    show("shmdt", shmdt(p));
    show("nattch after shmdt", nattch(id));
    show("shmctl IPC_RMID", shmctl(id, IPC_RMID, NULL));
    show("shmat after IPC_RMID", (long)shmat(id, NULL, 0));
}

static void sem(void)
{
    int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    show("semget", id < 0 ? -1 : 0);
    show("semctl SETVAL", semctl(id, 0, SETVAL, 0));
    unsigned short all[2] = {0, 5}, got[2] = {9, 9};
    show("semctl SETALL", semctl(id, 0, SETALL, all));
    show("semctl GETALL", semctl(id, 0, GETALL, got));
    printf("values: %u %u\n", got[0], got[1]);
    pid_t pid = fork();
    if (pid == 0) {
        struct sembuf down = {0, -1, 0};
        int r = semop(id, &down, 1); /* blocks until the parent posts */
        printf("child: semop down %d\n", r);
        fflush(stdout);
        _exit(0);
    }
    usleep(100000);
    struct sembuf up = {0, 1, 0};
    long r = semop(id, &up, 1); /* shown after the child's line */
    int st;
    waitpid(pid, &st, 0);
    show("semop up", r);
    show("semctl GETVAL after the child", semctl(id, 0, GETVAL));
    struct sembuf two[2] = {{1, -2, 0}, {1, -1, 0}};
    show("semop two at once", semop(id, two, 2));
    show("semctl GETVAL 1", semctl(id, 1, GETVAL));
    struct sembuf wait_down = {0, -1, 0};
    struct timespec ts = {0, 50000000};
    show("semtimedop timing out", semtimedop(id, &wait_down, 1, &ts));
    struct sembuf nowait = {0, -1, IPC_NOWAIT};
    show("semop IPC_NOWAIT", semop(id, &nowait, 1));
    show("semctl IPC_RMID", semctl(id, 0, IPC_RMID));
    show("semop after IPC_RMID", semop(id, &up, 1));
}

struct msg {
    long type;
    char text[64];
};

static void msg(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    show("msgget", id < 0 ? -1 : 0);
    struct msg m = {2, "second type"};
    show("msgsnd type 2", msgsnd(id, &m, sizeof m.text, 0));
    m.type = 1;
    strcpy(m.text, "first type");
    show("msgsnd type 1", msgsnd(id, &m, sizeof m.text, 0));
    struct msqid_ds ds;
    show("msgctl IPC_STAT", msgctl(id, IPC_STAT, &ds));
    printf("qnum %lu\n", (unsigned long)ds.msg_qnum);
    struct msg r;
    show("msgrcv type 1", msgrcv(id, &r, sizeof r.text, 1, 0));
    printf("got %ld %s\n", r.type, r.text);
    show("msgrcv any", msgrcv(id, &r, sizeof r.text, 0, 0));
    printf("got %ld %s\n", r.type, r.text);
    show("msgrcv IPC_NOWAIT, empty", msgrcv(id, &r, sizeof r.text, 0, IPC_NOWAIT));
    show("msgrcv too small", (msgsnd(id, &m, sizeof m.text, 0), msgrcv(id, &r, 4, 0, IPC_NOWAIT)));
    msgrcv(id, &r, sizeof r.text, 0, IPC_NOWAIT);
    pid_t pid = fork();
    if (pid == 0) {
        struct msg c;
        long n = msgrcv(id, &c, sizeof c.text, 7, 0); /* blocks until the parent sends */
        printf("child: msgrcv %ld %ld %s\n", n, c.type, c.text);
        fflush(stdout);
        _exit(0);
    }
    usleep(100000);
    m.type = 7;
    strcpy(m.text, "to the child");
    long sent = msgsnd(id, &m, sizeof m.text, 0); /* shown after the child's line */
    int st;
    waitpid(pid, &st, 0);
    show("msgsnd type 7", sent);
    show("msgctl IPC_RMID", msgctl(id, IPC_RMID, NULL));
    show("msgsnd after IPC_RMID", msgsnd(id, &m, sizeof m.text, 0));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    shm();
    sem();
    msg();
    return 0;
}
