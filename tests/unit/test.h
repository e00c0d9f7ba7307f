/*
 * test.h — the unit-test framework of ue (tests/unit/LAYER/NAME_test.c), in
 * the manner of blink's test/test.h: TEST(group, name) defines a test that
 * registers itself before main; EXPECT_* report a failure and go on,
 * ASSERT_* report it and leave the test.  A failure prints both sides, the
 * expression that gave each, and file:line.
 *
 * Output contract (tests/unit/suite.sh, tests/run_all.sh): one line per test,
 *
 *   PASS unit/<group>.<name>
 *   FAIL unit/<group>.<name>: <file:line: the first failed expectation>
 *
 * Further failures of the same test follow on their own lines, indented.
 *
 * Each test runs in a forked child, so a crash (SIGSEGV, ue_panic's abort)
 * fails that one test with the signal's name and the others still run, and
 * every test starts from a fresh process: a test may reserve the guest
 * window (mem_init) without colliding with an earlier test's reservation.
 * UE_TEST_NOFORK=1 runs the tests in-process (for gdb).  Arguments select
 * tests whose "group.name" contains any of them.
 *
 * SetUp()/TearDown(), if a test file defines them, run around every test.
 */
#ifndef UE_TEST_H
#define UE_TEST_H

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct UeTest {
    const char *group, *name;
    void (*fn)(void);
} UeTest;

typedef struct UeTests {
    UeTest *t;
    int n;
    int failures;      /* failed expectations of the current test */
    char first[1024];  /* the first one, for the FAIL line */
    int report_fd;     /* forked: where the child sends the first one */
} UeTests;

static UeTests ue_tests = {.report_fd = -1};

static inline void ue_test_register(const char *group, const char *name, void (*fn)(void))
{
    ue_tests.t = realloc(ue_tests.t, (size_t)(ue_tests.n + 1) * sizeof *ue_tests.t);
    if (!ue_tests.t)
        abort();
    ue_tests.t[ue_tests.n++] = (UeTest){group, name, fn};
}

#define TEST(GROUP, NAME)                                                      \
    static void GROUP##__##NAME(void);                                         \
    __attribute__((constructor)) static void GROUP##__##NAME##__reg(void)      \
    {                                                                          \
        ue_test_register(#GROUP, #NAME, GROUP##__##NAME);                      \
    }                                                                          \
    static void GROUP##__##NAME(void)

/* Record one failed expectation: the first becomes the FAIL line's reason,
 * later ones are printed on their own indented lines. */
__attribute__((format(printf, 3, 4))) static inline void ue_test_fail(const char *file, int line,
                                                                      const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ue_tests.failures++ == 0) {
        snprintf(ue_tests.first, sizeof ue_tests.first, "%s:%d: %s", file, line, msg);
        /* sent at once, so a crash later in the test does not lose it */
        if (ue_tests.report_fd >= 0 && write(ue_tests.report_fd, ue_tests.first, strlen(ue_tests.first)) < 0)
            ue_tests.report_fd = -1;
    } else
        printf("    %s:%d: %s\n", file, line, msg);
}

/* Integers compare as 64-bit values and print as signed, unsigned hex. */
#define UE_EXPECT_CMP_(KIND, OP, WANT, GOT, ON_FAIL, ...)                     \
    do {                                                                       \
        uint64_t want_ = (uint64_t)(WANT), got_ = (uint64_t)(GOT);             \
        if (!(want_ OP got_)) {                                                \
            char ctx_[256] = "";                                               \
            snprintf(ctx_, sizeof ctx_, " " __VA_ARGS__);                       \
            ue_test_fail(__FILE__, __LINE__,                                   \
                         KIND "(%s, %s)%s%s: want %" PRId64 " (%#" PRIx64      \
                         "), got %" PRId64 " (%#" PRIx64 ")",                  \
                         #WANT, #GOT, ctx_[1] ? ":" : "", ctx_ + (ctx_[1] ? 0 : 1),                \
                         (int64_t)want_, want_, (int64_t)got_, got_);          \
            ON_FAIL;                                                           \
        }                                                                      \
    } while (0)

#define EXPECT_EQ(W, G, ...) UE_EXPECT_CMP_("EXPECT_EQ", ==, W, G, (void)0, __VA_ARGS__)
#define EXPECT_NE(W, G, ...) UE_EXPECT_CMP_("EXPECT_NE", !=, W, G, (void)0, __VA_ARGS__)
#define ASSERT_EQ(W, G, ...) UE_EXPECT_CMP_("ASSERT_EQ", ==, W, G, return, __VA_ARGS__)
#define ASSERT_NE(W, G, ...) UE_EXPECT_CMP_("ASSERT_NE", !=, W, G, return, __VA_ARGS__)

