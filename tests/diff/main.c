/*
 * main.c — diffcpu, the differential tester's driver (tests/diff/diff.h).
 *
 *   diffcpu [--cases N] [--pairs N] [--seed S] [--family a,b] [--match STR]
 *           [--strict] [--no-edges] [--no-jit] [--show N] [--coverage] [--list]
 *
 * For every form of every table row the host supports: all edge-value
 * pairs of (E operand, source operand), then N random cases; then --pairs
 * cases of each flags producer + consumer pair kind (pairs.c).  Every case
 * runs natively, on the interpreter and, when it starts, on the JIT.  Prints one
 * line per instruction family, "PASS diff/<family> ..." or "FAIL
 * diff/<family>: ...", the latter followed by the first mismatching case
 * (inputs, both results, the differing fields).  --coverage prints the
 * table of `make isa-coverage` instead (coverage.c).
 *
 * --strict compares what the SDM leaves undefined too (what this host does
 * there); --fp-traps unmasks SSE/x87 exceptions in a quarter of the cases
 * and compares the SIGFPE too, si_code included (#XM at the SSE
 * instruction; x87's unmasked responses, and #MF at the next waiting x87,
 * FWAIT or MMX instruction of a sequence).
 *
 * Exit status: 0 if every case agreed, 1 on mismatches, 2 on usage errors.
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const DiffTable *const tables[] = {&diff_table_int, &diff_table_x87, &diff_table_sse, NULL};

static void usage(void)
{
    fprintf(stderr, "usage: diffcpu [--cases N] [--seed S] [--family a,b] [--match STR] [--strict] [--no-edges]\n"
                    "               [--no-jit] [--fp-traps] [--pairs N] [--seqs N] [--show N] [--coverage] [--list] [--quiet]\n");
    exit(2);
}

static bool in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !memcmp(p, name, n))
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static void parse_args(int argc, char **argv, DiffOpts *o)
{
    o->cases = 200;
    o->seed = 1;
    o->edges = true;
    o->show = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--cases") && v)
            o->cases = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--seed") && v)
            o->seed = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--family") && v)
            o->family = v, i++;
        else if (!strcmp(a, "--match") && v)
            o->match = v, i++;
        else if (!strcmp(a, "--show") && v)
            o->show = (unsigned)strtoul(v, NULL, 0), i++;
        else if (!strcmp(a, "--seqs") && v)
            o->seqs = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--pairs") && v)
            o->pairs = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--no-jit"))
            o->no_jit = true;
        else if (!strcmp(a, "--fp-traps"))
            o->fp_traps = true;
        else if (!strcmp(a, "--strict"))
            o->strict = true;
        else if (!strcmp(a, "--no-edges"))
            o->edges = false;
        else if (!strcmp(a, "--coverage"))
            o->coverage = true;
        else if (!strcmp(a, "--list"))
            o->list = true;
        else if (!strcmp(a, "--quiet"))
            o->quiet = true;
        else
            usage();
    }
}

static bool selected(const DiffOpts *o, const DiffForm *f)
{
    if (o->family && !in_list(o->family, f->row->family))
        return false;
    if (o->match && !strstr(f->name, o->match))
        return false;
    return true;
}

/* Run one case; account it to the family (and to the coverage). */
static void run_one(DiffRun *run, DiffFamily *fam, const DiffForm *f, DiffCase *c)
{
    bool show = fam->mismatches < run->opts->show;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = show ? open_memstream(&buf, &len) : NULL;
    bool ok = diff_run_case(run->env, c, mem);
    if (mem) {
        fflush(mem);
        if (!ok) {
            free(fam->first);
            fam->first = NULL;
            if (fam->mismatches == 0)
                fam->first = strdup(buf);
            else
                fputs(buf, stdout);
        }
        fclose(mem);
        free(buf);
    }
    fam->cases++;
    run->cases++;
    if (!ok) {
        fam->mismatches++;
        if (fam->last_bad_form != f) {
            fam->bad_forms++;
            fam->last_bad_form = f;
        }
    }
    diff_cov_note(run, c, ok);
}

static void run_form(DiffRun *run, DiffFamily *fam, const DiffForm *f, DiffRng *rng)
{
    DiffCase c;
    if (run->opts->edges) {
        unsigned ne, ns;
        const u64 *ee = diff_e_edges(f, &ne), *se = diff_src_edges(f, &ns);
        for (unsigned i = 0; i < ne; i++) {
            for (unsigned j = 0; j < ns; j++) {
                u64 edge[2] = {ee[i], se[j]};
                diff_gen_case(run->env, f, rng, edge, &c);
                run_one(run, fam, f, &c);
            }
        }
    }
    for (u64 k = 0; k < run->opts->cases; k++) {
        diff_gen_case(run->env, f, rng, NULL, &c);
        run_one(run, fam, f, &c);
    }
}

static DiffFamily *family_of(DiffRun *run, const char *name);

/* N cases of each pair kind, the producer drawn from every form that can
 * start one (pairs.c). */
