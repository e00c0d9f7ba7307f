/*
 * minicc.c — ue's own C benchmark: a tiny compiler and VM, run in rounds.
 *
 * Each round generates the source of a random program in a toy language
 * (from a fixed seed, so every run does the same work), then compiles it the
 * way a real front end does: a lexer, a recursive-descent parser building a
 * malloc'd AST, string interning and scoped name resolution through hash
 * tables, constant folding, and code generation to a stack bytecode.  The
 * program is then run on a switch-dispatched VM and everything is freed.
 *
 * What it exercises in an emulator: pointer chasing, unpredictable branches,
 * deep call chains (recursive descent, AST walks), malloc/free churn (a
 * memory checker replaces the allocator), small string operations and an
 * indirect-jump interpreter loop.  No floating point, no system calls in the
 * hot path, one line of output: the checksum every engine must reproduce.
 *
 *   minicc [ROUNDS]      (default 200; bench/run picks the count)
 *
 * Language (generated, never written by hand):
 *   prog  := func*                      the last function is main()
 *   func  := 'fn' ID '(' ID,* ')' block
 *   stmt  := 'var' ID '=' expr ';' | ID '=' expr ';' | 'return' expr ';'
 *          | 'if' '(' expr ')' block ('else' block)?
 *          | 'while' '(' expr ')' block
 *   expr  := binary operators + - * / % < > == != & | ^ with C precedence,
 *            unary -, numbers, variables, calls, parentheses
 * Arithmetic is 64-bit wrapping; x/0 and x%0 are 0.  Functions only call
 * functions of the level below theirs, and loops count a variable the body
 * never assigns, so every generated program terminates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int64_t i64;
typedef uint64_t u64;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "minicc: out of memory\n");
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "minicc: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- deterministic random numbers (xorshift64*) ---- */

static u64 rng_state;

static u64 rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static int rng_below(int n) { return (int)(rng_next() % (u64)n); }

/* ---- a growable text buffer ---- */

typedef struct {
    char *s;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void buf_printf(Buf *b, const char *fmt, long a, long c)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, fmt, a, c);
    buf_put(b, tmp);
}

/* ---- source generator ---- */

enum { LEVELS = 4, PER_LEVEL = 12, MAX_PARAMS = 3 };

typedef struct {
    int nvars;          /* variables in scope: v0..v(nvars-1), params first */
    u64 counters;       /* bit i: vi counts a loop, only its loop assigns it */
    int level;          /* this function's level: calls go to level-1 */
    int loops;          /* loop depth, bounds nesting */
} GenCtx;

static int nparams_of(int level, int idx) { return 1 + (level * 7 + idx * 3) % MAX_PARAMS; }

static void gen_expr(Buf *b, GenCtx *g, int depth)
{
    static const char *ops[] = {"+", "-", "*", "/", "%", "<", ">", "==", "!=", "&", "|", "^", "+", "-"};
    int r = rng_below(depth > 3 ? 3 : 10);
    if (r == 0) {
        buf_printf(b, "%ld", rng_below(100), 0);
    } else if (r == 1 && g->nvars > 0) {
        buf_printf(b, "v%ld", rng_below(g->nvars), 0);
    } else if (r == 2) {
        if (g->nvars > 0)
            buf_printf(b, "v%ld", rng_below(g->nvars), 0);
        else
            buf_printf(b, "%ld", rng_below(1000), 0);
    } else if (r == 3 && g->level > 0 && depth < 3 && g->loops == 0) {
        int callee = rng_below(PER_LEVEL);
        int np = nparams_of(g->level - 1, callee);
        buf_printf(b, "f%ld_%ld(", g->level - 1, callee);
        for (int i = 0; i < np; i++) {
            if (i)
                buf_put(b, ", ");
            gen_expr(b, g, depth + 2);
        }
        buf_put(b, ")");
    } else if (r == 4) {
        buf_put(b, "-(");
        gen_expr(b, g, depth + 1);
        buf_put(b, ")");
    } else if (r == 5) {
        buf_put(b, "(");
        gen_expr(b, g, depth + 1);
        buf_put(b, ")");
    } else {
        gen_expr(b, g, depth + 1);
        buf_put(b, " ");
        buf_put(b, ops[rng_below((int)(sizeof ops / sizeof ops[0]))]);
        buf_put(b, " ");
        gen_expr(b, g, depth + 1);
    }
}

