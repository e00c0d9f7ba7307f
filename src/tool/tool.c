/*
 * tool.c — the table of tools.  `--tool=none` (the default) runs the
 * program with no tool at all.
 */
#include "tool/tool.h"

#include <stdio.h>

extern const Tool mc_tool;

static const Tool none_tool = {.name = "none", .summary = "run the program, check nothing"};

static const Tool *const tools[] = {&none_tool, &mc_tool};

const Tool *tool_current;

const Tool *tool_find(const char *name)
{
    for (size_t i = 0; i < UE_ARRAY_LEN(tools); i++)
        if (!strcmp(tools[i]->name, name))
            return tools[i];
    return NULL;
}

void tool_print_help(FILE *f)
{
    for (size_t i = 0; i < UE_ARRAY_LEN(tools); i++)
        if (tools[i]->help)
            fprintf(f, "\n%s options (with --tool=%s):\n%s", tools[i]->name, tools[i]->name, tools[i]->help);
}
