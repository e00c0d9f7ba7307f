/*
 * report_sarif.c — the errors of a run as a SARIF 2.1.0 log (OASIS Static
 * Analysis Results Interchange Format), what code-scanning services read.
 *
 * One run; tool.driver names ue and lists one rule per error kind; one
 * result per error context: ruleId = the kind, level "error" ("warning"
 * for possible/reachable leaks), message = the first line (aux lines
 * appended), locations = the innermost frame that has a source line (else
 * the first frame), stacks = the error's stack and each aux stack with its
 * line as the stack's message; properties.count = times the error
 * happened.  Frames carry the pc (physicalLocation.address), the source
 * location (a file:// URI), the function as a logical location and the
 * object as `module`.
 *
 * Written in one go at the end of the run (the counts are known then);
 * JSON strings are escaped per RFC 8259.
 */
#include "debug/debug_priv.h"

#include <errno.h>
#include <stdlib.h>

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A file:// URI for an absolute path; a relative one stays relative. */
static void json_uri(FILE *f, const char *path)
{
    fputc('"', f);
    if (path[0] == '/')
        fputs("file://", f);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~+", *p))
            fputc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    }
    fputc('"', f);
}

/* A location: the pc as physicalLocation.address, the source file and
 * line when known, the function as a logical location. */
static void json_location(FILE *f, const DbgFrame *fr)
{
    fprintf(f, "{\"physicalLocation\": {\"address\": {\"absoluteAddress\": %llu}", (unsigned long long)fr->pc);
    if (fr->file && fr->line) {
        fputs(", \"artifactLocation\": {\"uri\": ", f);
        json_uri(f, fr->file);
        fprintf(f, "}, \"region\": {\"startLine\": %u", fr->line);
        if (fr->column)
            fprintf(f, ", \"startColumn\": %u", fr->column);
        fputs("}", f);
    }
    fputs("}", f);
    if (fr->fn) {
        fputs(", \"logicalLocations\": [{\"fullyQualifiedName\": ", f);
        json_str(f, fr->fn);
        fputs(", \"kind\": \"function\"}]", f);
    }
    fputs("}", f);
}

static void json_stack(FILE *f, const char *msg, const GuestAddr *pcs, u32 npcs, u32 max_pcs, bool below_main)
{
    u32 n;
    DbgFrame *fr = dbg_stack_frames(pcs, npcs, max_pcs, below_main, &n);
    fputs("{\"message\": {\"text\": ", f);
    json_str(f, msg);
    fputs("}, \"frames\": [", f);
    for (u32 i = 0; i < n; i++) {
        fprintf(f, "%s\n          {\"location\": ", i ? "," : "");
        json_location(f, &fr[i]);
        if (fr[i].object) {
            fputs(", \"module\": ", f);
            json_str(f, fr[i].object);
        }
        fputs("}", f);
    }
    fputs("]}", f);
    free(fr);
}

static void json_result(FILE *f, const DbgErrCopy *c, u32 max_pcs, bool below_main)
{
    const DbgError *e = &c->e;
    bool mild = e->leak_kind && (strcmp(e->leak_kind, "possible") == 0 || strcmp(e->leak_kind, "reachable") == 0);
    fputs("      {\"ruleId\": ", f);
    json_str(f, e->kind);
    fprintf(f, ", \"level\": \"%s\", \"message\": {\"text\": ", mild ? "warning" : "error");
    size_t len = strlen(e->what ? e->what : "") + 1;
    for (u32 i = 0; i < e->naux; i++)
        len += strlen(e->aux[i].text ? e->aux[i].text : "") + 2;
    char *msg = ue_malloc(len);
    strcpy(msg, e->what ? e->what : "");
    for (u32 i = 0; i < e->naux; i++)
        strcat(strcat(msg, ". "), e->aux[i].text ? e->aux[i].text : "");
    json_str(f, msg);
    free(msg);
    fputs("},\n       \"locations\": [", f);
    u32 n;
    DbgFrame *fr = dbg_stack_frames(e->pcs, e->npcs, max_pcs, below_main, &n);
    u32 k = 0;
    while (k < n && !(fr[k].file && fr[k].line))
        k++;
    if (n)
        json_location(f, &fr[k < n ? k : 0]);
    free(fr);
    fputs("],\n       \"stacks\": [", f);
    json_stack(f, e->what, e->pcs, e->npcs, max_pcs, below_main);
    for (u32 i = 0; i < e->naux; i++) {
        if (!e->aux[i].npcs)
            continue;
        fputs(",\n         ", f);
        json_stack(f, e->aux[i].text, e->aux[i].pcs, e->aux[i].npcs, max_pcs, below_main);
    }
    fprintf(f, "],\n       \"properties\": {\"count\": %llu}}", (unsigned long long)c->count);
}

static void json_rules(FILE *f, const DbgErrCopy *const *errs, u32 n)
{
    fputs("\"rules\": [", f);
    u32 k = 0;
    for (u32 i = 0; i < n; i++) {
        bool seen = false;
        for (u32 j = 0; j < i && !seen; j++)
            seen = strcmp(errs[j]->e.kind, errs[i]->e.kind) == 0;
        if (seen)
            continue;
        fprintf(f, "%s\n        {\"id\": ", k++ ? "," : "");
        json_str(f, errs[i]->e.kind);
        fputs(", \"shortDescription\": {\"text\": ", f);
        json_str(f, errs[i]->e.kind);
        fputs("}}", f);
    }
    fputs("]", f);
}

int dbg_sarif_write(const char *path, const DbgErrCopy *const *errs, u32 n, u32 max_pcs, bool below_main,
                    const char *const *argv)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
          "  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": \"ue\", \"fullName\": \"ue memory checker\", ",
          f);
    json_rules(f, errs, n);
    fputs("}},\n", f);
    if (argv && argv[0]) {
        fputs("    \"invocations\": [{\"executionSuccessful\": true, \"arguments\": [", f);
        for (u32 i = 0; argv[i]; i++) {
            if (i)
                fputs(", ", f);
            json_str(f, argv[i]);
        }
        fputs("]}],\n", f);
    }
    fputs("    \"results\": [", f);
    for (u32 i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", f);
        json_result(f, errs[i], max_pcs, below_main);
    }
    fputs("\n    ]\n  }]\n}\n", f);
    int err = ferror(f) ? -EIO : 0;
    if (fclose(f) != 0 && !err)
        err = -errno;
    return err;
}
