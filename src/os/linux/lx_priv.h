/*
 * lx_priv.h — private to src/os/linux: the guest process as the OS layer
 * keeps it (LxProcess), the loader's image description, and the system call
 * machinery shared by the syscall_*.c files.
 */
#ifndef UE_LX_PRIV_H
#define UE_LX_PRIV_H

#include "os/linux/linux.h"

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

/* The process-wide OS state of the guest. */
typedef struct LxProcess {
    GuestProcess gp;
    const LxOptions *opts;
    char *exe_path;      /* absolute path of the ELF being run (/proc/self/exe) */
    u64 auxv[64];        /* the auxiliary vector given to the guest */
    u32 auxv_len;        /* in u64 words, including AT_NULL */
    char **argv;         /* the guest's argv after #! processing */
    int argc;
    LxSigAction sigactions[65];
    u64 sigmask;         /* the (single) thread's guest signal mask */
    GuestAddr clear_child_tid;
    GuestAddr robust_list; /* set_robust_list's head */
    GuestAddr altstack_sp; /* sigaltstack: size 0 when disabled */
    u64 altstack_size;
    u32 altstack_flags;    /* SS_AUTODISARM */
    GuestAddr stack_top; /* end of the [stack] region */
    u64 stack_size;
    bool strace;
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

/* ---- signals and exit ---- */

UE_NORETURN void lx_exit_group(int status);
/* The guest receives a synchronous signal (fault or trap). */
void lx_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr);
/* A SIGSEGV/SIGBUS sent to ue (ExecHooks.signal): returns if the guest
 * ignores it, else ends the guest as its default action would. */
void lx_signal(GuestCpu *cpu, int sig, int code);

#endif