#define UE_EXPECT_BOOL_(KIND, WANT, COND, ON_FAIL, ...)                        \
    do {                                                                       \
        if ((!!(COND)) != (WANT)) {                                            \
            char ctx_[256] = "";                                               \
            snprintf(ctx_, sizeof ctx_, " " __VA_ARGS__);                       \
            ue_test_fail(__FILE__, __LINE__, KIND "(%s)%s%s: is %s", #COND,    \
                         ctx_[1] ? ":" : "", ctx_ + (ctx_[1] ? 0 : 1), (WANT) ? "false" : "true"); \
            ON_FAIL;                                                           \
        }                                                                      \
    } while (0)

#define EXPECT_TRUE(C, ...) UE_EXPECT_BOOL_("EXPECT_TRUE", true, C, (void)0, __VA_ARGS__)
#define EXPECT_FALSE(C, ...) UE_EXPECT_BOOL_("EXPECT_FALSE", false, C, (void)0, __VA_ARGS__)
#define ASSERT_TRUE(C, ...) UE_EXPECT_BOOL_("ASSERT_TRUE", true, C, return, __VA_ARGS__)
#define ASSERT_FALSE(C, ...) UE_EXPECT_BOOL_("ASSERT_FALSE", false, C, return, __VA_ARGS__)

/* Strings; NULL is shown as (null) and equals only NULL. */
#define UE_EXPECT_STR_(KIND, WANT, GOT, ON_FAIL, ...)                          \
    do {                                                                       \
        const char *want_ = (WANT), *got_ = (GOT);                             \
        if (want_ != got_ && (!want_ || !got_ || strcmp(want_, got_) != 0)) {  \
            char ctx_[256] = "";                                               \
            snprintf(ctx_, sizeof ctx_, " " __VA_ARGS__);                       \
            ue_test_fail(__FILE__, __LINE__,                                   \
                         KIND "(%s, %s)%s%s: want \"%s\", got \"%s\"", #WANT,  \
                         #GOT, ctx_[1] ? ":" : "", ctx_ + (ctx_[1] ? 0 : 1),                       \
                         want_ ? want_ : "(null)", got_ ? got_ : "(null)");    \
            ON_FAIL;                                                           \
        }                                                                      \
    } while (0)

#define EXPECT_STREQ(W, G, ...) UE_EXPECT_STR_("EXPECT_STREQ", W, G, (void)0, __VA_ARGS__)
#define ASSERT_STREQ(W, G, ...) UE_EXPECT_STR_("ASSERT_STREQ", W, G, return, __VA_ARGS__)

/* Reproducible pseudo-random numbers (xorshift64): the same inputs on
 * every run; *state must start non-zero. */
static inline uint64_t ue_test_xorshift(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

void SetUp(void) __attribute__((weak));
void TearDown(void) __attribute__((weak));

static inline void ue_test_run_one(const UeTest *t)
{
    ue_tests.failures = 0;
    ue_tests.first[0] = 0;
    if (SetUp)
        SetUp();
    t->fn();
    if (TearDown)
        TearDown();
}

static inline bool ue_test_selected(const UeTest *t, int argc, char **argv)
{
    if (argc < 2)
        return true;
    char full[256];
    snprintf(full, sizeof full, "%s.%s", t->group, t->name);
    for (int i = 1; i < argc; i++)
        if (strstr(full, argv[i]))
            return true;
    return false;
}

/* Runs the test in a child; the child sends its verdict through a pipe so a
 * crash after a failed expectation still reports that expectation. */
static inline bool ue_test_fork(const UeTest *t, char *why, size_t len)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(why, len, "pipe failed");
        return false;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        ue_tests.report_fd = fds[1];
        ue_test_run_one(t);
        fflush(stdout);
        _exit(ue_tests.failures ? 1 : 0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < len && (k = read(fds[0], why + n, len - n - 1)) > 0)
        n += (size_t)k;
    why[n] = 0;
    close(fds[0]);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        snprintf(why, len, "fork/wait failed");
        return false;
    }
    if (WIFSIGNALED(st)) {
        size_t m = strlen(why);
        snprintf(why + m, len - m, "%scrashed with signal %d (%s)", m ? "; then " : "", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
        return false;
    }
    if (WEXITSTATUS(st) != 0 && !why[0])
        snprintf(why, len, "exited with status %d", WEXITSTATUS(st));
    return WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
    bool nofork = getenv("UE_TEST_NOFORK") && *getenv("UE_TEST_NOFORK") == '1';
    int failed = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < ue_tests.n; i++) {
        const UeTest *t = &ue_tests.t[i];
        if (!ue_test_selected(t, argc, argv))
            continue;
        char why[1200];
        bool ok;
        if (nofork) {
            ue_test_run_one(t);
            ok = ue_tests.failures == 0;
            snprintf(why, sizeof why, "%s", ue_tests.first);
        } else {
            ok = ue_test_fork(t, why, sizeof why);
        }
        if (ok) {
            printf("PASS unit/%s.%s\n", t->group, t->name);
        } else {
            printf("FAIL unit/%s.%s: %s\n", t->group, t->name, why);
            failed++;
        }
    }
    return failed ? 1 : 0;
}

#endif