static void run_pairs(DiffRun *run, const DiffForm *forms, u32 nforms)
{
    const DiffOpts *o = run->opts;
    u32 *prod = ue_malloc(nforms * sizeof *prod), np = 0;
    for (u32 i = 0; i < nforms; i++)
        if (diff_pair_producer(&forms[i]) && diff_host_supports(run->env, &forms[i]) &&
            (!o->match || strstr(forms[i].name, o->match)))
            prod[np++] = i;
    for (unsigned kind = 0; np && kind < PAIR_NKINDS; kind++) {
        static char names[PAIR_NKINDS][32];
        snprintf(names[kind], sizeof names[kind], "pair/%s", diff_pair_names[kind]);
        if (o->family && !in_list(o->family, names[kind]) && !in_list(o->family, "pair"))
            continue;
        DiffFamily *fam = family_of(run, names[kind]);
        fam->forms = np;
        DiffRng rng = {o->seed * 0x9e3779b97f4a7c15ull + kind * 0x94d049bb133111ebull + 7};
        DiffCase c;
        for (u64 k = 0; k < o->pairs; k++) {
            const DiffForm *f = &forms[prod[diff_below(&rng, np)]];
            if (diff_gen_pair(run->env, f, kind, &rng, &c))
                run_one(run, fam, f, &c);
        }
    }
    free(prod);
}

/* N sequences of register-only instructions in one block (pairs.c). */
static void run_seqs(DiffRun *run, const DiffForm *forms, u32 nforms)
{
    const DiffOpts *o = run->opts;
    if (o->family && !in_list(o->family, "seq"))
        return;
    u32 *mem = ue_malloc(nforms * sizeof *mem), nm = 0;
    for (u32 i = 0; i < nforms; i++)
        if (diff_seq_member(&forms[i]) && diff_host_supports(run->env, &forms[i]))
            mem[nm++] = i;
    DiffFamily *fam = family_of(run, "seq");
    fam->forms = nm;
    DiffRng rng = {o->seed * 0x9e3779b97f4a7c15ull + 0x5e9};
    DiffCase c;
    for (u64 k = 0; nm && k < o->seqs; k++)
        if (diff_gen_seq(run->env, forms, mem, nm, &rng, &c))
            run_one(run, fam, c.f, &c);
    free(mem);
}

static DiffFamily *family_of(DiffRun *run, const char *name)
{
    for (u32 i = 0; i < run->nfam; i++)
        if (!strcmp(run->fam[i].name, name))
            return &run->fam[i];
    DiffFamily f = {.name = name};
    VEC_PUSH(run->fam, run->nfam, run->capfam, f);
    return &run->fam[run->nfam - 1];
}

static void report(const DiffRun *run)
{
    for (u32 i = 0; i < run->nfam; i++) {
        const DiffFamily *f = &run->fam[i];
        if (!f->forms && !f->skipped)
            continue;
        if (!f->forms) {
            printf("SKIP diff/%s: the host CPU lacks it (%u forms)\n", f->name, f->skipped);
        } else if (!f->mismatches) {
            if (!run->opts->quiet)
                printf("PASS diff/%s (%u forms, %llu cases)\n", f->name, f->forms, (unsigned long long)f->cases);
        } else {
            printf("FAIL diff/%s: %llu of %llu cases differ, in %u of %u forms; first:\n", f->name,
                   (unsigned long long)f->mismatches, (unsigned long long)f->cases, f->bad_forms, f->forms);
            fputs(f->first ? f->first : "    (not shown)\n", stdout);
        }
    }
}

int main(int argc, char **argv)
{
    DiffOpts o = {.cases = 0};
    parse_args(argc, argv, &o);
    setvbuf(stdout, NULL, _IOLBF, 0);
    DiffEnv env;
    if (!diff_env_init(&env))
        return 2;
    env.strict = o.strict;
    env.fp_traps = o.fp_traps;
    diff_sse_init();
    env.jit &= !o.no_jit;
    DiffForm *forms;
    u32 nforms = diff_forms(tables, &forms);
    DiffRun run = {.env = &env, .opts = &o};
    diff_cov_init(&run);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (u32 i = 0; i < nforms; i++) {
        const DiffForm *f = &forms[i];
        if (!selected(&o, f))
            continue;
        if (o.list) {
            printf("%-12s %s\n", f->row->family, f->name);
            continue;
        }
        DiffFamily *fam = family_of(&run, f->row->family);
        if (!diff_host_supports(&env, f)) {
            fam->skipped++;
            continue;
        }
        fam->forms++;
        DiffRng rng = {o.seed * 0x9e3779b97f4a7c15ull + i * 0x632be59bd9b4e019ull + 1};
        run_form(&run, fam, f, &rng);
    }
    if (o.list)
        return 0;
    if (o.pairs)
        run_pairs(&run, forms, nforms);
    if (o.seqs)
        run_seqs(&run, forms, nforms);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (o.coverage) {
        diff_cov_print(&run, tables);
        return 0;
    }
    report(&run);
    u64 bad = 0;
    for (u32 i = 0; i < run.nfam; i++)
        bad += run.fam[i].mismatches;
    printf("diffcpu: %llu cases in %.1f s (%.1f us/case), %llu mismatches (interp %llu, jit %llu; jit declined %llu), "
           "%llu host flakes, seed %llu\n",
           (unsigned long long)run.cases, secs, run.cases ? secs * 1e6 / (double)run.cases : 0.0,
           (unsigned long long)bad, (unsigned long long)env.bad_backend[0], (unsigned long long)env.bad_backend[1],
           (unsigned long long)env.jit_declined, (unsigned long long)env.flakes, (unsigned long long)o.seed);
    return bad ? 1 : 0;
}
