/*
 * main.c — ue's command line: options, tool and back-end selection, exit
 * codes.  Nothing else: the OS layer loads and runs the program.
 *
 *   ue [ue-options] [--] PROGRAM [ARGS...]
 *
 * Option names follow valgrind (--tool, --log-file, --trace-children...) and
 * qemu-user (-d, -D, -strace) where those tools have one for the job.
 * Exit status: the guest's; 128+N if the guest was killed by signal N;
 * 2 for a usage error; 126/127 when the program cannot be run (as a shell).
 */
#include "base/base.h"
#include "os/linux/linux.h"
#include "tool/tool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UE_VERSION "0.1.0"

enum { EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: ue [options] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs an unmodified x86-64 Linux program in ue's emulator.  PROGRAM is\n"
    "found through PATH like a shell would; ue exits with the program's status\n"
    "(128+N if a signal N killed it, 126/127 if it cannot be run, 2 for a\n"
    "usage error).\n"
    "\n"
    "options:\n"
    "  --tool=none|memcheck    run the program (none, the default), or check its\n"
    "                          memory accesses, heap and leaks (memcheck)\n"
    "  --check                 the same as --tool=memcheck\n"
    "  --backend=jit|interp    the x86-64 JIT (the default on x86-64 hosts) or\n"
    "                          the portable IR interpreter\n"
    "  --diff-check            run every block on the interpreter as well as on\n"
    "                          the JIT and compare; at the first difference,\n"
    "                          print the block and both states and exit 70\n"
    "  --strace, -strace       print every system call, strace style\n"
    "  -d ITEM[,ITEM...]       log (qemu-user names): in_asm (guest code of each\n"
    "                          translated block), op (its IR), exec (each block\n"
    "                          run), cpu (registers before each block), out_asm\n"
    "                          (host code the JIT generates), nochain (no block\n"
    "                          chaining: every block goes through the dispatcher),\n"
    "                          perfmap (/tmp/perf-PID.map naming JIT code for perf),\n"
    "                          stats (translation statistics at exit)\n"
    "  -D FILE, --log-file=FILE  write ue's messages and logs to FILE\n"
    "  --log-fd=N              write them to file descriptor N\n"
    "  --trace-children=yes|no  follow execve: run the new program under ue\n"
    "                          with the same options (yes, the default), or\n"
    "                          natively (no)\n"
    "  --trace-children-skip=PATTERNS  run programs whose path matches one of\n"
    "                          these comma-separated globs natively\n"
    "  --check-stack-pointer=yes|no  a system call or signal delivery with RSP\n"
    "                          outside every stack region (main stack, thread\n"
    "                          stacks, MAP_STACK/MAP_GROWSDOWN mappings,\n"
    "                          sigaltstack and makecontext stacks) is reported\n"
    "                          as a stack pivot and the guest gets SIGSEGV\n"
    "                          [yes under --tool=memcheck, else no]\n"
    "  --no-aslr               place the program, libraries and stack at fixed\n"
    "                          addresses\n"
    "  --seed=N                seed ue's address randomisation (reproducible runs)\n"
    "  --verify-ir             check every translated block with the IR verifier\n"
    "  --single-step           translate one instruction per block\n"
    "  --help                  this text\n"
    "  (options may also be given in the UE_OPTS environment variable,\n"
    "   read before the command line, like VALGRIND_OPTS)\n"
    "  --version               ue's version\n"
    "\n"
    "Programs run with the user and group ids of whoever runs ue: the set-user-\n"
    "and set-group-ID bits of a program are not applied (run ue itself as\n"
    "root to test a setuid program as root).\n"
    "\n"
    "Memory is checked by the host's page protection only: write-only and\n"
    "no-access guest pages behave as the host allows.\n";

static int usage_error(const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, arg);
    ue_log("%s", msg);
    ue_log("use --help for the list of options");
    return EXIT_USAGE;
}

