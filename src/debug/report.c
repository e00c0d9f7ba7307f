/*
 * report.c — the error reporter: what a tool hands over (a DbgError) goes
 * through suppressions and de-duplication, then to memcheck's text format,
 * Valgrind's XML and, at the end, a SARIF file; and the ERROR SUMMARY.
 *
 * Text format, as memcheck prints it (Valgrind's m_errormgr.c and
 * pp_StackTrace give the model):
 *
 *   ==PID== Invalid write of size 4
 *   ==PID==    at 0x10916B: main (bad.c:7)
 *   ==PID==  Address 0x4a5b068 is 0 bytes after a block of size 40 alloc'd
 *   ==PID==    at 0x48457A8: malloc (vg_replace_malloc.c:381)
 *   ==PID==    by 0x10915E: main (bad.c:6)
 *   ==PID==
 *
 * The first line is e->what, aux lines are indented by one space, frames by
 * three; an inlined call prints its own "by" line with the same address;
 * the file is shown without its directory (XML carries both); frames below
 * main are cut, main included (--show-below-main=no), and so are those
 * below the first "(below main)" frame where no main is named.  Suppressions from
 * --gen-suppressions are printed without the ==PID== prefix, as Valgrind
 * does, so they can be pasted into a file.
 *
 * An error from another thread than the previous one is headed "Thread
 * N:" (Valgrind's thread numbers: 1 for the first).  Identical errors
 * (same kind, first line and stack) are printed once and counted, as
 * memcheck's "N errors from M contexts".
 */
#include "debug/debug_priv.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct DbgReporter {
    pthread_mutex_t lock;  /* guest threads report concurrently */
    DbgReportConfig cfg;
    char prefix[32];       /* "==PID== " */
    FILE *text, *xml;      /* NULL when off */
    DbgSuppList *supp;
    DbgErrCopy **errs;     /* contexts, in order of first report */
    u32 nerrs, cap_errs;
    u64 nerrors, nsuppressed, nsupp_contexts;
    u64 nhidden;           /* counted errors not printed (no_print) */
    struct timespec start;
    bool xml_started;
    int last_tid;          /* the thread of the last error printed */
};

static const u32 default_callers = 12;

/* --------------------------------------------------------------- frames */