static void gen_block(Buf *b, GenCtx *g, int nstmts, int indent);

/* A variable the statement may assign: any but the loop counters. */
static int pick_assignable(GenCtx *g)
{
    for (int tries = 0; tries < 4; tries++) {
        int v = rng_below(g->nvars);
        if (!(g->counters >> v & 1))
            return v;
    }
    return -1;
}

static void gen_stmt(Buf *b, GenCtx *g, int indent)
{
    int r = rng_below(10), v;
    for (int i = 0; i < indent; i++)
        buf_put(b, "  ");
    if (r < 3 && g->nvars < 40) {
        buf_printf(b, "var v%ld = ", g->nvars, 0);
        gen_expr(b, g, 0);
        buf_put(b, ";\n");
        /* In scope only after its initialiser, as in C. */
        g->counters &= ~(1ull << g->nvars);
        g->nvars++;
    } else if (r < 6 && g->nvars > 0 && (v = pick_assignable(g)) >= 0) {
        buf_printf(b, "v%ld = ", v, 0);
        gen_expr(b, g, 0);
        buf_put(b, ";\n");
    } else if (indent >= 5) {
        /* Deep enough: nesting stops here (each if holds ~2.75 statements,
         * so unbounded nesting would not end). */
        buf_put(b, "return ");
        gen_expr(b, g, 1);
        buf_put(b, ";\n");
    } else if (r < 8 || g->loops >= 2 || g->nvars >= 40) {
        buf_put(b, "if (");
        gen_expr(b, g, 1);
        buf_put(b, ") ");
        gen_block(b, g, 1 + rng_below(3), indent);
        if (rng_below(2)) {
            buf_put(b, " else ");
            gen_block(b, g, 1 + rng_below(2), indent);
        }
        buf_put(b, "\n");
    } else {
        /* var vN = 0; while (vN < K) { ...; vN = vN + 1; }: the body never
         * assigns vN, so the loop ends. */
        int counter = g->nvars++;
        int bound = 2 + rng_below(6);
        g->counters |= 1ull << counter;
        buf_printf(b, "var v%ld = 0;\n", counter, 0);
        for (int i = 0; i < indent; i++)
            buf_put(b, "  ");
        buf_printf(b, "while (v%ld < %ld) {\n", counter, bound);
        g->loops++;
        int saved_nvars = g->nvars;
        for (int i = 0, n = 1 + rng_below(3); i < n; i++)
            gen_stmt(b, g, indent + 1);
        g->nvars = saved_nvars;
        g->loops--;
        for (int i = 0; i < indent + 1; i++)
            buf_put(b, "  ");
        buf_printf(b, "v%ld = v%ld + 1;\n", counter, counter);
        for (int i = 0; i < indent; i++)
            buf_put(b, "  ");
        buf_put(b, "}\n");
    }
}

static void gen_block(Buf *b, GenCtx *g, int nstmts, int indent)
{
    int saved_nvars = g->nvars;
    buf_put(b, "{\n");
    for (int i = 0; i < nstmts; i++)
        gen_stmt(b, g, indent + 1);
    for (int i = 0; i < indent; i++)
        buf_put(b, "  ");
    buf_put(b, "}");
    g->nvars = saved_nvars;
}

