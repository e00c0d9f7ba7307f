/*
 * debug_priv.h — private to src/debug: the loaded-object registry as the
 * other files of the folder see it (DbgObject and its lazily opened libdwfl
 * module), the folder's one lock, and interned strings.
 */
#ifndef UE_DEBUG_PRIV_H
#define UE_DEBUG_PRIV_H

#include "debug/debug.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <pthread.h>

struct DbgObject {
    char *path;
    GuestAddr bias;
    GuestAddr lo, hi;    /* [lo, hi): the PT_LOAD span, biased */
    bool live;           /* found by address (not forgotten) */
    /* Opened on first use (dbg_obj_load), under dbg_lock: one Dwfl per
     * object, so forgetting an object never disturbs another's. */
    bool loaded;
    Dwfl *dwfl;          /* NULL if libdwfl could not read the file */
    Dwfl_Module *mod;
    /* Function symbols by address, one name per address (the alias
     * reports prefer), built on first use (symbolize.c). */
    struct DbgAlias *alias;
    u32 nalias;
    bool alias_done;
    struct DbgAlias *data; /* sized data symbols likewise (dbg_data_symbol) */
    u32 ndata;
    DbgObject *next;     /* registry list, newest first */
};

/* The folder's lock: registry, libdw handles (not thread-safe), interned
 * strings.  Never held while calling out (hooks). */
extern pthread_mutex_t dbg_lock;

/* Bumped (under dbg_lock) whenever an object is registered or forgotten:
 * caches keyed by address compare it. */
extern u32 dbg_obj_gen;

/* Under dbg_lock: the live object containing a, else the most recently
 * forgotten one that did (stacks recorded before a dlclose). */
DbgObject *dbg_obj_find(GuestAddr a, bool live_only);
/* Under dbg_lock: open o's file with libdwfl if not yet done; returns
 * o->mod (NULL if the file cannot be read). */
Dwfl_Module *dbg_obj_load(DbgObject *o);
/* Under dbg_lock: a copy of s that lives until dbg_reset (NULL for NULL). */
const char *dbg_intern(const char *s);
/* Under dbg_lock: drop every interned string (dbg_reset). */
void dbg_intern_reset(void);
/* Forget dbg_name_code's ranges (under dbg_lock; symbolize.c). */
void dbg_named_code_reset(void);

/* Valgrind's frames below main: shown as "(below main)", and where stacks
 * stop after main. */
bool dbg_is_below_main(const char *fn);

/* A stack as printed: the source frames of pcs (inlined ones expanded), at
 * most max_pcs pcs, cut after main (or after the first below-main frame,
 * where no main is named) unless below_main.  Returns a malloc'd
 * array of *n frames (below-main names replaced by "(below main)"). */
DbgFrame *dbg_stack_frames(const GuestAddr *pcs, u32 npcs, u32 max_pcs, bool below_main, u32 *n);

/* A copy of an error that the reporter keeps (dedup, SARIF). */
typedef struct DbgErrCopy {
    DbgError e;
    u64 hash;
    u64 count;   /* times reported */
    u32 unique;  /* XML <unique> */
} DbgErrCopy;

/* XML and SARIF writers (report_xml.c, report_sarif.c). */
void dbg_xml_escape(FILE *f, const char *s);
void dbg_xml_error(FILE *f, const DbgErrCopy *c, u32 max_pcs, bool below_main, const char *supp);
/* <fatal_signal>: signame without "SIG", event NULL for a sent signal. */
void dbg_xml_fatal_signal(FILE *f, const DbgFatalSignal *s, const char *signame, const char *event, bool with_addr,
                          u32 max_pcs, bool below_main);
int dbg_sarif_write(const char *path, const DbgErrCopy *const *errs, u32 n, u32 max_pcs, bool below_main,
                    const char *const *argv);

#endif