DbgFrame *dbg_stack_frames(const GuestAddr *pcs, u32 npcs, u32 max_pcs, bool below_main, u32 *n)
{
    enum { INL = 16 };
    if (max_pcs && npcs > max_pcs)
        npcs = max_pcs;
    DbgFrame *out = ue_malloc(((size_t)npcs * INL + 1) * sizeof *out);
    u32 k = 0;
    bool done = false;
    for (u32 i = 0; i < npcs && !done; i++) {
        u32 m = dbg_symbolize(pcs[i], &out[k], INL);
        for (u32 j = 0; j < m; j++, k++) {
            if (below_main)
                continue;
            /* The stack ends at main or, in a program without a symbol
             * for main (stripped), at the first of glibc's start-up
             * frames: one "(below main)", not one per start-up function. */
            bool below = dbg_is_below_main(out[k].fn);
            if (below)
                out[k].fn = "(below main)";
            if (below || (out[k].fn && strcmp(out[k].fn, "main") == 0)) {
                done = true;
                k += 1;
                break;
            }
        }
        if (done)
            break;
    }
    *n = k;
    return out;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void dbg_format_frame(const DbgFrame *f, char *buf, size_t len)
{
    const char *fn = f->fn ? f->fn : "???";
    if (f->file && f->line)
        snprintf(buf, len, "%s (%s:%u)", fn, base_name(f->file), f->line);
    else if (f->object)
        snprintf(buf, len, "%s (in %s)", fn, f->object);
    else
        snprintf(buf, len, "%s", fn);
}

bool dbg_frame_creator(GuestAddr pc, char *buf, size_t len)
{
    enum { INL = 16 };
    DbgFrame at[INL], entry[INL];
    u32 n = dbg_symbolize(pc, at, INL);
    const DbgFrame *fn = &at[n - 1]; /* the function itself, not an inlined call */
    const char *file = at[0].file;
    u32 line = 0;
    if (fn->fn && fn->fn_off <= pc) {
        u32 m = dbg_symbolize(pc - fn->fn_off, entry, INL);
        line = entry[m - 1].line;
    }
    if (!fn->fn && !file)
        return false;
    const char *name = !fn->fn ? "???" : dbg_is_below_main(fn->fn_raw) ? "(below main)" : fn->fn;
    char num[16] = "";
    if (file && line)
        snprintf(num, sizeof num, "%u", line);
    snprintf(buf, len, "%s (%s:%s)", name, file ? base_name(file) : "???", num);
    return true;
}

u32 dbg_print_stack(FILE *f, const char *prefix, const GuestAddr *pcs, u32 n, u32 max_pcs, bool below_main)
{
    u32 nf;
    DbgFrame *fr = dbg_stack_frames(pcs, n, max_pcs, below_main, &nf);
    char buf[1024];
    for (u32 i = 0; i < nf; i++) {
        dbg_format_frame(&fr[i], buf, sizeof buf);
        fprintf(f, "%s   %s 0x%llX: %s\n", prefix, i == 0 ? "at" : "by", (unsigned long long)fr[i].pc, buf);
    }
    free(fr);
    return nf;
}

/* ------------------------------------------------------------ reporter */

static FILE *open_fd(int fd)
{
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(ue_fd_high(dup(fd)), "w"); /* (out of the guest's way) */
    if (f)
        setvbuf(f, NULL, _IOFBF, 1 << 16);
    return f;
}

DbgReporter *dbg_reporter_new(const DbgReportConfig *cfg)
{
    DbgReporter *r = ue_calloc(1, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    r->cfg = *cfg;
    if (!r->cfg.num_callers)
        r->cfg.num_callers = default_callers;
    if (!r->cfg.tool)
        r->cfg.tool = "Memcheck";
    snprintf(r->prefix, sizeof r->prefix, "==%d== ", cfg->pid);
    r->text = open_fd(cfg->fd);
    r->xml = open_fd(cfg->xml_fd);
    r->supp = dbg_supp_new();
    r->last_tid = 1;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    return r;
}

void dbg_reporter_after_fork(DbgReporter *r)
{
    pthread_mutex_init(&r->lock, NULL);
    r->cfg.ppid = r->cfg.pid;
    r->cfg.pid = getpid();
    snprintf(r->prefix, sizeof r->prefix, "==%d== ", r->cfg.pid);
}

int dbg_reporter_add_suppressions(DbgReporter *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t cap = 0, n = 0, k;
    char buf[4096];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        VEC_GROW(text, n, cap, (u32)(n + k + 1));
        memcpy(text + n, buf, k);
        n += k;
    }
    fclose(f);
    VEC_GROW(text, n, cap, (u32)(n + 1));
    text[n] = 0;
    int ret = dbg_supp_parse(r->supp, path, text, err, errlen);
    free(text);
    return ret;
}

static void xml_time(DbgReporter *r, char *buf, size_t len)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    u64 ms = (u64)(now.tv_sec - r->start.tv_sec) * 1000 + (u64)((now.tv_nsec - r->start.tv_nsec) / 1000000);
    snprintf(buf, len, "%02llu:%02llu:%02llu:%02llu.%03llu ", (unsigned long long)(ms / 86400000),
             (unsigned long long)(ms / 3600000 % 24), (unsigned long long)(ms / 60000 % 60),
             (unsigned long long)(ms / 1000 % 60), (unsigned long long)(ms % 1000));
}

static void xml_status(DbgReporter *r, const char *state)
{
    char t[64];
    xml_time(r, t, sizeof t);
    fprintf(r->xml, "<status>\n  <state>%s</state>\n  <time>%s</time>\n</status>\n\n", state, t);
}