static char *gen_program(void)
{
    Buf b = {0};
    buf_put(&b, "# generated by minicc\n");
    for (int level = 0; level < LEVELS; level++) {
        for (int idx = 0; idx < PER_LEVEL; idx++) {
            GenCtx g = {0};
            int np = nparams_of(level, idx);
            g.level = level;
            buf_printf(&b, "fn f%ld_%ld(", level, idx);
            for (int i = 0; i < np; i++)
                buf_printf(&b, i ? ", v%ld" : "v%ld", i, 0);
            buf_put(&b, ") ");
            g.nvars = np;
            buf_put(&b, "{\n");
            for (int i = 0, n = 3 + rng_below(5); i < n; i++)
                gen_stmt(&b, &g, 1);
            buf_put(&b, "  return ");
            gen_expr(&b, &g, 1);
            buf_put(&b, ";\n}\n");
        }
    }
    /* main: call every top-level function a few times, fold the results. */
    buf_put(&b, "fn main() {\n  var v0 = 0;\n  var v1 = 0;\n  while (v1 < 16) {\n");
    for (int idx = 0; idx < PER_LEVEL; idx++) {
        int np = nparams_of(LEVELS - 1, idx);
        buf_printf(&b, "    v0 = v0 * 31 + f%ld_%ld(v1", LEVELS - 1, idx);
        for (int i = 1; i < np; i++)
            buf_printf(&b, ", v0 + %ld", i * 7 + idx, 0);
        buf_put(&b, ");\n");
    }
    buf_put(&b, "    v1 = v1 + 1;\n  }\n  return v0;\n}\n");
    return b.s;
}

/* ---- lexer ---- */

enum {
    T_EOF, T_NUM, T_ID, T_FN, T_VAR, T_IF, T_ELSE, T_WHILE, T_RETURN,
    T_LP, T_RP, T_LB, T_RB, T_COMMA, T_SEMI, T_ASSIGN,
    T_ADD, T_SUB, T_MUL, T_DIV, T_MOD, T_LT, T_GT, T_EQ, T_NE, T_AND, T_OR, T_XOR,
};

typedef struct Sym Sym;

typedef struct {
    int kind;
    i64 num;
    Sym *sym;
} Token;

/* ---- interned identifiers: one Sym per distinct name ---- */

struct Sym {
    Sym *next;          /* hash chain */
    u64 hash;
    int len;
    int keyword;        /* T_FN... for keywords, else 0 */
    int slot;           /* current local binding, -1 if none */
    int func;           /* function index when it names one, -1 if none */
    int *shadowed;      /* bindings hidden by inner declarations */
    int nshadowed, capshadowed;
    char name[];
};

typedef struct {
    Sym **buckets;
    int nbuckets, count;
} SymTab;

