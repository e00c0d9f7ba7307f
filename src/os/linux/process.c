/*
 * process.c — starting the guest program, as execve(2) would: find it
 * through PATH, follow #! lines (interpreter plus at most one argument, as
 * the kernel's fs/binfmt_script.c does), map the stack, load the ELF and its
 * dynamic linker, build the initial stack and run the first thread.
 *
 * Every way of failing ends here with one line on stderr naming the file
 * ("ue: FILE: why") and the status a shell would give: 127 when the file (or
 * the interpreter it names) does not exist, 126 when it exists but cannot be
 * run.  The order of the work is the kernel's (load_elf_binary): the stack
 * first, so that mmap placement (the dynamic linker, later guest mmaps)
 * starts below it, then the program, then its interpreter.
 */
#include "os/linux/lx_priv.h"

#include "debug/debug.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel reads 256 bytes (BINPRM_BUF_SIZE) for the #! line and follows
 * at most 5 nested interpreters before failing with ELOOP (fs/exec.c). */
enum { SHEBANG_BUF = 256, MAX_SCRIPT_DEPTH = 5 };

/* What lx_run resolved PROGRAM to: the ELF to load and the argv it gets. */
typedef struct LxExec {
    char *path;         /* the ELF file to load */
    int fd;             /* open on path */
    char **argv;        /* after #! rewriting */
    int argc;
    const char *execfn; /* the name execve would be given (AT_EXECFN) */
    const char *script; /* the script whose #! line named path, or NULL */
} LxExec;

static int load_error(const char *file, const char *msg, int status)
{
    ue_log("%s: %s", file, msg);
    return status;
}

static int status_of(int err) { return err == ENOENT || err == ENOTDIR ? LX_EXIT_NOT_FOUND : LX_EXIT_CANNOT_EXEC; }

/* Resolve a command name as execvp does.  Returns a malloc'd path, or NULL
 * with *err set (ENOENT if nothing was found, EACCES if something was but
 * could not be executed). */
static char *find_program(const char *name, int *err)
{
    if (strchr(name, '/'))
        return ue_strdup(name); /* open_exec reports what is wrong with it */
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    *err = ENOENT;
    char buf[PATH_MAX];
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        /* An empty PATH element means the current directory. */
        int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)len, path, len ? "/" : "", name);
        if (n > 0 && (size_t)n < sizeof buf) {
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
                if (access(buf, X_OK) == 0)
                    return ue_strdup(buf);
                *err = EACCES;
            }
        }
        path += len + (end ? 1 : 0);
    }
    return NULL;
}

/* Open a file to execute it, with the kernel's checks: it must be a regular
 * file the user may execute.  Returns an fd or -errno (-EISDIR for a
 * directory, where the kernel says EACCES: the message is clearer). */
