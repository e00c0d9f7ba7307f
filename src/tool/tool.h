/*
 * tool.h — the contract between ue's core and a tool.
 *
 * A tool is a set of IR passes plus runtime hooks (DESIGN.md, "Tools"):
 *
 *   translation   redirect()   replace the code of a guest function
 *                              (memcheck: malloc/free/new/delete...)
 *                 instrument() rewrite each lifted block (memcheck: a
 *                              shadow check before every memory access)
 *   OS events     on_map/on_unmap/on_protect  keep shadow state in step
 *                 on_fault     a guest fault, before its signal is raised
 *                 client_request  the guest talks to the tool
 *                 on_exit      leak check, error summary, exit status
 *
 * The core knows tools only through this table; a tool's passes produce
 * ordinary IR, so they run unchanged on the interpreter and the JIT.
 */
#ifndef UE_TOOL_H
#define UE_TOOL_H

#include "exec/exec.h"

#include <stdio.h>

typedef struct Tool {
    const char *name;
    const char *summary;
    /* Command-line options: return 1 if arg is the tool's, 0 if not, or an
     * exit status + 2 (>= 2) after printing a usage error. */
    int (*option)(const char *arg);
    /* Lines for --help. */
    const char *help;
    /* After the address space exists, before the program is loaded
     * (argv: the guest's command, for report headers). */
    bool (*init)(GuestProcess *p, const char *const *argv);
    /* The hooks the core calls (their contracts are in exec.h). */
    ToolHooks hooks;
} Tool;

/* The tools ue has, and the one selected with --tool (NULL: none). */
const Tool *tool_find(const char *name);
extern const Tool *tool_current;
/* Each tool's option lines, for --help. */
void tool_print_help(FILE *f);

#endif
