/*
 * lx_priv.h — private to src/os/linux: the guest process as the OS layer
 * keeps it (LxProcess), the loader's image description, and the system call
 * machinery shared by the syscall_*.c files.
 */
#ifndef UE_LX_PRIV_H
#define UE_LX_PRIV_H

#include "os/linux/linux.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>

/* One loaded ELF object. */
typedef struct LxImage {
    GuestAddr base;      /* load bias (0 for ET_EXEC) */
    GuestAddr entry;
    GuestAddr phdr;      /* program headers in guest memory */
    u16 phnum, phent;
    GuestAddr end;       /* end of the highest segment (brk starts here) */
    char *interp;        /* PT_INTERP path, or NULL */
} LxImage;

typedef struct LxSigAction {
    u64 handler, flags, restorer, mask;
} LxSigAction;

/* The kernel's siginfo_t (128 bytes) with the fields ue reads or writes. */
typedef struct LxSigInfo {
    i32 signo, errno_, code, pad;
    union {
        u8 raw[112];
        struct { i32 pid; u32 uid; i32 status; i32 pad; i64 utime, stime; } chld;
        struct { i32 pid; u32 uid; } kill;
        struct { u64 addr; } fault;
    } u;
} LxSigInfo;

/*
 * One guest thread as the OS layer keeps it (GuestCpu.os).
 *
 * Signals: sigmask is the guest's blocked set, mirrored into the host
 * thread's mask, so the host kernel itself keeps pending signals, queues
 * real-time ones and picks the thread a process-directed signal goes to.
 * `pending` holds the signals ue's host handler caught for this thread and
 * has not yet given the guest: at most one of each, because a caught signal
 * stays blocked on the host until the guest has taken it (further instances
 * wait in the host kernel).  The host handler writes pending, info and
 * sig_flag, and only on the thread itself.
 */
typedef struct LxThread LxThread;
struct LxThread {
    GuestCpu *cpu;
    LxThread *next;          /* lx_proc.threads */
    int tid;                 /* the host thread's tid is the guest's */
    u64 sigmask;             /* the guest's blocked signals */
    u64 pending;             /* caught, not yet delivered (atomic) */
    LxSigInfo info[65];      /* their siginfo */
    volatile int sig_flag;   /* non-zero: a pending signal may be deliverable */
    u64 saved_mask;          /* sigsuspend & co: the mask to restore... */
    bool has_saved_mask;     /* ...when a handler returns or the call restarts */
    i64 restart;             /* the last call ended with this -ERESTART* code */
    u64 restart_nr;          /* ... and was this call */
    GuestAddr altstack_sp;   /* sigaltstack; size 0 when disabled */
    u64 altstack_size;
    u32 altstack_flags;      /* as given (SS_AUTODISARM...) */
    GuestAddr clear_child_tid;
    volatile int in_syscall; /* inside a system call (for lx_stop_others) */
    volatile int parked;     /* stopped for good: the process is exiting */
    volatile int held;       /* waiting while another thread forks */
    volatile int blocking;   /* inside a host call (lx_host_syscall) */
    bool own_pthread;        /* started by clone (not the process's first thread) */
    sigjmp_buf exit_jmp;     /* own_pthread: back to its start routine to end */
    int start_state;         /* clone handshake (futex word) */
    GuestAddr child_settid;  /* CLONE_CHILD_SETTID */
};

static inline LxThread *lx_thread(GuestCpu *cpu) { return (LxThread *)cpu->os; }

/* The process-wide OS state of the guest. */
typedef struct LxProcess {
    GuestProcess gp;
    const LxOptions *opts;
    char *exe_path;      /* absolute path of the ELF being run (/proc/self/exe) */
    char *ue_path;       /* ue itself (re-executed to follow execve) */
    u64 auxv[64];        /* the auxiliary vector given to the guest */
    u32 auxv_len;        /* in u64 words, including AT_NULL */
    char **argv;         /* the guest's argv after #! processing */
    int argc;
    pthread_mutex_t lock; /* threads, nthreads, sigactions */
    LxSigAction sigactions[65];
    LxThread *threads;   /* every live guest thread */
    int nthreads;
    bool catch_fatal;    /* catch signals that kill by default (tool, --strace) */
    volatile int stopping; /* exiting: other threads park at their next stop */
    volatile int holding;  /* forking: other threads wait at their next stop */
    bool is_child;       /* forked, or started by a followed execve */
    bool forked;         /* has forked: --strace names pids */
    GuestAddr start_stack; /* the initial RSP (/proc/self/stat's startstack) */
    GuestAddr stack_top; /* end of the [stack] region */
    u64 stack_size;
    bool strace;
    bool check_sp;       /* --check-stack-pointer */
} LxProcess;