/* "--name=value" or "--name value": returns the value or NULL. */
static const char *option_value(const char *arg, const char *name, int *i, int argc, char **argv)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] == 0 && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static bool parse_log_items(const char *s, u32 *log)
{
    static const struct { const char *name; u32 bit; } items[] = {
        {"in_asm", EXEC_LOG_IN_ASM}, {"op", EXEC_LOG_OP}, {"exec", EXEC_LOG_EXEC}, {"cpu", EXEC_LOG_CPU | EXEC_LOG_EXEC},
        {"out_asm", EXEC_LOG_OUT_ASM}, {"nochain", EXEC_LOG_NOCHAIN}, {"perfmap", EXEC_LOG_PERF_MAP},
        {"stats", EXEC_LOG_STATS},
    };
    char *copy = ue_strdup(s), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < UE_ARRAY_LEN(items); i++)
            if (strcmp(t, items[i].name) == 0)
                break;
        if (i == UE_ARRAY_LEN(items)) {
            ok = false;
            break;
        }
        *log |= items[i].bit;
    }
    free(copy);
    return ok;
}

/* Offer an option to the tools: 1 if one took it, 0 if none, or a usage
 * error's exit status + 2. */
static int tool_option(const char *a)
{
    const Tool *mc = tool_find("memcheck");
    return mc && mc->option ? mc->option(a) : 0;
}

/* Parse the options in argv[*i..]; stop at the first non-option (or
 * after "--").  Returns -1 to go on, or an exit status. */
/* The options as words, for a ue that follows the guest's execve. */
static char **child_words;
static u32 nchild_words, cap_child_words;

static void keep_words(char **argv, int from, int to)
{
    for (int k = from; k <= to; k++)
        VEC_PUSH(child_words, nchild_words, cap_child_words, argv[k]);
}

