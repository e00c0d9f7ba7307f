/*
 * translate.c — one guest block: decode, lift instruction by instruction,
 * end at a control transfer, an undecodable instruction or the size limit.
 *
 * Pipeline position: called by the code cache (src/exec/) on a miss; the
 * block it returns runs on any back end.
 *
 * Block end rules:
 *  - a branch, call, return, syscall or trap ends the block (its lifter
 *    emits the exits);
 *  - an undecodable or unimplemented instruction ends the block with a
 *    SIGILL exit at its own address, after the instructions before it;
 *  - an instruction that runs past the executable bytes `avail` ends the
 *    block before it, or, as the first instruction, exits with FETCH so the
 *    dispatcher raises SIGSEGV for the first missing byte;
 *  - otherwise the block ends after opts->max_insns instructions.
 */
#include "arch/x86/x86_priv.h"

#include <Zydis/Zydis.h>
#include <stdio.h>

static const X86LiftFn lifters[4][256] = {
#define X(map, opc, attrs, lifter) [map][opc] = lift_##lifter,
#define X8(map, opc, attrs, lifter)                                          \
    X(map, opc, attrs, lifter) X(map, opc + 1, attrs, lifter) X(map, opc + 2, attrs, lifter) \
    X(map, opc + 3, attrs, lifter) X(map, opc + 4, attrs, lifter) X(map, opc + 5, attrs, lifter) \
    X(map, opc + 6, attrs, lifter) X(map, opc + 7, attrs, lifter)
#include "arch/x86/optab.def"
#undef X
#undef X8
};

typedef struct Snapshot {
    u32 nops, ntemps, ninsns;
    X86Lift L;
} Snapshot;

static void commit_insn(X86Lift *L)
{
    for (unsigned s = 0; s < NSLOTS; s++) {
        if (L->written[s]) {
            L->committed[s] = L->cur[s];
            L->written[s] = false;
        }
    }
}

/* End the block with a trap-like exit at pc (nothing of that insn done). */
static void end_with(X86Lift *L, GuestAddr pc, IrExitKind kind)
{
    x86_flush_all(L);
    ir_exit(L->b, pc, kind);
}

IrBlock *x86_translate(const X86TranslateOpts *opts, Arena *arena, GuestAddr pc, const u8 *code, size_t avail)
{
    IrBuilder b;
    ir_begin(&b, arena, &x86_guest_info, pc);
    X86Lift L = {.b = &b};
    L.cc.op = CC_UNKNOWN;
    u32 max = opts->single_step ? 1 : opts->max_insns ? opts->max_insns : 128;
    size_t off = 0;

    for (;;) {
        X86Insn in;
        X86DecodeStatus st = x86_decode(&in, code + off, avail - off, pc + off);
        if (st != X86_DECODE_OK) {
            if (st == X86_DECODE_SHORT && off > 0)
                end_with(&L, pc + off, IR_EXIT_JUMP);
            else
                end_with(&L, pc + off, st == X86_DECODE_SHORT ? IR_EXIT_FETCH : IR_EXIT_SIGILL);
            break;
        }
        Snapshot snap = {b.nops, b.ntemps, b.ninsns, L};
        ir_imark(&b, in.pc, in.len);
        L.in = &in;
        L.next_pc = in.pc + in.len;
        L.ea = 0;
        X86LiftFn fn = in.vex ? lift_vex : lifters[in.map][in.opc];
        if (!fn || !fn(&L, &in)) {
            b.nops = snap.nops;
            b.ntemps = snap.ntemps;
            b.ninsns = snap.ninsns;
            b.ended = false;
            L = snap.L;
            end_with(&L, in.pc, IR_EXIT_SIGILL);
            break;
        }
        off += in.len;
        if (L.ended)
            break;
        commit_insn(&L);
        if (b.ninsns >= max || off >= avail) {
            x86_end_jump(&L, pc + off, IR_EXIT_JUMP);
            break;
        }
    }
    ir_dce(&b);
    return ir_finish(&b, (u32)(off ? off : 1));
}

void x86_disasm(GuestAddr pc, const u8 *code, size_t avail, char *buf, size_t len)
{
    ZydisDisassembledInstruction insn;
    if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, pc, code, avail < 15 ? avail : 15, &insn)))
        snprintf(buf, len, "%s", insn.text);
    else
        snprintf(buf, len, "(bad)");
}
