/*
 * process.c — starting the guest program, as execve(2) would: find it
 * through PATH, follow #! lines (interpreter plus at most one argument, as
 * the kernel's binfmt_script does, up to 4 levels), load the ELF and its
 * dynamic linker, build the stack and run the first thread.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SHEBANG_MAX = 256, MAX_SCRIPT_DEPTH = 4 };

/* Resolve a command name as execvp does.  Returns a malloc'd path, or NULL
 * with *err set (ENOENT if nothing was found, EACCES if something was but
 * could not be executed). */
static char *find_program(const char *name, int *err)
{
    if (strchr(name, '/')) {
        if (access(name, F_OK) != 0) {
            *err = errno;
            return NULL;
        }
        return ue_strdup(name);
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    *err = ENOENT;
    char buf[PATH_MAX];
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
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

/* If the file starts with #!, split the line into interpreter and optional
 * argument (everything after the first run of blanks, trailing blanks
 * stripped).  Returns true for a script. */
static bool parse_shebang(int fd, char *interp, size_t ilen, char *arg, size_t alen)
{
    char line[SHEBANG_MAX + 1];
    ssize_t n = pread(fd, line, SHEBANG_MAX, 0);
    if (n < 2 || line[0] != '#' || line[1] != '!')
        return false;
    line[n] = 0;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = 0;
    char *p = line + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *e = p;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    snprintf(interp, ilen, "%.*s", (int)(e - p), p);
    while (*e == ' ' || *e == '\t')
        e++;
    char *end = e + strlen(e);
    while (end > e && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    snprintf(arg, alen, "%.*s", (int)(end - e), e);
    return true;
}

static int load_error(const char *file, const char *msg, int status)
{
    ue_log("%s: %s", file, msg);
    return status;
}

static int open_exec(const char *path, int *status)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *status = errno == ENOENT || errno == ENOTDIR ? LX_EXIT_NOT_FOUND : LX_EXIT_CANNOT_EXEC;
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & 0111)) {
        close(fd);
        *status = LX_EXIT_CANNOT_EXEC;
        return -EACCES;
    }
    return fd;
}

int lx_run(const LxOptions *o)
{
    LxProcess *lp = &lx_proc;
    lp->opts = o;
    lp->strace = o->strace;
    int err = 0, status = 0;
    char *path = find_program(o->program, &err);
    if (!path)
        return load_error(o->program, err == ENOENT && !strchr(o->program, '/') ? "command not found" : strerror(err),
                          err == ENOENT ? LX_EXIT_NOT_FOUND : LX_EXIT_CANNOT_EXEC);

    /* argv after #! processing: interpreter [arg] script args... */
    int argc = 0;
    while (o->argv[argc])
        argc++;
    char **argv = ue_calloc((size_t)argc + 2 * MAX_SCRIPT_DEPTH + 1, sizeof *argv);
    for (int i = 0; i < argc; i++)
        argv[i] = o->argv[i];
    const char *execfn = path;
    int fd = -1;
    for (int depth = 0;; depth++) {
        fd = open_exec(path, &status);
        if (fd < 0)
            return load_error(path, strerror(-fd), status);
        char interp[SHEBANG_MAX], arg[SHEBANG_MAX];
        if (!parse_shebang(fd, interp, sizeof interp, arg, sizeof arg))
            break;
        close(fd);
        if (depth == MAX_SCRIPT_DEPTH)
            return load_error(execfn, "too many levels of #! interpreters", LX_EXIT_CANNOT_EXEC);
        if (!interp[0])
            return load_error(path, "empty #! line", LX_EXIT_CANNOT_EXEC);
        /* New argv: interp, [arg], script path, old argv[1..] */
        int extra = arg[0] ? 2 : 1;
        memmove(argv + extra + 1, argv + 1, (size_t)argc * sizeof *argv);
        argv[0] = ue_strdup(interp);
        if (arg[0])
            argv[1] = ue_strdup(arg);
        argv[extra] = path;
        argc += extra;
        path = ue_strdup(interp);
    }
    char real[PATH_MAX];
    lp->exe_path = ue_strdup(realpath(path, real) ? real : path);
    lp->argv = argv;
    lp->argc = argc;

    GuestProcess *gp = &lp->gp;
    int e = mem_init(&gp->mem, o->aslr, o->seed);
    if (e < 0) {
        ue_log("cannot reserve the guest address range: %s", strerror(-e));
        return 1;
    }
    gp->log = o->log;
    gp->verify_ir = o->verify_ir;
    gp->xopts.single_step = o->single_step;
    exec_init(gp, (ExecHooks){.syscall = lx_syscall, .fault = lx_fault});

    char msg[256];
    LxImage main_img, interp_img;
    status = lx_load_elf(&gp->mem, path, fd, false, &main_img, msg, sizeof msg);
    close(fd);
    if (status)
        return load_error(path, msg, status);
    bool dynamic = main_img.interp != NULL;
    if (dynamic) {
        int ifd = open_exec(main_img.interp, &status);
        if (ifd < 0) {
            snprintf(msg, sizeof msg, "cannot open its interpreter %s: %s", main_img.interp, strerror(-ifd));
            return load_error(path, msg, status);
        }
        status = lx_load_elf(&gp->mem, main_img.interp, ifd, true, &interp_img, msg, sizeof msg);
        close(ifd);
        if (status) {
            char full[512];
            snprintf(full, sizeof full, "interpreter %s: %s", main_img.interp, msg);
            return load_error(path, full, status);
        }
    }
    mem_set_brk(&gp->mem, main_img.end + mem_random_offset(&gp->mem, 32ull << 20));

    GuestCpu *cpu = exec_new_cpu(gp);
    cpu->regs.gpr[X86_RSP] =
        lx_setup_stack(lp, &main_img, dynamic ? &interp_img : NULL, argv, o->envp, execfn);
    cpu->regs.rip = dynamic ? interp_img.entry : main_img.entry;
    exec_install_fault_handler();
    exec_run(cpu);
}
