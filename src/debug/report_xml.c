/*
 * report_xml.c — one error in Valgrind's XML output, protocol version 4
 * (Valgrind's docs/internals/xml-output-protocol4.txt), the format IDEs and
 * CI plugins parse:
 *
 *   <error>
 *     <unique>0x0</unique> <tid>1</tid> <kind>InvalidWrite</kind>
 *     <what>Invalid write of size 4</what>      (or, for leaks, <xwhat>
 *                                                 with <text>, <leakedbytes>,
 *                                                 <leakedblocks>)
 *     <stack> <frame> <ip> <obj> <fn> <dir> <file> <line> </frame>... </stack>
 *     <auxwhat>Address 0x... is 0 bytes after ...</auxwhat> <stack>...</stack>
 *     <suppression>...</suppression>             (--gen-suppressions)
 *   </error>
 *
 * and, when the guest dies of a signal,
 *
 *   <fatal_signal>
 *     <tid>1</tid> <signo>11</signo> <signame>SIGSEGV</signame> <sicode>1</sicode>
 *     <event>Access not within mapped region</event> <siaddr>0x...</siaddr>
 *     <stack>...</stack>                         (event, siaddr: faults only)
 *   </fatal_signal>
 *
 * The document's start and end (preamble, status, errorcounts, suppcounts)
 * are written by report.c.  Text is escaped for XML (&, <, >, quotes);
 * control characters that XML 1.0 forbids become '?'.
 */
#include "debug/debug_priv.h"

#include <stdlib.h>

void dbg_xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(c < 0x20 && c != '\t' && c != '\n' ? '?' : c, f);
        }
    }
}

static void xml_elem(FILE *f, const char *indent, const char *tag, const char *text)
{
    fprintf(f, "%s<%s>", indent, tag);
    dbg_xml_escape(f, text);
    fprintf(f, "</%s>\n", tag);
}

static void xml_stack(FILE *f, const GuestAddr *pcs, u32 npcs, u32 max_pcs, bool below_main)
{
    u32 n;
    DbgFrame *fr = dbg_stack_frames(pcs, npcs, max_pcs, below_main, &n);
    fputs("  <stack>\n", f);
    for (u32 i = 0; i < n; i++) {
        fprintf(f, "    <frame>\n      <ip>0x%llX</ip>\n", (unsigned long long)fr[i].pc);
        if (fr[i].object)
            xml_elem(f, "      ", "obj", fr[i].object);
        if (fr[i].fn)
            xml_elem(f, "      ", "fn", fr[i].fn);
        if (fr[i].file && fr[i].line) {
            const char *slash = strrchr(fr[i].file, '/');
            if (slash) {
                char dir[4096];
                snprintf(dir, sizeof dir, "%.*s", (int)(slash - fr[i].file), fr[i].file);
                xml_elem(f, "      ", "dir", dir[0] ? dir : "/");
            }
            xml_elem(f, "      ", "file", slash ? slash + 1 : fr[i].file);
            fprintf(f, "      <line>%u</line>\n", fr[i].line);
        }
        fputs("    </frame>\n", f);
    }
    fputs("  </stack>\n", f);
    free(fr);
}

/* <suppression> as Valgrind gives it: name, kind, frames, and the raw text
 * in CDATA (supp is what dbg_supp_generate wrote). */
static void xml_suppression(FILE *f, const char *supp)
{
    fputs("  <suppression>\n    <sname>insert_a_suppression_name_here</sname>\n", f);
    const char *p = supp;
    int line = 0;
    while (*p) {
        size_t n = strcspn(p, "\n");
        const char *s = p;
        while (s < p + n && *s == ' ')
            s++;
        char buf[2048];
        snprintf(buf, sizeof buf, "%.*s", (int)(p + n - s), s);
        if (line == 2)
            xml_elem(f, "    ", "skind", buf);
        else if (line > 2 && (strncmp(buf, "fun:", 4) == 0 || strncmp(buf, "obj:", 4) == 0)) {
            fprintf(f, "    <sframe> <%.3s>", buf);
            dbg_xml_escape(f, buf + 4);
            fprintf(f, "</%.3s> </sframe>\n", buf);
        } else if (line > 2 && strcmp(buf, "}") != 0)
            xml_elem(f, "    ", "skaux", buf);
        line++;
        p += n + (p[n] == '\n');
    }
    /* CDATA cannot hold "]]>"; generated suppressions never contain it
     * unless a symbol does, which then splits the section. */
    fputs("    <rawtext>\n<![CDATA[\n", f);
    for (p = supp; *p; p++) {
        if (p[0] == ']' && p[1] == ']' && p[2] == '>') {
            fputs("]]]]><![CDATA[>", f);
            p += 2;
        } else
            fputc(*p, f);
    }
    fputs("]]>\n    </rawtext>\n  </suppression>\n", f);
}

void dbg_xml_error(FILE *f, const DbgErrCopy *c, u32 max_pcs, bool below_main, const char *supp)
{
    const DbgError *e = &c->e;
    fprintf(f, "<error>\n  <unique>0x%x</unique>\n  <tid>%d</tid>\n", c->unique, e->tid ? e->tid : 1);
    xml_elem(f, "  ", "kind", e->kind ? e->kind : "");
    if (e->leak_kind) {
        fputs("  <xwhat>\n", f);
        xml_elem(f, "    ", "text", e->what);
        fprintf(f, "    <leakedbytes>%llu</leakedbytes>\n    <leakedblocks>%llu</leakedblocks>\n",
                (unsigned long long)e->leaked_bytes, (unsigned long long)e->leaked_blocks);
        fputs("  </xwhat>\n", f);
    } else {
        xml_elem(f, "  ", "what", e->what);
    }
    xml_stack(f, e->pcs, e->npcs, max_pcs, below_main);
    for (u32 i = 0; i < e->naux; i++) {
        xml_elem(f, "  ", "auxwhat", e->aux[i].text);
        if (e->aux[i].npcs)
            xml_stack(f, e->aux[i].pcs, e->aux[i].npcs, max_pcs, below_main);
    }
    if (supp)
        xml_suppression(f, supp);
    fputs("</error>\n\n", f);
}

void dbg_xml_fatal_signal(FILE *f, const DbgFatalSignal *s, const char *signame, const char *event, bool with_addr,
                          u32 max_pcs, bool below_main)
{
    fprintf(f, "<fatal_signal>\n  <tid>%d</tid>\n  <signo>%d</signo>\n  <signame>SIG%s</signame>\n", s->tid ? s->tid : 1,
            s->signo, signame ? signame : "?");
    fprintf(f, "  <sicode>%d</sicode>\n", s->code);
    if (event) {
        xml_elem(f, "  ", "event", event);
        if (with_addr)
            fprintf(f, "  <siaddr>0x%llX</siaddr>\n", (unsigned long long)s->addr);
    }
    xml_stack(f, s->pcs, s->npcs, max_pcs, below_main);
    fputs("</fatal_signal>\n\n", f);
}