static void xml_preamble(DbgReporter *r, const char *const *lines, u32 nlines)
{
    FILE *x = r->xml;
    fprintf(x, "<?xml version=\"1.0\"?>\n\n<valgrindoutput>\n\n<protocolversion>4</protocolversion>\n");
    char tool[64];
    snprintf(tool, sizeof tool, "%s", r->cfg.tool);
    for (char *p = tool; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    fprintf(x, "<protocoltool>%s</protocoltool>\n\n<preamble>\n", tool);
    for (u32 i = 0; i < nlines; i++) {
        fputs("  <line>", x);
        dbg_xml_escape(x, lines[i]);
        fputs("</line>\n", x);
    }
    fprintf(x, "</preamble>\n\n<pid>%d</pid>\n<ppid>%d</ppid>\n<tool>%s</tool>\n\n", r->cfg.pid, r->cfg.ppid, tool);
    fputs("<args>\n  <vargv>\n    <exe>ue</exe>\n  </vargv>\n  <argv>\n", x);
    for (u32 i = 0; r->cfg.argv && r->cfg.argv[i]; i++) {
        fputs(i == 0 ? "    <exe>" : "    <arg>", x);
        dbg_xml_escape(x, r->cfg.argv[i]);
        fputs(i == 0 ? "</exe>\n" : "</arg>\n", x);
    }
    fputs("  </argv>\n</args>\n\n", x);
    xml_status(r, "RUNNING");
}

void dbg_report_preamble(DbgReporter *r, const char *const *lines, u32 nlines)
{
    if (r->text && !r->cfg.quiet) {
        for (u32 i = 0; i < nlines; i++)
            fprintf(r->text, "%s%s\n", r->prefix, lines[i]);
        fflush(r->text);
    }
    if (r->xml && !r->xml_started) {
        r->xml_started = true;
        xml_preamble(r, lines, nlines);
        fflush(r->xml);
    }
}

void dbg_report_line(DbgReporter *r, const char *fmt, ...)
{
    if (!r->text || r->cfg.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs(r->prefix, r->text);
    vfprintf(r->text, fmt, ap);
    fputc('\n', r->text);
    va_end(ap);
    fflush(r->text);
}

/* --------------------------------------------------------- dedup, copies */

static u64 hash_str(u64 h, const char *s)
{
    while (s && *s)
        h = (h ^ (u8)*s++) * 1099511628211ull;
    return ue_hash64(h);
}

/* Errors are the same context if kind, first line and the stack as far as
 * it is printed (--num-callers) agree: two that differ deeper would print
 * identically. */
static const char *dedup_key(const DbgError *e) { return e->dedup ? e->dedup : e->what ? e->what : ""; }

static u64 error_hash(const DbgError *e, u32 depth)
{
    u64 h = hash_str(hash_str(1469598103934665603ull, e->kind), dedup_key(e));
    for (u32 i = 0; i < e->npcs && i < depth; i++)
        h = ue_hash64(h ^ e->pcs[i]);
    return h;
}

static bool same_error(const DbgError *a, const DbgError *b, u32 depth)
{
    u32 na = UE_MIN(a->npcs, depth), nb = UE_MIN(b->npcs, depth);
    return strcmp(a->kind ? a->kind : "", b->kind ? b->kind : "") == 0 &&
           strcmp(dedup_key(a), dedup_key(b)) == 0 && na == nb &&
           memcmp(a->pcs, b->pcs, na * sizeof *a->pcs) == 0;
}

static char *dup_or_null(const char *s) { return s ? ue_strdup(s) : NULL; }

static GuestAddr *dup_pcs(const GuestAddr *p, u32 n)
{
    if (!p || !n)
        return NULL;
    GuestAddr *c = ue_malloc(n * sizeof *c);
    memcpy(c, p, n * sizeof *c);
    return c;
}

static DbgErrCopy *copy_error(const DbgError *e, u64 hash, u32 unique)
{
    DbgErrCopy *c = ue_calloc(1, sizeof *c);
    c->e = *e;
    c->e.kind = dup_or_null(e->kind);
    c->e.what = dup_or_null(e->what);
    c->e.dedup = dup_or_null(e->dedup);
    c->e.pcs = dup_pcs(e->pcs, e->npcs);
    c->e.naux = UE_MIN(e->naux, (u32)DBG_ERR_MAX_AUX);
    for (u32 i = 0; i < c->e.naux; i++) {
        c->e.aux[i].text = dup_or_null(e->aux[i].text);
        c->e.aux[i].pcs = dup_pcs(e->aux[i].pcs, e->aux[i].npcs);
    }
    c->e.supp_kind = dup_or_null(e->supp_kind);
    c->e.supp_aux = dup_or_null(e->supp_aux);
    c->e.leak_kind = dup_or_null(e->leak_kind);
    c->hash = hash;
    c->count = 1;
    c->unique = unique;
    return c;
}

static void free_copy(DbgErrCopy *c)
{
    free((char *)c->e.kind);
    free((char *)c->e.what);
    free((char *)c->e.dedup);
    free((GuestAddr *)c->e.pcs);
    for (u32 i = 0; i < c->e.naux; i++) {
        free((char *)c->e.aux[i].text);
        free((GuestAddr *)c->e.aux[i].pcs);
    }
    free((char *)c->e.supp_kind);
    free((char *)c->e.supp_aux);
    free((char *)c->e.leak_kind);
    free(c);
}

/* -------------------------------------------------------------- errors */

static void print_text(DbgReporter *r, const DbgError *e)
{
    FILE *t = r->text;
    /* An error of another thread than the last one printed names its
     * thread first (the first thread's need not, until another's came). */
    int tid = e->tid ? e->tid : 1;
    if (tid != r->last_tid) {
        fprintf(t, "%sThread %d:\n", r->prefix, tid);
        r->last_tid = tid;
    }
    fprintf(t, "%s%s\n", r->prefix, e->what ? e->what : "");
    dbg_print_stack(t, r->prefix, e->pcs, e->npcs, r->cfg.num_callers, r->cfg.show_below_main);
    for (u32 i = 0; i < e->naux && i < DBG_ERR_MAX_AUX; i++) {
        fprintf(t, "%s %s\n", r->prefix, e->aux[i].text ? e->aux[i].text : "");
        if (e->aux[i].npcs)
            dbg_print_stack(t, r->prefix, e->aux[i].pcs, e->aux[i].npcs, r->cfg.num_callers,
                            r->cfg.show_below_main);
    }
    fprintf(t, "%s\n", r->prefix);
}

/* An error shown but not counted (a leak record of a kind that is not an
 * error): printed, not kept. */
static void print_uncounted(DbgReporter *r, const DbgError *e)
{
    DbgErrCopy *c = copy_error(e, error_hash(e, r->cfg.num_callers), r->nerrs);
    if (r->text) {
        print_text(r, e);
        fflush(r->text);
    }
    if (r->xml) {
        dbg_xml_error(r->xml, c, r->cfg.num_callers, r->cfg.show_below_main, NULL);
        fflush(r->xml);
    }
    free_copy(c);
}

static int report_locked(DbgReporter *r, const DbgError *e)
{
    if (dbg_supp_match(r->supp, r->cfg.tool, e, r->cfg.num_callers)) {
        if (!e->no_count)
            r->nsuppressed++;
        return 0;
    }
    if (e->no_count) {
        if (!e->no_print)
            print_uncounted(r, e);
        return e->no_print ? 1 : 2;
    }
    u64 h = error_hash(e, r->cfg.num_callers);
    r->nerrors++;
    if (!e->unique) {
        for (u32 i = 0; i < r->nerrs; i++) {
            if (r->errs[i]->hash == h && !r->errs[i]->e.unique && same_error(&r->errs[i]->e, e, r->cfg.num_callers)) {
                r->errs[i]->count++;
                return 1;
            }
        }
    }
    if (e->no_print) {
        r->nhidden++; /* a context of its own, never shown */
        return 1;
    }
    DbgErrCopy *c = copy_error(e, h, r->nerrs);
    VEC_PUSH(r->errs, r->nerrs, r->cap_errs, c);
    char *supp = r->cfg.gen_suppressions
                     ? dbg_supp_generate(r->cfg.tool, e, r->cfg.num_callers, r->cfg.show_below_main)
                     : NULL;
    if (r->text) {
        print_text(r, e);
        if (supp)
            fputs(supp, r->text);
        fflush(r->text);
    }
    if (r->xml) {
        dbg_xml_error(r->xml, c, r->cfg.num_callers, r->cfg.show_below_main, supp);
        fflush(r->xml);
    }
    free(supp);
    return 2;
}

int dbg_report_error(DbgReporter *r, const DbgError *e)
{
    pthread_mutex_lock(&r->lock);
    int ret = report_locked(r, e);
    pthread_mutex_unlock(&r->lock);
    return ret;
}

void dbg_report_counts(const DbgReporter *r, u64 *errors, u64 *contexts, u64 *suppressed, u64 *supp_contexts)
{
    *errors = r->nerrors;
    *contexts = r->nerrs + r->nhidden;
    *suppressed = r->nsuppressed;
    *supp_contexts = dbg_supp_each_used(r->supp, NULL, NULL);
}

/* ---------------------------------------------------------- fatal signal */

/* What a fault's si_code says happened, in Valgrind's words, or NULL (a
 * sent signal, or a code with no words).  *addr: whether the fault
 * address goes with it (a general protection fault has none). */
static const char *fault_event(int sig, int code, bool *addr)
{
    *addr = code != SI_KERNEL;
    if (code <= 0)
        return NULL;
    switch (sig) {
    case SIGSEGV:
        switch (code) {
        case SEGV_MAPERR: return "Access not within mapped region";
        case SEGV_ACCERR: return "Bad permissions for mapped region";
        case SI_KERNEL: return "General Protection Fault";
        }
        return NULL;
    case SIGILL:
        /* x86's #UD is the "invalid opcode" exception; Linux tags it
         * ILL_ILLOPN, Valgrind's own SIGILL ILL_ILLOPC: both are an
         * opcode the CPU (or ue) could not run. */
        return code == ILL_ILLOPC || code == ILL_ILLOPN ? "Illegal opcode" : NULL;
    case SIGFPE:
        switch (code) {
        case FPE_INTDIV: return "Integer divide by zero";
        case FPE_INTOVF: return "Integer overflow";
        case FPE_FLTDIV: return "FP divide by zero";
        case FPE_FLTOVF: return "FP overflow";
        case FPE_FLTUND: return "FP underflow";
        case FPE_FLTRES: return "FP inexact";
        case FPE_FLTINV: return "FP invalid operation";
        case FPE_FLTSUB: return "FP subscript out of range";
        }
        return NULL;
    case SIGBUS:
        switch (code) {
        case BUS_ADRALN: return "Invalid address alignment";
        case BUS_ADRERR: return "Non-existent physical address";
        case BUS_OBJERR: return "Hardware error";
        }
        return NULL;
    }
    return NULL;
}

/* Signals whose default action dumps core. */
static bool dumps_core(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
    case SIGFPE: case SIGSEGV: case SIGSYS: case SIGXCPU: case SIGXFSZ:
        return true;
    }
    return false;
}

void dbg_report_fatal_signal(DbgReporter *r, const DbgFatalSignal *s)
{
    const char *abbr = sigabbrev_np(s->signo);
    bool with_addr;
    const char *event = fault_event(s->signo, s->code, &with_addr);
    pthread_mutex_lock(&r->lock);
    /* -q keeps what Valgrind keeps: a fault that dumps core. */
    if (r->text && (!r->cfg.quiet || (s->code > 0 && dumps_core(s->signo)))) {
        FILE *t = r->text;
        fprintf(t, "%s\n%sProcess terminating with default action of signal %d (SIG%s)\n", r->prefix, r->prefix,
                s->signo, abbr ? abbr : "?");
        if (event && with_addr)
            fprintf(t, "%s %s at address 0x%llX\n", r->prefix, event, (unsigned long long)s->addr);
        else if (event)
            fprintf(t, "%s %s\n", r->prefix, event);
        if (s->note)
            fprintf(t, "%s%s\n", r->prefix, s->note);
        dbg_print_stack(t, r->prefix, s->pcs, s->npcs, r->cfg.num_callers, r->cfg.show_below_main);
        fflush(t);
    }
    if (r->xml) {
        dbg_xml_fatal_signal(r->xml, s, abbr, event, with_addr, r->cfg.num_callers, r->cfg.show_below_main);
        fflush(r->xml);
    }
    pthread_mutex_unlock(&r->lock);
}

/* ---------------------------------------------------------------- the end */

static void xml_supp_count(void *ctx, const char *name, u64 count)
{
    FILE *x = ctx;
    fprintf(x, "  <pair>\n    <count>%llu</count>\n    <name>", (unsigned long long)count);
    dbg_xml_escape(x, name);
    fputs("</name>\n  </pair>\n", x);
}

static void xml_trailer(DbgReporter *r)
{
    FILE *x = r->xml;
    xml_status(r, "FINISHED");
    fputs("<errorcounts>\n", x);
    for (u32 i = 0; i < r->nerrs; i++)
        fprintf(x, "  <pair>\n    <count>%llu</count>\n    <unique>0x%x</unique>\n  </pair>\n",
                (unsigned long long)r->errs[i]->count, r->errs[i]->unique);
    fputs("</errorcounts>\n\n<suppcounts>\n", x);
    dbg_supp_each_used(r->supp, xml_supp_count, x);
    fputs("</suppcounts>\n\n</valgrindoutput>\n\n", x);
}

int dbg_report_finish(DbgReporter *r)
{
    u64 errors, contexts, supp, supp_ctx;
    dbg_report_counts(r, &errors, &contexts, &supp, &supp_ctx);
    if (r->text && !r->cfg.quiet) {
        fprintf(r->text, "%sERROR SUMMARY: %llu errors from %llu contexts (suppressed: %llu from %llu)\n", r->prefix,
                (unsigned long long)errors, (unsigned long long)contexts, (unsigned long long)supp,
                (unsigned long long)supp_ctx);
        fflush(r->text);
    }
    if (r->xml) {
        if (!r->xml_started)
            dbg_report_preamble(r, NULL, 0);
        xml_trailer(r);
        fflush(r->xml);
    }
    if (r->cfg.sarif_path)
        return dbg_sarif_write(r->cfg.sarif_path, (const DbgErrCopy *const *)r->errs, r->nerrs,
                               r->cfg.num_callers, r->cfg.show_below_main, r->cfg.argv);
    return 0;
}

void dbg_reporter_free(DbgReporter *r)
{
    if (!r)
        return;
    if (r->text)
        fclose(r->text);
    if (r->xml)
        fclose(r->xml);
    for (u32 i = 0; i < r->nerrs; i++)
        free_copy(r->errs[i]);
    free(r->errs);
    dbg_supp_free(r->supp);
    free(r);
}
