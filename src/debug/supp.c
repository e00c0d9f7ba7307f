/*
 * supp.c — suppressions in Valgrind's file format (its manual, "Suppressing
 * errors"): parse, match an error against them, and generate one from an
 * error (--gen-suppressions).
 *
 *   # comment
 *   {
 *      name
 *      Memcheck:Addr4,Addr8       tool[,tool...]:kind[,kind...]
 *      write(buf)                 optional extra line (Param's argument,
 *                                 "match-leak-kinds: definite,possible")
 *      fun:main                   frames, innermost first: fun: (the raw,
 *      obj:/lib/x86_64-*          mangled name), obj: (object path), src:
 *      ...                        (file[:line]); "..." = any number of frames
 *   }
 *
 * Patterns use '*' (any run) and '?' (one character).  Frames are the
 * printed stack's: inlined calls are frames of their own.  A suppression
 * with fewer frame lines than the stack matches a prefix of it.
 */
#include "debug/debug_priv.h"

#include <stdarg.h>
#include <stdlib.h>

enum { SUPP_MAX_FRAMES = 64 };

typedef enum SuppFrameKind { SF_FUN, SF_OBJ, SF_SRC, SF_ANY } SuppFrameKind;

typedef struct SuppFrame {
    SuppFrameKind kind;
    char *pat;
} SuppFrame;

typedef struct Supp {
    char *name;
    char *tools, *kinds;  /* comma lists */
    char *extra;          /* the extra line, or NULL */
    char *leak_kinds;     /* from match-leak-kinds:, or NULL (any) */
    SuppFrame frames[SUPP_MAX_FRAMES];
    u32 nframes;
    u64 count;
} Supp;

struct DbgSuppList {
    Supp *s;
    u32 n, cap;
};

bool dbg_glob(const char *pat, const char *s)
{
    const char *star = NULL, *back = NULL;
    while (*s) {
        if (*pat == '*') {
            star = ++pat;
            back = s;
        } else if (*pat == '?' || *pat == *s) {
            pat++;
            s++;
        } else if (star) {
            pat = star;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return !*pat;
}

DbgSuppList *dbg_supp_new(void) { return ue_calloc(1, sizeof(DbgSuppList)); }

static void free_supp(Supp *s)
{
    free(s->name);
    free(s->tools);
    free(s->kinds);
    free(s->extra);
    free(s->leak_kinds);
    for (u32 i = 0; i < s->nframes; i++)
        free(s->frames[i].pat);
}

void dbg_supp_free(DbgSuppList *l)
{
    if (!l)
        return;
    for (u32 i = 0; i < l->n; i++)
        free_supp(&l->s[i]);
    free(l->s);
    free(l);
}

/* ---------------------------------------------------------------- parse */

typedef struct SuppParser {
    const char *name, *p;
    u32 line;
    char *err;
    size_t errlen;
} SuppParser;

/* The next line without surrounding blanks into buf; false at the end.
 * Comment lines and blank lines are skipped. */
static bool next_line(SuppParser *ps, char *buf, size_t len)
{
    while (*ps->p) {
        size_t n = strcspn(ps->p, "\n");
        const char *s = ps->p, *e = ps->p + n;
        ps->p = e + (*e == '\n');
        ps->line++;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (s == e || *s == '#')
            continue;
        snprintf(buf, len, "%.*s", (int)(e - s), s);
        return true;
    }
    return false;
}

static UE_PRINTF(2, 3) int parse_error(SuppParser *ps, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->name, ps->line, msg);
    return -1;
}

static bool frame_line(const char *buf, SuppFrame *f)
{
    static const struct { const char *prefix; SuppFrameKind kind; } kinds[] = {
        {"fun:", SF_FUN}, {"obj:", SF_OBJ}, {"src:", SF_SRC}};
    if (strcmp(buf, "...") == 0) {
        *f = (SuppFrame){SF_ANY, NULL};
        return true;
    }
    for (u32 i = 0; i < UE_ARRAY_LEN(kinds); i++)
        if (strncmp(buf, kinds[i].prefix, 4) == 0) {
            *f = (SuppFrame){kinds[i].kind, ue_strdup(buf + 4)};
            return true;
        }
    return false;
}

/* One "{ ... }" block after its "{". */
static int parse_one(SuppParser *ps, Supp *s)
{
    char buf[4096];
    if (!next_line(ps, buf, sizeof buf) || strcmp(buf, "}") == 0)
        return parse_error(ps, "a suppression needs a name");
    s->name = ue_strdup(buf);
    if (!next_line(ps, buf, sizeof buf) || !strchr(buf, ':') || strchr(buf, ':') == buf)
        return parse_error(ps, "expected TOOL:KIND after the name");
    char *colon = strchr(buf, ':');
    s->tools = strndup(buf, (size_t)(colon - buf));
    s->kinds = ue_strdup(colon + 1);
    for (;;) {
        if (!next_line(ps, buf, sizeof buf))
            return parse_error(ps, "missing '}' at the end of the file");
        if (strcmp(buf, "}") == 0)
            break;
        SuppFrame f;
        if (frame_line(buf, &f)) {
            if (s->nframes == SUPP_MAX_FRAMES) {
                free(f.pat);
                return parse_error(ps, "more than %d frame lines", SUPP_MAX_FRAMES);
            }
            s->frames[s->nframes++] = f;
        } else if (s->nframes) {
            return parse_error(ps, "expected fun:, obj:, src:, ... or '}', got '%s'", buf);
        } else if (strncmp(buf, "match-leak-kinds:", 17) == 0) {
            const char *k = buf + 17;
            while (*k == ' ')
                k++;
            s->leak_kinds = ue_strdup(k);
        } else if (!s->extra) {
            s->extra = ue_strdup(buf);
        } else {
            return parse_error(ps, "unexpected line '%s'", buf);
        }
    }
    return 0;
}

int dbg_supp_parse(DbgSuppList *l, const char *name, const char *text, char *err, size_t errlen)
{
    SuppParser ps = {name, text, 0, err, errlen};
    char buf[4096];
    while (next_line(&ps, buf, sizeof buf)) {
        if (strcmp(buf, "{") != 0)
            return parse_error(&ps, "expected '{', got '%s'", buf);
        Supp s = {0};
        if (parse_one(&ps, &s) != 0) {
            free_supp(&s);
            return -1;
        }
        VEC_PUSH(l->s, l->n, l->cap, s);
    }
    return 0;
}

/* ---------------------------------------------------------------- match */

/* True if item (e.g. "Addr4") is in the comma list. */
static bool in_list(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, item, n) == 0)
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

