/*
 * linux.h — the Linux OS layer: program loading (ELF, #! scripts, the
 * initial stack), system calls, and what happens to a guest signal.
 *
 * Pipeline position: the top of the emulator proper.  main.c hands it a
 * program and options; it sets up a GuestProcess (exec layer), loads the
 * program into the guest window and runs the first thread.
 */
#ifndef UE_LINUX_H
#define UE_LINUX_H

#include "exec/exec.h"

typedef struct LxOptions {
    const char *program;   /* as the user typed it (found through PATH) */
    char **argv;           /* guest argv, argv[0] as given */
    char **envp;
    bool aslr;
    u64 seed;              /* 0: random */
    bool strace;
    u32 log;               /* EXEC_LOG_* */
    bool verify_ir;
    bool diff_check;       /* --diff-check: compare the back ends block by block */
    bool single_step;
    bool jit;              /* the JIT back end (else the interpreter) */
    const ToolHooks *tool; /* the selected tool's hooks, or NULL */
    /* The tool's start-up, once the address space exists (NULL: none). */
    bool (*tool_init)(GuestProcess *p, const char *const *argv);
    /* Following execve (valgrind's names): trace_children re-runs ue on
     * the new program unless its path matches one of the comma-separated
     * globs of trace_children_skip; otherwise the program runs natively. */
    bool trace_children;
    const char *trace_children_skip;
    /* ue's options as words, to give the ue that follows an execve (NULL
     * terminated; --log-file is left out: the child gets --log-fd). */
    char **child_options;
    const char *argv0;     /* the guest's argv[0] if not PROGRAM (NULL: PROGRAM) */
    bool child;            /* started by a ue following execve: messages name the pid */
    int check_stack_pointer; /* 1, 0, or -1: on under a tool */
} LxOptions;

/* Exit statuses of ue for load errors, as a shell gives them. */
enum {
    LX_EXIT_NOT_FOUND = 127, /* no such file */
    LX_EXIT_CANNOT_EXEC = 126, /* not executable, not x86-64 ELF, malformed */
};

/* Load o->program and run it.  Returns only if loading failed (after one
 * line on stderr), with the exit status ue should use. */
int lx_run(const LxOptions *o);

#endif
