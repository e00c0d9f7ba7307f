/*
 * ldbl.c — long double through glibc and libm, run natively and under ue
 * (tests/x87/suite.sh): arithmetic on edge values, conversions to and from
 * integers, float and double, printf/strtold, the libm functions, the four
 * rounding modes (fesetround) and the exception flags (feclearexcept/
 * fetestexcept go through FNSTENV/FLDENV), fegetenv/fesetenv; and double/
 * float libm calls whose XMM arguments must survive lazy binding (glibc's
 * _dl_runtime_resolve saves them with XSAVE, or FXSAVE without it).
 * Every result is printed exactly (%La, %a) so one differing bit shows.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long double vals[] = {
    0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 2.0L, 3.0L, -2.5L, 0.1L, 10.0L, 1e10L, -1e-10L,
    3.14159265358979323846264338327950288L, 2.71828182845904523536028747135266250L,
    1e300L, 1e-300L, 1e4000L, 1e-4000L, LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN, -LDBL_TRUE_MIN,
    LDBL_EPSILON, 1.0L + LDBL_EPSILON, 9007199254740993.0L, 18446744073709551615.0L,
    -9223372036854775808.0L, 123456789.123456789L, 0.7L, -0.3L, 100.5L, 1e19L, 65536.75L,
    HUGE_VALL, -HUGE_VALL, NAN, -NAN,
};
#define N (sizeof vals / sizeof vals[0])

static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
static const char *const mode_names[] = {"near", "down", "up", "zero"};

static void flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("  %s flags:%s%s%s%s%s%s\n", what, f & FE_INVALID ? " inv" : "", f & FE_DIVBYZERO ? " div" : "",
           f & FE_OVERFLOW ? " ovf" : "", f & FE_UNDERFLOW ? " unf" : "", f & FE_INEXACT ? " inx" : "",
           f & __FE_DENORM ? " den" : "");
}

static void arith(void)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j += 3) {
            long double a = vals[i], b = vals[j];
            feclearexcept(FE_ALL_EXCEPT);
            printf("%zu %zu: %La %La %La %La %d%d%d%d\n", i, j, a + b, a - b, a * b, a / b,
                   a < b, a <= b, a == b, isless(a, b));
            if (j % 9 == 0)
                flags("arith");
        }
}

static void conversions(void)
{
    for (size_t i = 0; i < N; i++) {
        long double a = vals[i];
        feclearexcept(FE_ALL_EXCEPT);
        double d = (double)a;
        float f = (float)a;
        printf("%zu: d=%a f=%a", i, d, (double)f);
        if (fabsl(a) < 9e18L)
            printf(" ll=%lld", (long long)a);
        if (a >= 0 && a < 1.8e19L)
            printf(" ull=%llu", (unsigned long long)a);
        if (fabsl(a) < 2e9L)
            printf(" i=%d", (int)a);
        printf(" back=%La %La\n", (long double)d, (long double)f);
        flags("conv");
        printf("  %.25Lg %.10Le %Lf\n", a, a, fabsl(a) < 1e30L ? a : 0.0L);
    }
    static const long long ints[] = {0, 1, -1, 123456789012345678LL, -9223372036854775807LL - 1, 9223372036854775807LL};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        printf("int %lld -> %La %La\n", ints[i], (long double)ints[i], (long double)(unsigned long long)ints[i]);
    static const char *strs[] = {"0.1", "1e4932", "1e-4950", "-3.3e-4940", "0x1.fffffffffffffffep16383", "nan(123)",
                                 "inf", "1.00000000000000000000054210108624275221700372640043497085571289", "123456789e-20"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        printf("strtold %s -> %La\n", strs[i], strtold(strs[i], NULL));
}

typedef long double (*Fn1)(long double);
typedef long double (*Fn2)(long double, long double);

static const struct { const char *name; Fn1 fn; } fn1s[] = {
    {"sqrtl", sqrtl}, {"sinl", sinl}, {"cosl", cosl}, {"tanl", tanl}, {"asinl", asinl}, {"acosl", acosl},
    {"atanl", atanl}, {"expl", expl}, {"exp2l", exp2l}, {"expm1l", expm1l}, {"logl", logl}, {"log2l", log2l},
    {"log10l", log10l}, {"log1pl", log1pl}, {"cbrtl", cbrtl}, {"sinhl", sinhl}, {"coshl", coshl},
    {"tanhl", tanhl}, {"asinhl", asinhl}, {"acoshl", acoshl}, {"atanhl", atanhl}, {"erfl", erfl},
    {"erfcl", erfcl}, {"lgammal", lgammal}, {"tgammal", tgammal}, {"ceill", ceill}, {"floorl", floorl},
    {"truncl", truncl}, {"roundl", roundl}, {"rintl", rintl}, {"nearbyintl", nearbyintl}, {"logbl", logbl},
};

static const struct { const char *name; Fn2 fn; } fn2s[] = {
    {"powl", powl}, {"fmodl", fmodl}, {"remainderl", remainderl}, {"atan2l", atan2l}, {"hypotl", hypotl},
    {"fdiml", fdiml}, {"fmaxl", fmaxl}, {"fminl", fminl}, {"nextafterl", nextafterl}, {"copysignl", copysignl},
};

static void libm(void)
{
    for (size_t f = 0; f < sizeof fn1s / sizeof fn1s[0]; f++)
        for (size_t i = 0; i < N; i++) {
            feclearexcept(FE_ALL_EXCEPT);
            printf("%s(%La) = %La\n", fn1s[f].name, vals[i], fn1s[f].fn(vals[i]));
        }
    for (size_t f = 0; f < sizeof fn2s / sizeof fn2s[0]; f++)
        for (size_t i = 0; i < N; i += 2)
            for (size_t j = 1; j < N; j += 3)
                printf("%s(%La, %La) = %La\n", fn2s[f].name, vals[i], vals[j], fn2s[f].fn(vals[i], vals[j]));
    for (size_t i = 0; i < N; i++) {
        int q, e;
        long double ip;
        long double r = remquol(vals[i], 0.75L, &q);
        long double m = frexpl(vals[i], &e);
        long double fr = modfl(vals[i], &ip);
        printf("remquol=%La,%d frexpl=%La,%d modfl=%La,%La ldexpl=%La ilogbl=%d fmal=%La lrintl=%ld\n", r, q & 7,
               m, e, fr, ip, ldexpl(vals[i], 100), ilogbl(vals[i]), fmal(vals[i], 3.0L, 0.1L),
               fabsl(vals[i]) < 1e18L ? lrintl(vals[i]) : 0L);
    }
}

static void rounding(void)
{
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        printf("mode %s (%d)\n", mode_names[m], fegetround() == modes[m]);
        for (size_t i = 0; i < N; i += 2) {
            long double a = vals[i], b = vals[(i + 7) % N];
            printf("  %La %La %La %La %La %La %La\n", a + b, a * b, a / 3.0L, sqrtl(a), rintl(a), nearbyintl(a * 1.5L),
                   expl(a / 100.0L));
            printf("  %.21Lg %lld %a\n", a / 7.0L, llrintl(fabsl(a) < 1e18L ? a : 1.5L), (double)(a / 3.0L));
        }
    }
    fesetround(FE_TONEAREST);
}

static void environment(void)
{
    fenv_t env, env2;
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double z = 0.0L, one = 1.0L;
    volatile long double r = one / z;
    flags("div");
    fegetenv(&env);
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrtl(-one);
    flags("sqrt(-1)");
    feholdexcept(&env2);
    flags("held");
    r = LDBL_MAX * 2.0L;
    flags("overflow");
    fesetenv(&env);
    flags("restored");
    feupdateenv(&env2);
    flags("updated");
    r = LDBL_MIN / 3.0L;
    flags("underflow");
    fesetenv(FE_DFL_ENV);
    flags("default");
    printf("env cw=%04x\n", env.__control_word);
    (void)r;
}

/* First calls through the PLT: the resolver runs between the caller
 * loading XMM0..2 and the callee reading them. */
static void lazy(void)
{
    volatile double a = 1.25, b = -3.5, c = 0.1;
    volatile float f = 2.5f, g = -0.75f;
    printf("%a %a %a %a\n", fma(a, b, c), atan2(a, b), pow(a, b), fmax(a, c));
    printf("%a %a %a\n", (double)fmaf(f, g, f), (double)hypotf(f, g), (double)powf(f, g));
    printf("%a %a\n", scalbn(a, 7), ldexpf(g, -3));
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    if (!strcmp(what, "lazy") || !strcmp(what, "all"))
        lazy();
    if (!strcmp(what, "arith") || !strcmp(what, "all"))
        arith();
    if (!strcmp(what, "conv") || !strcmp(what, "all"))
        conversions();
    if (!strcmp(what, "libm") || !strcmp(what, "all"))
        libm();
    if (!strcmp(what, "round") || !strcmp(what, "all"))
        rounding();
    if (!strcmp(what, "env") || !strcmp(what, "all"))
        environment();
    return 0;
}