/* "all" means every kind; otherwise a comma list. */
static bool leak_kind_ok(const char *list, const char *kind)
{
    if (!list || strcmp(list, "all") == 0)
        return true;
    return kind && in_list(list, kind);
}

static bool frame_ok(const SuppFrame *sf, const DbgFrame *f)
{
    char buf[4096];
    switch (sf->kind) {
    case SF_FUN:
        /* "(below main)" stands for glibc's start-up functions, as printed. */
        if (f->fn_raw && dbg_is_below_main(f->fn_raw) && dbg_glob(sf->pat, "(below main)"))
            return true;
        return f->fn_raw && dbg_glob(sf->pat, f->fn_raw);
    case SF_OBJ: return f->object && dbg_glob(sf->pat, f->object);
    case SF_SRC:
        if (!f->file)
            return false;
        const char *base = strrchr(f->file, '/');
        base = base ? base + 1 : f->file;
        snprintf(buf, sizeof buf, "%s:%u", base, f->line);
        return dbg_glob(sf->pat, base) || dbg_glob(sf->pat, buf);
    case SF_ANY: return true;
    }
    return false;
}

/* Frames sf[i..] against fr[j..]; "..." tries every split. */
static bool frames_ok(const SuppFrame *sf, u32 ns, const DbgFrame *fr, u32 nf)
{
    if (ns == 0)
        return true;
    if (sf->kind == SF_ANY) {
        for (u32 j = 0; j <= nf; j++)
            if (frames_ok(sf + 1, ns - 1, fr + j, nf - j))
                return true;
        return false;
    }
    return nf > 0 && frame_ok(sf, fr) && frames_ok(sf + 1, ns - 1, fr + 1, nf - 1);
}

static bool supp_ok(const Supp *s, const char *tool, const DbgError *e, const DbgFrame *fr, u32 nf)
{
    if (!in_list(s->tools, tool) || !e->supp_kind || !in_list(s->kinds, e->supp_kind))
        return false;
    if (e->supp_aux && s->extra && !dbg_glob(s->extra, e->supp_aux))
        return false;
    if (e->leak_kind && !leak_kind_ok(s->leak_kinds, e->leak_kind))
        return false;
    return frames_ok(s->frames, s->nframes, fr, nf);
}

const char *dbg_supp_match(DbgSuppList *l, const char *tool, const DbgError *e, u32 max_frames)
{
    if (!l || !l->n)
        return NULL;
    u32 nf;
    DbgFrame *fr = dbg_stack_frames(e->pcs, e->npcs, max_frames, true, &nf);
    const char *hit = NULL;
    for (u32 i = 0; i < l->n && !hit; i++) {
        if (supp_ok(&l->s[i], tool, e, fr, nf)) {
            l->s[i].count++;
            hit = l->s[i].name;
        }
    }
    free(fr);
    return hit;
}

u32 dbg_supp_each_used(const DbgSuppList *l, void (*fn)(void *ctx, const char *name, u64 count), void *ctx)
{
    u32 n = 0;
    for (u32 i = 0; l && i < l->n; i++) {
        if (!l->s[i].count)
            continue;
        n++;
        if (fn)
            fn(ctx, l->s[i].name, l->s[i].count);
    }
    return n;
}

/* ------------------------------------------------------------- generate */

char *dbg_supp_generate(const char *tool, const DbgError *e, u32 max_frames, bool below_main)
{
    u32 nf;
    DbgFrame *fr = dbg_stack_frames(e->pcs, e->npcs, max_frames, below_main, &nf);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fprintf(f, "{\n   <insert_a_suppression_name_here>\n   %s:%s\n", tool, e->supp_kind ? e->supp_kind : "");
    if (e->supp_aux)
        fprintf(f, "   %s\n", e->supp_aux);
    if (e->leak_kind)
        fprintf(f, "   match-leak-kinds: %s\n", e->leak_kind);
    for (u32 i = 0; i < nf; i++) {
        if (fr[i].fn && strcmp(fr[i].fn, "(below main)") == 0)
            fputs("   fun:(below main)\n", f);
        else if (fr[i].fn_raw)
            fprintf(f, "   fun:%s\n", fr[i].fn_raw);
        else if (fr[i].object)
            fprintf(f, "   obj:%s\n", fr[i].object);
        else
            fputs("   obj:*\n", f);
    }
    fputs("}\n", f);
    fclose(f);
    free(fr);
    return out;
}
