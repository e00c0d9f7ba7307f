/*
 * coverage.c — `make isa-coverage` (placeholder, filled in below).
 */
#include "diff.h"

void diff_cov_init(DiffRun *run) { (void)run; }
void diff_cov_note(DiffRun *run, const DiffCase *c, bool ok) { (void)run, (void)c, (void)ok; }
void diff_cov_print(DiffRun *run, const DiffTable *const *tables) { (void)run, (void)tables; }
