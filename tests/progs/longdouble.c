/*
 * longdouble.c — a floating-point guest for tests/progs: long double (x87,
 * 80-bit) arithmetic and conversions, and libm results in long double,
 * double and float, printed exactly (%La / %a and many digits) so any
 * difference in the last bit shows.  Built by `make tests` (gcc -O2, linked
 * against Debian's libm), run natively and under ue by tests/progs/suite.sh;
 * stdout and the exit status must match.
 *
 * Inputs go through volatile variables so gcc cannot fold the results at
 * compile time: every value printed is computed by the guest at run time.
 * Rounding modes are changed with fesetround, so the guest's MXCSR and x87
 * control word must be honoured, not the host's.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long double vl[] = {1.0L, 3.0L, 2.0L, 0.1L, -7.25L, 1e300L, 1e-4940L, 12345678901234567890.0L};
static volatile double vd[] = {0.5, 2.0, 10.0, -1.5, 1e-310, 3.0, 0.7};
static volatile float vf[] = {1.5f, 3.0f, 0.1f};

static void pl(const char *what, long double x) { printf("%-22s %La  %.21Lg\n", what, x, x); }
static void pd(const char *what, double x) { printf("%-22s %a  %.17g\n", what, x, x); }

int main(void)
{
    long double one = vl[0], three = vl[1], two = vl[2], tenth = vl[3], neg = vl[4], big = vl[5], tiny = vl[6];

    puts("== long double arithmetic");
    pl("1/3", one / three);
    pl("2/3 + 1/3", two / three + one / three);
    pl("0.1 * 3", tenth * three);
    pl("-7.25 * 1e300", neg * big);
    pl("1e300 * 1e300", big * big);         /* fits: long double goes to 1e4932 */
    pl("denormal 1e-4940", tiny);
    pl("denormal / 2", tiny / two);
    pl("LDBL_EPSILON", LDBL_EPSILON);
    pl("1 + eps/2", one + LDBL_EPSILON / two);
    pl("LDBL_MAX", LDBL_MAX);
    pl("LDBL_MIN", LDBL_MIN);
    pl("inf", big * big * big * big * big * big * big * big * big * big * big * big * big * big * big * big * big);
    printf("%-22s %d\n", "isnan(0/0)", isnan((one - one) / (one - one)));
    printf("%-22s %d %d\n", "compare 1/3 < 0.34", one / three < 0.34L, one / three > 0.34L);

    puts("== conversions");
    long double u = vl[7];
    printf("%-22s %llu\n", "to uint64", (unsigned long long)u);
    printf("%-22s %lld\n", "to int64", (long long)-u / 2);
    printf("%-22s %d\n", "to int (trunc)", (int)neg);
    printf("%-22s %.21Lg\n", "from int64 max", (long double)(int64_t)INT64_MAX);
    printf("%-22s %.17g\n", "to double", (double)(one / three));
    printf("%-22s %.9g\n", "to float", (float)(one / three));
    printf("%-22s %.21Lg\n", "strtold", strtold("2.718281828459045235360287471352662497757", NULL));

    puts("== libm, long double");
    pl("sqrtl(2)", sqrtl(two));
    pl("expl(1)", expl(one));
    pl("logl(10)", logl(vl[0] * 10));
    pl("sinl(1)", sinl(one));
    pl("cosl(3)", cosl(three));
    pl("atanl(1)*4", atanl(one) * 4);
    pl("powl(2, 0.1)", powl(two, tenth));
    pl("cbrtl(3)", cbrtl(three));
    pl("fmodl(1e300, 3)", fmodl(big, three));
    pl("tgammal(0.1)", tgammal(tenth));
    pl("floorl(-7.25)", floorl(neg));
    pl("ceill(-7.25)", ceill(neg));
    pl("roundl(-7.25)", roundl(neg));

    puts("== libm, double");
    double h = vd[0], t = vd[1], ten = vd[2], m = vd[3], sub = vd[4], d3 = vd[5], p7 = vd[6];
    pd("sin(0.5)", sin(h));
    pd("cos(0.5)", cos(h));
    pd("tan(0.7)", tan(p7));
    pd("exp(10)", exp(ten));
    pd("log(2)", log(t));
    pd("log10(0.7)", log10(p7));
    pd("pow(10, -1.5)", pow(ten, m));
    pd("atan2(-1.5, 0.5)", atan2(m, h));
    pd("sqrt(3)", sqrt(d3));
    pd("cbrt(10)", cbrt(ten));
    pd("hypot(3, 10)", hypot(d3, ten));
    pd("erf(0.7)", erf(p7));
    pd("lgamma(10)", lgamma(ten));
    pd("fma(0.7, 3, -2)", fma(p7, d3, -t));
    pd("remainder(10, 3)", remainder(ten, d3));
    pd("subnormal * 0.5", sub * h);
    pd("nextafter(1, 2)", nextafter(1.0 * t / t, t));

    puts("== float");
    printf("%-22s %a\n", "sinf(1.5)", (double)sinf(vf[0]));
    printf("%-22s %a\n", "expf(3)", (double)expf(vf[1]));
    printf("%-22s %a\n", "0.1f * 3", (double)(vf[2] * vf[1]));

    puts("== rounding modes");
    static const struct { int mode; const char *name; } modes[] = {
        {FE_TONEAREST, "nearest"}, {FE_DOWNWARD, "down"}, {FE_UPWARD, "up"}, {FE_TOWARDZERO, "zero"},
    };
    for (unsigned i = 0; i < 4; i++) {
        fesetround(modes[i].mode);
        printf("%-8s 1/3=%La  -1/3=%La  d:1/3=%a  rintl(-7.5)=%.1Lf  lrint(2.5)=%ld  nearbyint(-0.5)=%g\n",
               modes[i].name, vl[0] / vl[1], -vl[0] / vl[1], (double)vd[0] / vd[5] * 2 / 3, rintl(neg - 0.25L),
               lrint(vd[1] + vd[0]), nearbyint(-vd[0]));
    }
    fesetround(FE_TONEAREST);

    puts("== exceptions");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double r = vd[0] / (vd[1] - vd[1]);
    printf("%-22s %g divbyzero=%d\n", "0.5/0", r, fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    volatile long double q = vl[0] / vl[1];
    printf("%-22s %d\n", "1/3 inexact", fetestexcept(FE_INEXACT) != 0);
    (void)q;
    return 0;
}