extern LxProcess lx_proc;

/* ---- loader ---- */

/* Load the ELF file `path` (already opened as fd) into the guest.
 * is_interp selects placement for the dynamic linker.  Returns 0 (img->interp
 * is then the caller's, malloc'd) or, on failure, an exit status with a
 * message (without "ue: ") in err and nothing left mapped.  Must not crash on
 * any file (fuzz/fuzz_elf.c). */
int lx_load_elf(MemSpace *m, const char *path, int fd, bool is_interp, LxImage *img, char *err, size_t errlen);
/* Map the guest's [stack] region at the top of G and set where mmap
 * placement starts (below it).  Returns 0 or -errno. */
int lx_map_stack(LxProcess *lp);
/* Build the initial stack (argv, envp, auxv) in the mapped region and return
 * the initial RSP, or 0 if the strings do not fit (E2BIG). */
/* Parse a #! line as binfmt_script does: 0 if fd is not a script, 1 if it
 * is (interp and arg, 256 bytes each, filled), -1 if the line is unusable
 * (*why says how). */
int lx_parse_shebang(int fd, char *interp, char *arg, const char **why);
GuestAddr lx_setup_stack(LxProcess *lp, const LxImage *main_img, const LxImage *interp_img, char **argv,
                         char **envp, const char *execfn);

/* ---- system calls ---- */

/* Argument and result formats for -strace, one letter each (see strace.c). */
typedef i64 (*LxSyscallFn)(GuestCpu *cpu, const u64 *a);

typedef struct LxSyscall {
    const char *name;
    LxSyscallFn fn;      /* NULL: not implemented (ENOSYS) */
    const char *fmt;     /* argument letters, then ':' and the result letter */
} LxSyscall;

/* Handlers of the emulated calls: sys_<name> (declared for every entry). */
#define SC(nr, name, how, fmt) i64 sys_##name(GuestCpu *cpu, const u64 *a);
#include "os/linux/syscalls.def"
#undef SC

extern const LxSyscall lx_syscalls[];
extern const u32 lx_nsyscalls;

void lx_syscall(GuestCpu *cpu);
/* Pass a system call straight to the host kernel; -errno on failure. */
i64 lx_host_syscall(u64 nr, const u64 *a);
/* True if [p, p+len) lies in the guest window (a guest pointer the kernel
 * may be given); false for pointers into ue itself. */
bool lx_guest_ptr(u64 p, u64 len);
/* True if the guest may read (write) all of [p, p+len): what an emulated
 * call checks before it touches guest memory itself (ue keeps all of G
 * reserved, so an unmapped guest address would fault in ue, not -EFAULT). */
bool lx_readable(u64 p, u64 len);
bool lx_writable(u64 p, u64 len);
/* Copy the guest's NUL-terminated string at p into buf (cap bytes with the
 * NUL).  Returns its length, -EFAULT or -ENAMETOOLONG. */
i64 lx_copy_str(u64 p, char *buf, size_t cap);

/* -strace: print a call before and its result after. */
void lx_strace_enter(GuestCpu *cpu, u64 nr, const u64 *a);
void lx_strace_exit(GuestCpu *cpu, u64 nr, const u64 *a, i64 ret);
/* The first line, as strace shows the execve that started the program. */
void lx_strace_execve(const char *path, char **argv, GuestAddr envp, int envc);
/* The last lines: "+++ exited with N +++", or the killing signal. */
void lx_strace_exited(int status);
void lx_strace_killed(int sig, const char *code, GuestAddr addr);

/* A descriptor of ue's own (its log file), not the guest's. */
bool lx_ue_fd(i64 fd);
/* Does path name this process's /proc entry `what` ("exe", "maps"...)?
 * Accepts /proc/self/X and /proc/<our pid>/X (syscall_fs.c). */
bool lx_is_proc_self(const char *path, const char *what);

/* ---- signals and exit (signal.c, sigframe.c) ---- */

#define LX_SIGBIT(sig) (1ull << ((sig) - 1))
/* The kernel's values (glibc's headers do not always define them). */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif
#define LX_SIG_UNBLOCKABLE (LX_SIGBIT(SIGKILL) | LX_SIGBIT(SIGSTOP))
/* Codes a call returns when a signal interrupted it; the guest never sees
 * them (include/linux/errno.h). */
enum { LX_ERESTARTSYS = 512, LX_ERESTARTNOINTR = 513, LX_ERESTARTNOHAND = 514, LX_ERESTART_RESTARTBLOCK = 516 };

