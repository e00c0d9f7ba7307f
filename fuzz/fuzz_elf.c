/*
 * fuzz_elf.c — libFuzzer target for the ELF loader (src/os/linux/elf.c):
 * every input is written to a memfd and loaded with lx_load_elf, once as a
 * main program and once as a dynamic linker.  The loader must never crash,
 * and must keep its contract (lx_priv.h):
 *
 *   - success: the entry point is mapped executable, the image ends inside
 *     the guest window, and PT_INTERP (if any) is a non-empty string;
 *   - failure: a non-zero status of 126, a message, and nothing left
 *     mapped in the guest window.
 *
 * A broken contract aborts, so the fuzzer reports it like a crash.
 *
 * ASan's shadow occupies most of ue's usual guest window, so this build
 * shrinks G to ASan's low application range, [0x10000, 0x7fff0000) (the
 * fuzz-elf target in the Makefile: -DMEM_G_START/-DMEM_G_END): ET_EXEC files
 * at the usual 0x400000 and ET_DYN files both get mapped for real.  Placement
 * is without ASLR so that a crash replays.  G is reserved once; after each
 * load everything in it is unmapped again.
 *
 * Run: make fuzz-elf FUZZ_SECONDS=60.  Inputs that once crashed are kept in
 * fuzz/regress/elf/ and replayed first.
 */
#include "os/linux/lx_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static MemSpace space;

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_elf: contract broken: %s\n", what);
        abort();
    }
}

static void load_once(int fd, bool is_interp)
{
    LxImage img;
    char err[256] = "";
    int st = lx_load_elf(&space, "fuzz", fd, is_interp, &img, err, sizeof err);
    if (st == 0) {
        check(mem_range_ok(&space, img.entry, 1, PROT_EXEC), "entry point not mapped executable");
        /* The load bias (img.base) may wrap: an ET_DYN whose segments sit
         * high is placed lower (fuzz/regress/elf/crash-3644eb...). */
        check(img.end > MEM_G_START && img.end <= MEM_G_END, "image ends outside the guest window");
        check(!img.interp || (img.interp[0] && !is_interp), "bad PT_INTERP result");
        free(img.interp);
    } else {
        check(st == LX_EXIT_CANNOT_EXEC, "unexpected failure status");
        check(err[0] != 0, "failure without a message");
        check(space.n == 0, "failure left mappings behind");
    }
    mem_unmap(&space, MEM_G_START, MEM_G_END - MEM_G_START);
    check(space.n == 0, "unmapping G left regions");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        int e = mem_init(&space, false, 1);
        if (e < 0) {
            fprintf(stderr, "fuzz_elf: cannot reserve the guest window: %s\n", strerror(-e));
            abort();
        }
        ready = true;
    }
    int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    ue_write_all(fd, data, size);
    load_once(fd, false);
    load_once(fd, true);
    close(fd);
    return 0;
}