static int parse_options(LxOptions *o, int argc, char **argv, int *pi)
{
    const char *v;
    int i;
    for (i = *pi; i < argc; i++) {
        const char *a = argv[i];
        int first = i;
        bool keep = true; /* pass the option on to children */
        if (a[0] != '-')
            break;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            tool_print_help(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("ue %s\n", UE_VERSION);
            return 0;
        }
        if (strcmp(a, "--strace") == 0 || strcmp(a, "-strace") == 0) {
            o->strace = true;
        } else if (strcmp(a, "--no-aslr") == 0) {
            o->aslr = false;
        } else if (strcmp(a, "--verify-ir") == 0) {
            o->verify_ir = true;
        } else if (strcmp(a, "--diff-check") == 0) {
            o->diff_check = true;
        } else if (strcmp(a, "--single-step") == 0) {
            o->single_step = true;
        } else if ((v = option_value(a, "--seed", &i, argc, argv))) {
            char *end;
            o->seed = strtoull(v, &end, 0);
            if (*end || !*v)
                return usage_error("bad --seed value '%s'", v);
        } else if ((v = option_value(a, "--tool", &i, argc, argv))) {
            const Tool *t = tool_find(v);
            if (!t)
                return usage_error("unknown tool '%s' (available: none, memcheck)", v);
            tool_current = strcmp(t->name, "none") ? t : NULL;
        } else if (strcmp(a, "--check") == 0) {
            tool_current = tool_find("memcheck");
        } else if ((v = option_value(a, "--backend", &i, argc, argv))) {
            if (strcmp(v, "interp") != 0 && strcmp(v, "jit") != 0)
                return usage_error("unknown back end '%s' (available: interp, jit)", v);
            o->jit = strcmp(v, "jit") == 0;
        } else if (strcmp(a, "-d") == 0 || strncmp(a, "-d", 2) == 0) {
            const char *items = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!items || !parse_log_items(items, &o->log))
                return usage_error("bad -d item list '%s' (items: in_asm, op, exec, cpu, out_asm, nochain, perfmap, stats)",
                                   items ? items : "");
        } else if ((v = option_value(a, "--log-file", &i, argc, argv)) ||
                   (strcmp(a, "-D") == 0 && i + 1 < argc && (v = argv[++i]))) {
            int fd = ue_fd_high(open(v, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
            if (fd < 0)
                return usage_error("cannot open log file '%s'", v);
            ue_log_set_fd(fd);
            keep = false; /* children get the descriptor (--log-fd) */
        } else if ((v = option_value(a, "--log-fd", &i, argc, argv))) {
            char *end;
            long fd = strtol(v, &end, 10);
            if (*end || !*v || fd < 0 || fcntl((int)fd, F_GETFD) < 0)
                return usage_error("bad --log-fd value '%s'", v);
            fcntl((int)fd, F_SETFD, FD_CLOEXEC);
            ue_log_set_fd((int)fd);
            keep = false;
        } else if ((v = option_value(a, "--trace-children", &i, argc, argv))) {
            if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
                return usage_error("bad --trace-children value '%s' (yes or no)", v);
            o->trace_children = strcmp(v, "yes") == 0;
        } else if ((v = option_value(a, "--check-stack-pointer", &i, argc, argv))) {
            if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
                return usage_error("bad --check-stack-pointer value '%s' (yes or no)", v);
            o->check_stack_pointer = strcmp(v, "yes") == 0;
        } else if ((v = option_value(a, "--trace-children-skip", &i, argc, argv))) {
            o->trace_children_skip = v;
        } else if ((v = option_value(a, "--command-line-only", &i, argc, argv))) {
            /* Given by a ue following execve: its options come on the
             * command line, not from UE_OPTS (main reads that first). */
            o->child = strcmp(v, "yes") == 0;
            keep = false;
        } else if (strncmp(a, "--argv0=", 8) == 0) {
            o->argv0 = a + 8;
            keep = false;
        } else {
            /* Tool options may come before --tool, as valgrind allows:
             * every tool is asked. */
            int rc = tool_option(a);
            if (rc >= 2)
                return rc - 2;
            if (rc == 0)
                return usage_error("unknown option '%s'", a);
        }
        if (keep)
            keep_words(argv, first, i);
    }
    *pi = i;
    return -1;
}

/* UE_OPTS, like VALGRIND_OPTS: options read before the command line's. */
static int parse_env_options(LxOptions *o)
{
    const char *env = getenv("UE_OPTS");
    if (!env || !*env)
        return -1;
    char *copy = ue_strdup(env), *save = NULL;
    char *words[64];
    int n = 1;
    words[0] = "ue";
    for (char *t = strtok_r(copy, " \t", &save); t && n < 63; t = strtok_r(NULL, " \t", &save))
        words[n++] = t;
    words[n] = NULL;
    int i = 1;
    int rc = parse_options(o, n, words, &i);
    if (rc < 0 && i < n)
        rc = usage_error("UE_OPTS may hold options only, not '%s'", words[i]);
    return rc; /* copy stays: option values point into it */
}

int main(int argc, char **argv, char **envp)
{
    LxOptions o = {.aslr = true, .envp = envp, .trace_children = true, .check_stack_pointer = -1};
#if defined(__x86_64__)
    o.jit = true; /* (the interpreter runs where the JIT cannot, see exec_init) */
#endif
    /* A ue following execve has every option on its command line. */
    bool env_opts = !(argc > 1 && strcmp(argv[1], "--command-line-only=yes") == 0);
    int rc = env_opts ? parse_env_options(&o) : -1;
    if (rc >= 0)
        return rc;
    int i = 1;
    rc = parse_options(&o, argc, argv, &i);
    if (rc >= 0)
        return rc;
    if (i >= argc)
        return usage_error("%s", "no program to run");
    o.program = argv[i];
    o.argv = argv + i;
    VEC_PUSH(child_words, nchild_words, cap_child_words, NULL);
    o.child_options = child_words;
    if (o.diff_check && tool_current)
        return usage_error("%s", "--diff-check compares back ends without a tool: drop --tool");
    if (o.diff_check && !o.jit)
        return usage_error("%s", "--diff-check compares the JIT with the interpreter: it needs --backend=jit");
    if (tool_current) {
        o.tool = &tool_current->hooks;
        o.tool_init = tool_current->init;
    }
    return lx_run(&o);
}