/* Start-up: dispositions and mask inherited from the process that ran ue
 * (SIG_IGN survives execve), host handlers as the options need. */
void lx_signals_init(LxProcess *lp);
/* The host's disposition of sig after the guest's changed. */
void lx_sync_host_action(int sig);
/* The host thread's mask from t's guest mask and pending set. */
void lx_set_host_mask(LxThread *t);
/* t's mask or pending set changed: if a signal is now deliverable, bring
 * the thread to lx_interrupted. */
void lx_signals_changed(LxThread *t);
/* Block every host signal on this thread (old mask in *old if not NULL). */
void lx_block_host_signals(u64 *old);
void lx_restore_host_signals(u64 old);
/* ExecHooks.interrupted: deliver pending signals, park if exiting. */
void lx_interrupted(GuestCpu *cpu);
/* A system call returned -ERESTART*: remember it for the delivery. */
void lx_note_restart(GuestCpu *cpu, u64 nr, i64 code);

/* The end of the process with status (exit_group), after tools ran. */
UE_NORETURN void lx_exit_group(int status);
/* The end of the process by signal sig, as its default action would do:
 * ue dies of the same signal. */
UE_NORETURN void lx_die_by_signal(GuestCpu *cpu, int sig, const LxSigInfo *info);
/* The guest receives a synchronous signal (fault or trap). */
void lx_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr);
/* A SIGSEGV/SIGBUS sent to ue (ExecHooks.signal, in the host handler):
 * recorded for delivery. */
void lx_signal(GuestCpu *cpu, int sig, int code);
/* "--- SIGINT {si_signo=...} ---" for --strace. */
void lx_strace_signal(const LxSigInfo *info);

/* Push the rt_sigframe for sig with handler act on the guest stack and
 * point the guest at the handler; mask is the uc_sigmask to save.  False if
 * the frame cannot be written (the guest then gets SIGSEGV). */
bool lx_setup_frame(GuestCpu *cpu, int sig, const LxSigInfo *info, const LxSigAction *act, u64 mask);
/* sigaltstack's rules, for the call and for rt_sigreturn: set t's stack
 * from ss (24 bytes, guest layout) with the guest at sp.  0 or -errno. */
i64 lx_do_sigaltstack(LxThread *t, const u8 *ss, GuestAddr sp);

/* ---- stack regions (stackcheck.c) ---- */

/* [lo, hi) is used as a stack (sigaltstack, a thread's or a ucontext's). */
void lx_stack_declare(GuestAddr lo, GuestAddr hi);
/* RSP points into a stack region (or to the top of one). */
bool lx_stack_pointer_ok(GuestAddr rsp);
/* A thread or process starts on the stack at newsp. */
void lx_stack_clone(GuestAddr newsp);
/* rt_sigprocmask(a): glibc's setcontext/swapcontext naming the ucontext
 * whose stack is about to be used. */
void lx_stack_setcontext(const u64 *a);
/* Report a stack pivot (what: "system call write") and end the guest with
 * SIGSEGV. */
UE_NORETURN void lx_stack_pivot(GuestCpu *cpu, const char *what);

/* ---- threads and processes (thread.c, fork.c) ---- */

/* A new LxThread for cpu (mask and altstack to be filled by the caller). */
LxThread *lx_thread_new(GuestCpu *cpu);
/* Register t in lx_proc.threads (under lx_proc.lock). */
void lx_thread_add(LxThread *t);
/* Run a new host thread for guest thread t (clone with CLONE_THREAD). */
i64 lx_clone_thread(GuestCpu *cpu, u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls);
/* clone without CLONE_THREAD, fork, vfork: a new process under ue. */
i64 lx_clone_process(GuestCpu *cpu, u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls);
/* End the calling guest thread: its robust futexes are released, its
 * clear_child_tid cleared and woken, and the host thread ends.  Returns
 * only if it is the process's last thread (the caller ends the process). */
void lx_thread_exit(GuestCpu *cpu);
/* Stop every other guest thread at a safe point (for the exit paths). */
void lx_stop_others(GuestCpu *cpu);
/* Stop this thread for good (the process is exiting). */
UE_NORETURN void lx_park(LxThread *t);
/* Keep the other threads at safe points while this one forks (no lock of
 * ue's held), and let them go; lx_hold_here is where they wait. */
void lx_hold_others(GuestCpu *cpu);
void lx_release_others(void);
void lx_hold_here(LxThread *t);
/* A vfork child ends without exec'ing: the stack of the thread that
 * vforked goes back to the parent (fork.c).  Nothing for other processes. */
void lx_vfork_child_exit(void);

#endif