static u64 hash_bytes(const char *s, int n)
{
    u64 h = 0xcbf29ce484222325ull;
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static void symtab_grow(SymTab *t)
{
    int n = t->nbuckets ? t->nbuckets * 2 : 16;
    Sym **nb = calloc((size_t)n, sizeof *nb);
    if (!nb)
        exit(1);
    for (int i = 0; i < t->nbuckets; i++) {
        for (Sym *s = t->buckets[i], *next; s; s = next) {
            next = s->next;
            s->next = nb[s->hash & (u64)(n - 1)];
            nb[s->hash & (u64)(n - 1)] = s;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

static Sym *intern(SymTab *t, const char *s, int n)
{
    u64 h = hash_bytes(s, n);
    if (t->count * 2 >= t->nbuckets)
        symtab_grow(t);
    Sym **head = &t->buckets[h & (u64)(t->nbuckets - 1)];
    for (Sym *p = *head; p; p = p->next)
        if (p->hash == h && p->len == n && memcmp(p->name, s, (size_t)n) == 0)
            return p;
    Sym *p = xmalloc(sizeof *p + (size_t)n + 1);
    memset(p, 0, sizeof *p);
    p->hash = h;
    p->len = n;
    p->slot = -1;
    p->func = -1;
    memcpy(p->name, s, (size_t)n);
    p->name[n] = 0;
    p->next = *head;
    *head = p;
    t->count++;
    return p;
}

static void symtab_free(SymTab *t)
{
    for (int i = 0; i < t->nbuckets; i++) {
        for (Sym *s = t->buckets[i], *next; s; s = next) {
            next = s->next;
            free(s->shadowed);
            free(s);
        }
    }
    free(t->buckets);
}

typedef struct {
    const char *p;
    SymTab *syms;
    Token tok;
} Lexer;

static void lex_next(Lexer *lx)
{
    const char *p = lx->p;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (*p != '#')
            break;
        while (*p && *p != '\n')
            p++;
    }
    Token t = {0};
    if (!*p) {
        t.kind = T_EOF;
    } else if (*p >= '0' && *p <= '9') {
        i64 v = 0;
        while (*p >= '0' && *p <= '9')
            v = v * 10 + (*p++ - '0');
        t.kind = T_NUM;
        t.num = v;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_') {
        const char *s = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
            p++;
        t.sym = intern(lx->syms, s, (int)(p - s));
        t.kind = t.sym->keyword ? t.sym->keyword : T_ID;
    } else {
        char c = *p++;
        switch (c) {
        case '(': t.kind = T_LP; break;
        case ')': t.kind = T_RP; break;
        case '{': t.kind = T_LB; break;
        case '}': t.kind = T_RB; break;
        case ',': t.kind = T_COMMA; break;
        case ';': t.kind = T_SEMI; break;
        case '+': t.kind = T_ADD; break;
        case '-': t.kind = T_SUB; break;
        case '*': t.kind = T_MUL; break;
        case '/': t.kind = T_DIV; break;
        case '%': t.kind = T_MOD; break;
        case '<': t.kind = T_LT; break;
        case '>': t.kind = T_GT; break;
        case '&': t.kind = T_AND; break;
        case '|': t.kind = T_OR; break;
        case '^': t.kind = T_XOR; break;
        case '=':
            if (*p == '=') {
                p++;
                t.kind = T_EQ;
            } else {
                t.kind = T_ASSIGN;
            }
            break;
        case '!':
            if (*p == '=') {
                p++;
                t.kind = T_NE;
                break;
            }
            /* fallthrough */
        default:
            fprintf(stderr, "minicc: bad character '%c'\n", c);
            exit(1);
        }
    }
    lx->p = p;
    lx->tok = t;
}

/* ---- AST ---- */

enum {
    N_NUM, N_VAR, N_CALL, N_NEG, N_BIN,
    N_DECL, N_ASSIGN, N_IF, N_WHILE, N_RETURN, N_BLOCK,
};

typedef struct Node Node;
struct Node {
    int kind;
    int op;             /* N_BIN: token kind of the operator */
    i64 num;            /* N_NUM */
    int slot;           /* N_VAR, N_DECL, N_ASSIGN: resolved local slot */
    int func;           /* N_CALL: resolved callee */
    Sym *sym;           /* N_VAR, N_CALL before resolution */
    Node *a, *b, *c;    /* operands / condition, then, else / init */
    Node **kids;        /* N_CALL arguments, N_BLOCK statements */
    int nkids;
};

static Node *node_new(int kind)
{
    Node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static void node_add(Node *n, Node *kid)
{
    if ((n->nkids & (n->nkids - 1)) == 0)
        n->kids = xrealloc(n->kids, sizeof *n->kids * (size_t)(n->nkids ? n->nkids * 2 : 1));
    n->kids[n->nkids++] = kid;
}

static void node_free(Node *n)
{
    if (!n)
        return;
    node_free(n->a);
    node_free(n->b);
    node_free(n->c);
    for (int i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n);
}

/* ---- parser: recursive descent, names resolved as they are parsed ---- */

typedef struct {
    Lexer lx;
    int nlocals;        /* locals of the current function so far */
    Sym **declared;     /* stack of names declared in open scopes */
    int ndeclared, capdeclared;
} Parser;

static void expect(Parser *ps, int kind)
{
    if (ps->lx.tok.kind != kind) {
        fprintf(stderr, "minicc: syntax error (token %d, expected %d)\n", ps->lx.tok.kind, kind);
        exit(1);
    }
    lex_next(&ps->lx);
}

static void declare(Parser *ps, Sym *s)
{
    if (s->nshadowed == s->capshadowed) {
        s->capshadowed = s->capshadowed ? s->capshadowed * 2 : 4;
        s->shadowed = xrealloc(s->shadowed, sizeof *s->shadowed * (size_t)s->capshadowed);
    }
    s->shadowed[s->nshadowed++] = s->slot;
    s->slot = ps->nlocals++;
    if (ps->ndeclared == ps->capdeclared) {
        ps->capdeclared = ps->capdeclared ? ps->capdeclared * 2 : 16;
        ps->declared = xrealloc(ps->declared, sizeof *ps->declared * (size_t)ps->capdeclared);
    }
    ps->declared[ps->ndeclared++] = s;
}

static void close_scope(Parser *ps, int mark)
{
    while (ps->ndeclared > mark) {
        Sym *s = ps->declared[--ps->ndeclared];
        s->slot = s->shadowed[--s->nshadowed];
    }
}

static Node *parse_expr(Parser *ps, int minprec);

static Node *parse_primary(Parser *ps)
{
    Token t = ps->lx.tok;
    Node *n;
    if (t.kind == T_NUM) {
        lex_next(&ps->lx);
        n = node_new(N_NUM);
        n->num = t.num;
    } else if (t.kind == T_SUB) {
        lex_next(&ps->lx);
        n = node_new(N_NEG);
        n->a = parse_primary(ps);
    } else if (t.kind == T_LP) {
        lex_next(&ps->lx);
        n = parse_expr(ps, 0);
        expect(ps, T_RP);
    } else if (t.kind == T_ID) {
        lex_next(&ps->lx);
        if (ps->lx.tok.kind == T_LP) {
            lex_next(&ps->lx);
            n = node_new(N_CALL);
            n->sym = t.sym;
            n->func = t.sym->func;
            if (n->func < 0) {
                fprintf(stderr, "minicc: unknown function %s\n", t.sym->name);
                exit(1);
            }
            while (ps->lx.tok.kind != T_RP) {
                node_add(n, parse_expr(ps, 0));
                if (ps->lx.tok.kind == T_COMMA)
                    lex_next(&ps->lx);
            }
            lex_next(&ps->lx);
        } else {
            n = node_new(N_VAR);
            n->sym = t.sym;
            n->slot = t.sym->slot;
            if (n->slot < 0) {
                fprintf(stderr, "minicc: unknown variable %s\n", t.sym->name);
                exit(1);
            }
        }
    } else {
        fprintf(stderr, "minicc: unexpected token %d\n", t.kind);
        exit(1);
    }
    return n;
}

static int precedence(int kind)
{
    switch (kind) {
    case T_OR: return 1;
    case T_XOR: return 2;
    case T_AND: return 3;
    case T_EQ: case T_NE: return 4;
    case T_LT: case T_GT: return 5;
    case T_ADD: case T_SUB: return 6;
    case T_MUL: case T_DIV: case T_MOD: return 7;
    default: return -1;
    }
}

static Node *parse_expr(Parser *ps, int minprec)
{
    Node *lhs = parse_primary(ps);
    for (;;) {
        int op = ps->lx.tok.kind, prec = precedence(op);
        if (prec < 0 || prec < minprec)
            return lhs;
        lex_next(&ps->lx);
        Node *n = node_new(N_BIN);
        n->op = op;
        n->a = lhs;
        n->b = parse_expr(ps, prec + 1);
        lhs = n;
    }
}

static Node *parse_block(Parser *ps);

static Node *parse_stmt(Parser *ps)
{
    Node *n;
    switch (ps->lx.tok.kind) {
    case T_VAR: {
        lex_next(&ps->lx);
        Sym *s = ps->lx.tok.sym;
        expect(ps, T_ID);
        expect(ps, T_ASSIGN);
        n = node_new(N_DECL);
        n->a = parse_expr(ps, 0);
        declare(ps, s);
        n->slot = s->slot;
        expect(ps, T_SEMI);
        return n;
    }
    case T_ID: {
        Sym *s = ps->lx.tok.sym;
        lex_next(&ps->lx);
        expect(ps, T_ASSIGN);
        n = node_new(N_ASSIGN);
        n->slot = s->slot;
        n->a = parse_expr(ps, 0);
        expect(ps, T_SEMI);
        return n;
    }
    case T_IF:
        lex_next(&ps->lx);
        n = node_new(N_IF);
        expect(ps, T_LP);
        n->a = parse_expr(ps, 0);
        expect(ps, T_RP);
        n->b = parse_block(ps);
        if (ps->lx.tok.kind == T_ELSE) {
            lex_next(&ps->lx);
            n->c = parse_block(ps);
        }
        return n;
    case T_WHILE:
        lex_next(&ps->lx);
        n = node_new(N_WHILE);
        expect(ps, T_LP);
        n->a = parse_expr(ps, 0);
        expect(ps, T_RP);
        n->b = parse_block(ps);
        return n;
    case T_RETURN:
        lex_next(&ps->lx);
        n = node_new(N_RETURN);
        n->a = parse_expr(ps, 0);
        expect(ps, T_SEMI);
        return n;
    default:
        fprintf(stderr, "minicc: bad statement (token %d)\n", ps->lx.tok.kind);
        exit(1);
    }
}

static Node *parse_block(Parser *ps)
{
    int mark = ps->ndeclared;
    Node *n = node_new(N_BLOCK);
    expect(ps, T_LB);
    while (ps->lx.tok.kind != T_RB)
        node_add(n, parse_stmt(ps));
    lex_next(&ps->lx);
    close_scope(ps, mark);
    return n;
}

/* ---- constant folding ---- */

static i64 eval_bin(int op, i64 x, i64 y)
{
    u64 ux = (u64)x, uy = (u64)y;
    switch (op) {
    case T_ADD: return (i64)(ux + uy);
    case T_SUB: return (i64)(ux - uy);
    case T_MUL: return (i64)(ux * uy);
    case T_DIV: return y == 0 ? 0 : y == -1 ? (i64)(0 - ux) : x / y;
    case T_MOD: return y == 0 || y == -1 ? 0 : x % y;
    case T_LT: return x < y;
    case T_GT: return x > y;
    case T_EQ: return x == y;
    case T_NE: return x != y;
    case T_AND: return x & y;
    case T_OR: return x | y;
    case T_XOR: return x ^ y;
    }
    return 0;
}

static int nfolded;

static void fold(Node *n)
{
    if (!n)
        return;
    fold(n->a);
    fold(n->b);
    fold(n->c);
    for (int i = 0; i < n->nkids; i++)
        fold(n->kids[i]);
    if (n->kind == N_NEG && n->a->kind == N_NUM) {
        n->kind = N_NUM;
        n->num = (i64)(0 - (u64)n->a->num);
        node_free(n->a);
        n->a = NULL;
        nfolded++;
    } else if (n->kind == N_BIN && n->a->kind == N_NUM && n->b->kind == N_NUM) {
        n->kind = N_NUM;
        n->num = eval_bin(n->op, n->a->num, n->b->num);
        node_free(n->a);
        node_free(n->b);
        n->a = n->b = NULL;
        nfolded++;
    }
}

/* ---- code generation to a stack bytecode ---- */

enum {
    OP_PUSH, OP_LOAD, OP_STORE, OP_NEG, OP_BIN, OP_JMP, OP_JZ, OP_CALL, OP_RET,
};

typedef struct {
    int op, arg;        /* OP_BIN: arg is the operator token; OP_CALL: callee */
    i64 imm;            /* OP_PUSH */
} Insn;

typedef struct {
    Insn *code;
    int len, cap;
    int nparams, nlocals;
} Func;

static int emit(Func *f, int op, int arg, i64 imm)
{
    if (f->len == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->code = xrealloc(f->code, sizeof *f->code * (size_t)f->cap);
    }
    f->code[f->len] = (Insn){op, arg, imm};
    return f->len++;
}

static void gen(Func *f, Node *n)
{
    switch (n->kind) {
    case N_NUM: emit(f, OP_PUSH, 0, n->num); break;
    case N_VAR: emit(f, OP_LOAD, n->slot, 0); break;
    case N_NEG: gen(f, n->a); emit(f, OP_NEG, 0, 0); break;
    case N_BIN: gen(f, n->a); gen(f, n->b); emit(f, OP_BIN, n->op, 0); break;
    case N_CALL:
        for (int i = 0; i < n->nkids; i++)
            gen(f, n->kids[i]);
        emit(f, OP_CALL, n->func, 0);
        break;
    case N_DECL:
    case N_ASSIGN: gen(f, n->a); emit(f, OP_STORE, n->slot, 0); break;
    case N_RETURN: gen(f, n->a); emit(f, OP_RET, 0, 0); break;
    case N_BLOCK:
        for (int i = 0; i < n->nkids; i++)
            gen(f, n->kids[i]);
        break;
    case N_IF: {
        gen(f, n->a);
        int jz = emit(f, OP_JZ, 0, 0);
        gen(f, n->b);
        if (n->c) {
            int jmp = emit(f, OP_JMP, 0, 0);
            f->code[jz].arg = f->len;
            gen(f, n->c);
            f->code[jmp].arg = f->len;
        } else {
            f->code[jz].arg = f->len;
        }
        break;
    }
    case N_WHILE: {
        int top = f->len;
        gen(f, n->a);
        int jz = emit(f, OP_JZ, 0, 0);
        gen(f, n->b);
        emit(f, OP_JMP, top, 0);
        f->code[jz].arg = f->len;
        break;
    }
    }
}

/* ---- the VM ---- */

typedef struct {
    Func *funcs;
    i64 *stack;         /* operand stack and locals, one array */
    int cap;
    u64 steps;
} Vm;

static i64 vm_call(Vm *vm, int fi, int sp)
{
    /* Arguments are the top nparams values at sp; locals follow them. */
    Func *f = &vm->funcs[fi];
    int base = sp - f->nparams;
    int top = base + f->nlocals;
    if (top + 256 > vm->cap) {
        fprintf(stderr, "minicc: VM stack overflow\n");
        exit(1);
    }
    for (int i = f->nparams; i < f->nlocals; i++)
        vm->stack[base + i] = 0;
    i64 *s = vm->stack;
    for (int pc = 0;;) {
        Insn *in = &f->code[pc++];
        vm->steps++;
        switch (in->op) {
        case OP_PUSH: s[top++] = in->imm; break;
        case OP_LOAD: s[top++] = s[base + in->arg]; break;
        case OP_STORE: s[base + in->arg] = s[--top]; break;
        case OP_NEG: s[top - 1] = (i64)(0 - (u64)s[top - 1]); break;
        case OP_BIN: top--; s[top - 1] = eval_bin(in->arg, s[top - 1], s[top]); break;
        case OP_JMP: pc = in->arg; break;
        case OP_JZ: if (s[--top] == 0) pc = in->arg; break;
        case OP_CALL: {
            int np = vm->funcs[in->arg].nparams;
            i64 r = vm_call(vm, in->arg, top);
            top -= np;
            s[top++] = r;
            break;
        }
        case OP_RET: return s[top - 1];
        }
        if (pc >= f->len)
            return 0;
    }
}

/* ---- one round: generate, compile, run, free ---- */

static const struct { const char *name; int kind; } keywords[] = {
    {"fn", T_FN}, {"var", T_VAR}, {"if", T_IF}, {"else", T_ELSE}, {"while", T_WHILE}, {"return", T_RETURN},
};

typedef struct {
    u64 result, steps, nodes, code, syms;
} RoundStats;

static u64 count_nodes(Node *n)
{
    if (!n)
        return 0;
    u64 c = 1 + count_nodes(n->a) + count_nodes(n->b) + count_nodes(n->c);
    for (int i = 0; i < n->nkids; i++)
        c += count_nodes(n->kids[i]);
    return c;
}

static RoundStats round_run(u64 seed)
{
    RoundStats st = {0};
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
    char *src = gen_program();

    SymTab syms = {0};
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        intern(&syms, keywords[i].name, (int)strlen(keywords[i].name))->keyword = keywords[i].kind;

    /* Pass 1: function names, so calls resolve while parsing. */
    enum { NFUNCS = LEVELS * PER_LEVEL + 1 };
    char name[32];
    for (int level = 0; level < LEVELS; level++) {
        for (int idx = 0; idx < PER_LEVEL; idx++) {
            int n = snprintf(name, sizeof name, "f%d_%d", level, idx);
            intern(&syms, name, n)->func = level * PER_LEVEL + idx;
        }
    }
    intern(&syms, "main", 4)->func = NFUNCS - 1;

    Parser ps = {0};
    ps.lx.p = src;
    ps.lx.syms = &syms;
    lex_next(&ps.lx);
    Func *funcs = calloc(NFUNCS, sizeof *funcs);
    Node *bodies[NFUNCS];
    int nf = 0;
    while (ps.lx.tok.kind == T_FN) {
        lex_next(&ps.lx);
        Sym *fs = ps.lx.tok.sym;
        expect(&ps, T_ID);
        if (fs->func != nf) {
            fprintf(stderr, "minicc: function %s out of order\n", fs->name);
            exit(1);
        }
        expect(&ps, T_LP);
        ps.nlocals = 0;
        int mark = ps.ndeclared;
        while (ps.lx.tok.kind == T_ID) {
            declare(&ps, ps.lx.tok.sym);
            lex_next(&ps.lx);
            if (ps.lx.tok.kind == T_COMMA)
                lex_next(&ps.lx);
        }
        expect(&ps, T_RP);
        funcs[nf].nparams = ps.nlocals;
        bodies[nf] = parse_block(&ps);
        close_scope(&ps, mark);
        funcs[nf].nlocals = ps.nlocals;
        nf++;
    }
    expect(&ps, T_EOF);

    for (int i = 0; i < nf; i++) {
        fold(bodies[i]);
        st.nodes += count_nodes(bodies[i]);
        gen(&funcs[i], bodies[i]);
        emit(&funcs[i], OP_PUSH, 0, 0);
        emit(&funcs[i], OP_RET, 0, 0);
        st.code += (u64)funcs[i].len;
        node_free(bodies[i]);
    }

    Vm vm = {funcs, NULL, 1 << 16, 0};
    vm.stack = xmalloc(sizeof *vm.stack * (size_t)vm.cap);
    st.result = (u64)vm_call(&vm, nf - 1, 0);
    st.steps = vm.steps;
    st.syms = (u64)syms.count;

    free(vm.stack);
    for (int i = 0; i < nf; i++)
        free(funcs[i].code);
    free(funcs);
    free(ps.declared);
    symtab_free(&syms);
    free(src);
    return st;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    u64 check = 0, steps = 0, nodes = 0, code = 0;
    for (long r = 0; r < rounds; r++) {
        RoundStats st = round_run((u64)r + 1);
        check = (check ^ st.result) * 0x100000001b3ull + st.syms;
        steps += st.steps;
        nodes += st.nodes;
        code += st.code;
    }
    printf("minicc: rounds=%ld nodes=%llu insns=%llu folded=%d vmsteps=%llu checksum=%016llx\n", rounds,
           (unsigned long long)nodes, (unsigned long long)code, nfolded, (unsigned long long)steps,
           (unsigned long long)check);
    return 0;
}
