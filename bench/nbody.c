/*
 * nbody.c — ue's floating-point benchmark: gravitational N-body steps.
 *
 * Five bodies (a star and four planets, in units where the star's mass is
 * 4 pi^2) advance by a fixed time step with the direct O(n^2) force sum;
 * every few thousand steps the total energy is added to a checksum.  The
 * result depends on every rounding, so an engine that rounds one operation
 * differently prints a different line.
 *
 * What it exercises in an emulator: scalar double arithmetic (SSE2 ADDSD,
 * SUBSD, MULSD, DIVSD, SQRTSD) in a tight loop with few branches and no
 * memory traffic beyond five small structs: the cost of each FP
 * instruction, and of keeping MXCSR exact, shows directly.
 *
 *   nbody [STEPS]      (default 1000000; bench/run picks the count)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { NBODIES = 5 };

typedef struct Body {
    double x, y, z, vx, vy, vz, mass;
} Body;

static const double PI = 3.141592653589793;
static const double DAYS_PER_YEAR = 365.24;

static Body bodies[NBODIES];

static void init(void)
{
    const double m = 4 * PI * PI;
    /* position (AU), velocity (AU/day), mass (solar masses) */
    static const double start[NBODIES][7] = {
        {0, 0, 0, 0, 0, 0, 1},
        {4.84, -1.16, -0.104, 1.66e-3, 7.70e-3, -6.90e-5, 9.55e-4},
        {8.34, 4.12, -0.403, -2.77e-3, 5.00e-3, 2.30e-5, 2.86e-4},
        {12.89, -15.11, -0.223, 2.96e-3, 2.38e-3, -2.96e-5, 4.37e-5},
        {15.38, -25.92, 0.179, 2.68e-3, 1.63e-3, -9.52e-5, 5.15e-5},
    };
    for (int i = 0; i < NBODIES; i++) {
        Body *b = &bodies[i];
        b->x = start[i][0], b->y = start[i][1], b->z = start[i][2];
        b->vx = start[i][3] * DAYS_PER_YEAR;
        b->vy = start[i][4] * DAYS_PER_YEAR;
        b->vz = start[i][5] * DAYS_PER_YEAR;
        b->mass = start[i][6] * m;
    }
    /* the star moves so that the total momentum is zero */
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++) {
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    bodies[0].vx = -px / m;
    bodies[0].vy = -py / m;
    bodies[0].vz = -pz / m;
}

static void advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        Body *a = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            Body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            a->vx -= dx * b->mass * mag;
            a->vy -= dy * b->mass * mag;
            a->vz -= dz * b->mass * mag;
            b->vx += dx * a->mass * mag;
            b->vy += dy * a->mass * mag;
            b->vz += dz * a->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        Body *b = &bodies[i];
        b->x += dt * b->vx;
        b->y += dt * b->vy;
        b->z += dt * b->vz;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NBODIES; i++) {
        const Body *a = &bodies[i];
        e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            const Body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->mass * b->mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

int main(int argc, char **argv)
{
    long steps = argc > 1 ? atol(argv[1]) : 1000000;
    init();
    double sum = energy();
    for (long s = 1; s <= steps; s++) {
        advance(0.01);
        if (s % 4096 == 0)
            sum += energy();
    }
    printf("%.15f %.15f\n", energy(), sum);
    return 0;
}