static int open_exec(const char *path)
{
    /* O_NONBLOCK: opening a FIFO named as the program must not hang. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0)
        err = EACCES;
    if (err) {
        close(fd);
        return -err;
    }
    return fd;
}

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* Parse a #! line as binfmt_script does.  Returns 0 if the file is not a
 * script, 1 if it is (interp and arg filled; arg may be empty), -1 if the
 * #! line is unusable (*why says how).  The line ends at '\n' or NUL;
 * blanks are spaces and tabs only (so a CR of a DOS line ending stays part
 * of the name, and fails as it does natively). */
int lx_parse_shebang(int fd, char *interp, char *arg, const char **why)
{
    char buf[SHEBANG_BUF + 1];
    ssize_t n = pread(fd, buf, SHEBANG_BUF, 0);
    if (n < 2 || buf[0] != '#' || buf[1] != '!')
        return 0;
    buf[n] = 0;
    size_t len = strcspn(buf, "\n");
    char *p = buf + 2, *end = buf + len;
    while (p < end && blank(*p))
        p++;
    char *name_end = p;
    while (name_end < end && !blank(*name_end) && *name_end)
        name_end++;
    if (name_end == p) {
        *why = "empty #! line";
        return -1;
    }
    /* No newline in the buffer: the kernel accepts the line only if the
     * interpreter's name visibly ends inside it. */
    if (len == (size_t)n && n == SHEBANG_BUF && name_end == end) {
        *why = "#! line too long: the interpreter's name is cut off";
        return -1;
    }
    memcpy(interp, p, (size_t)(name_end - p));
    interp[name_end - p] = 0;
    p = name_end;
    while (p < end && blank(*p))
        p++;
    end = p + strnlen(p, (size_t)(end - p));
    while (end > p && blank(end[-1]))
        end--;
    memcpy(arg, p, (size_t)(end - p));
    arg[end - p] = 0;
    return 1;
}

/* Follow #! lines from ex->path until an ELF (or an error).  On success
 * ex->fd is open on the file to load and ex->argv is rewritten as the
 * kernel does: interpreter, [its argument], the script's path, the rest. */
static int resolve_scripts(LxExec *ex)
{
    for (int depth = 0;; depth++) {
        int fd = open_exec(ex->path);
        if (fd < 0) {
            if (!ex->script)
                return load_error(ex->path, strerror(-fd), status_of(-fd));
            char msg[SHEBANG_BUF + 128];
            snprintf(msg, sizeof msg, "bad #! interpreter %s: %s", ex->path, strerror(-fd));
            return load_error(ex->script, msg, status_of(-fd));
        }
        char interp[SHEBANG_BUF], arg[SHEBANG_BUF];
        const char *why = NULL;
        int k = lx_parse_shebang(fd, interp, arg, &why);
        if (k == 0) {
            ex->fd = fd;
            return 0;
        }
        close(fd);
        if (k < 0)
            return load_error(ex->path, why, LX_EXIT_CANNOT_EXEC);
        if (depth == MAX_SCRIPT_DEPTH)
            return load_error(ex->execfn, "too many levels of #! interpreters", LX_EXIT_CANNOT_EXEC);
        int extra = arg[0] ? 2 : 1;
        memmove(ex->argv + extra + 1, ex->argv + 1, (size_t)ex->argc * sizeof *ex->argv);
        ex->argv[0] = ue_strdup(interp);
        if (arg[0])
            ex->argv[1] = ue_strdup(arg);
        ex->argv[extra] = ex->path;
        ex->argc += extra;
        ex->script = ex->path;
        ex->path = ue_strdup(interp);
    }
}

/* Load the program and, if it has PT_INTERP, its dynamic linker. */
static int load_images(LxProcess *lp, LxExec *ex, LxImage *main_img, LxImage *interp_img)
{
    MemSpace *m = &lp->gp.mem;
    char msg[256], full[600];
    int status = lx_load_elf(m, ex->path, ex->fd, false, main_img, msg, sizeof msg);
    close(ex->fd);
    if (status) {
        if (ex->script) {
            snprintf(full, sizeof full, "bad #! interpreter %s: %s", ex->path, msg);
            return load_error(ex->script, full, status);
        }
        return load_error(ex->path, msg, status);
    }
    dbg_note_object(ex->path, main_img->base); /* symbols for reports and tools */
    if (!main_img->interp)
        return 0;
    int ifd = open_exec(main_img->interp);
    if (ifd < 0) {
        snprintf(full, sizeof full, "cannot run its ELF interpreter %s: %s", main_img->interp, strerror(-ifd));
        return load_error(ex->path, full, status_of(-ifd));
    }
    status = lx_load_elf(m, main_img->interp, ifd, true, interp_img, msg, sizeof msg);
    close(ifd);
    if (status) {
        snprintf(full, sizeof full, "its ELF interpreter %s: %s", main_img->interp, msg);
        return load_error(ex->path, full, status);
    }
    dbg_note_object(main_img->interp, interp_img->base);
    return 0;
}

/* Set up the process-wide state: address space, translator, hooks. */
static int init_process(LxProcess *lp, const LxOptions *o)
{
    GuestProcess *gp = &lp->gp;
    int e = mem_init(&gp->mem, o->aslr, o->seed);
    if (e < 0) {
        ue_log("cannot reserve the guest address range: %s", strerror(-e));
        return 1;
    }
    gp->log = o->log;
    gp->verify_ir = o->verify_ir;
    gp->diff_check = o->diff_check;
    gp->xopts.single_step = o->single_step;
    gp->backend = o->jit ? EXEC_JIT : EXEC_INTERP;
    exec_init(gp, (ExecHooks){.syscall = lx_syscall, .fault = lx_fault, .signal = lx_signal,
                              .interrupted = lx_interrupted});
    gp->tool = o->tool;
    if (o->tool_init && !o->tool_init(gp, (const char *const *)lp->argv))
        return 1;
    e = lx_map_stack(lp);
    if (e < 0) {
        ue_log("cannot map the guest stack: %s", strerror(-e));
        return 1;
    }
    return 0;
}

/* ue's own descriptors (the --log-file) must not take the numbers the
 * guest expects to get (its first open is 3, as natively): move them to the
 * top of the descriptor table. */
static void move_own_fds(void)
{
    int fd = ue_log_fd();
    if (fd > 2)
        ue_log_set_fd(ue_fd_high(fd));
}

int lx_run(const LxOptions *o)
{
    LxProcess *lp = &lx_proc;
    move_own_fds();
    lp->opts = o;
    lp->strace = o->strace;
    lp->check_sp = o->check_stack_pointer < 0 ? o->tool != NULL : o->check_stack_pointer > 0;
    lp->is_child = o->child;
    if (o->child)
        ue_log_set_pid(getpid());
    char self[PATH_MAX];
    ssize_t sn = readlink("/proc/self/exe", self, sizeof self - 1);
    lp->ue_path = ue_strdup(sn > 0 ? (self[sn] = 0, self) : "/proc/self/exe");
    int err = 0, status;
    LxExec ex = {.fd = -1};
    ex.path = find_program(o->program, &err);
    if (!ex.path)
        return load_error(o->program, err == ENOENT ? "command not found" : strerror(err), status_of(err));
    ex.execfn = ex.path;
    while (o->argv[ex.argc])
        ex.argc++;
    /* Room for the arguments #! lines insert (two per level) and NULL. */
    ex.argv = ue_calloc((size_t)ex.argc + 2 * (MAX_SCRIPT_DEPTH + 1) + 1, sizeof *ex.argv);
    memcpy(ex.argv, o->argv, (size_t)ex.argc * sizeof *ex.argv);
    if (o->argv0)
        ex.argv[0] = (char *)o->argv0; /* execve gave the program another argv[0] */
    if ((status = resolve_scripts(&ex)) != 0)
        return status;
    char real[PATH_MAX];
    lp->exe_path = ue_strdup(realpath(ex.path, real) ? real : ex.path);
    lp->argv = ex.argv;
    lp->argc = ex.argc;
    if ((status = init_process(lp, o)) != 0)
        return status;

    LxImage main_img, interp_img;
    if ((status = load_images(lp, &ex, &main_img, &interp_img)) != 0)
        return status;
    bool dynamic = main_img.interp != NULL;
    MemSpace *m = &lp->gp.mem;
    mem_set_brk(m, main_img.end + mem_random_offset(m, 32ull << 20));

    GuestCpu *cpu = exec_new_cpu(&lp->gp);
    LxThread *t = lx_thread_new(cpu);
    t->tid = getpid();
    u64 mask = 0;
    lx_block_host_signals(&mask); /* the mask ue was started with is the guest's */
    t->sigmask = mask & ~LX_SIG_UNBLOCKABLE;
    lx_thread_add(t);
    lx_signals_init(lp);
    GuestAddr sp = lx_setup_stack(lp, &main_img, dynamic ? &interp_img : NULL, ex.argv, o->envp, ex.execfn);
    if (!sp)
        return load_error(ex.execfn, strerror(E2BIG), LX_EXIT_CANNOT_EXEC);
    cpu->regs.gpr[X86_RSP] = sp;
    lp->start_stack = sp;
    /* The kernel names the process after the file given to execve (its
     * comm: /proc/self/stat, ps, top), not "ue". */
    const char *base = strrchr(ex.execfn, '/');
    prctl(PR_SET_NAME, base ? base + 1 : ex.execfn);
    if (lp->strace) {
        int envc = 0;
        while (o->envp[envc])
            envc++;
        lx_strace_execve(ex.execfn, o->argv, sp + 8 * ((u64)ex.argc + 2), envc);
    }
    cpu->regs.rip = dynamic ? interp_img.entry : main_img.entry;
    exec_install_fault_handler();
    lx_set_host_mask(t);
    exec_run(cpu);
}
