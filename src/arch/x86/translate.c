/*
 * translate.c — one guest block: decode, lift instruction by instruction,
 * end at a control transfer, an undecodable instruction or the size limit.
 *
 * Pipeline position: called by the code cache (src/exec/) on a miss; the
 * block it returns runs on any back end.
 *
 * Block end rules:
 *  - a conditional branch is a side exit (EXIT_IF to its target) and the
 *    block goes on with the fall-through, up to SIDE_EXITS of them: fewer,
 *    longer blocks, whose not-taken paths need no exit, no jump and no
 *    flags or registers in the env (python3, perl and sqlite3 ran 10-20%
 *    faster under the JIT with 2 to 8 than with none; start-up, which
 *    translates more code per block, is no slower with 2 or 3);
 *  - the next conditional branch, or a jump, call, return, syscall or trap
 *    ends the block (its lifter emits the exits);
 *  - an undecodable or unimplemented instruction ends the block with a
 *    SIGILL exit at its own address, after the instructions before it;
 *  - an instruction that runs past the executable bytes `avail` ends the
 *    block before it, or, as the first instruction, exits with FETCH so the
 *    dispatcher raises SIGSEGV for the first missing byte;
 *  - otherwise the block ends after opts->max_insns instructions.
 *
 * Client requests (include/ue/client.h).  A program talks to ue with 19
 * bytes that are a no-op on a real CPU: four ROL RDI by amounts adding up
 * to 128, then XCHG RBX,RBX.  ue's own sequence rotates by 5, 17, 59, 47;
 * Valgrind's (valgrind.h) by 3, 13, 61, 51 — both are recognised, so
 * programs annotated for Valgrind work too.  The sequence is lifted as one
 * instruction that ends the block with an IR_EXIT_CLIENT exit after it:
 * the dispatcher reads the request from guest memory at RAX, the tool
 * answers in RDX (exec.h, ToolHooks.client_request).  An exit rather than
 * a helper call because helpers must not touch guest memory, and a tool's
 * answer may (leak checks, custom allocators) or may drop translations.
 * A sequence in the middle of a block ends the block before it, so a
 * request always starts a block.
 */
#include "arch/x86/x86_priv.h"

#include <Zydis/Zydis.h>
#include <stdio.h>

enum { SIDE_EXITS = 3 };

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

/* LOCK is legal only on a memory destination of ADD ADC AND BTC BTR BTS
 * CMPXCHG CMPXCHG8B/16B DEC INC NEG NOT OR SBB SUB XADD XCHG XOR (SDM vol.
 * 2, "LOCK"); anywhere else, including register forms, it is #UD.  The
 * lifters' rmw helpers would otherwise run `lock add eax, ecx` happily. */
static bool lock_ok(const X86Insn *in)
{
    if (in->vex || !in->has_modrm || in->mod == 3)
        return false;
    unsigned ext = (in->modrm >> 3) & 7;
    u8 o = in->opc;
    if (in->map == X86_MAP_1B) {
        if (o < 0x40 && (o & 7) < 2) /* the ALU ops' E,G forms, but not CMP */
            return (o >> 3) != 7;
        switch (o) {
        case 0x80: case 0x81: case 0x83: return ext != 7;
        case 0x86: case 0x87: return true;
        case 0xf6: case 0xf7: return ext == 2 || ext == 3;
        case 0xfe: case 0xff: return ext < 2;
        default: return false;
        }
    }
    if (in->map == X86_MAP_0F) {
        switch (o) {
        case 0xab: case 0xb3: case 0xbb: case 0xb0: case 0xb1: case 0xc0: case 0xc1: return true;
        case 0xba: return ext >= 5;
        case 0xc7: return ext == 1;
        default: return false;
        }
    }
    return false;
}

/* The length of a client-request sequence at code (ue's or Valgrind's,
 * see the top of the file), or 0. */
static size_t client_request_at(const u8 *code, size_t avail)
{
    static const u8 amounts[2][4] = {{5, 17, 59, 47}, {3, 13, 61, 51}};
    enum { LEN = 4 * 4 + 3 };
    if (avail < LEN || code[0] != 0x48)
        return 0;
    for (int k = 0; k < 2; k++) {
        bool match = true;
        for (int i = 0; i < 4 && match; i++) /* rol rdi, imm8: REX.W C1 /0 ib */
            match = code[4 * i] == 0x48 && code[4 * i + 1] == 0xc1 && code[4 * i + 2] == 0xc7 &&
                    code[4 * i + 3] == amounts[k][i];
        if (match && code[16] == 0x48 && code[17] == 0x87 && code[18] == 0xdb) /* xchg rbx, rbx */
            return LEN;
    }
    return 0;
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
    X86Lift L = {.b = &b, .side_exits_left = SIDE_EXITS, .fp_masked = opts->fp_masked};
    L.cc.op = CC_UNKNOWN;
    u32 max = opts->single_step ? 1 : opts->max_insns ? opts->max_insns : 128;
    size_t off = 0;

    for (;;) {
        size_t creq = client_request_at(code + off, avail - off);
        if (creq && off > 0) {
            end_with(&L, pc + off, IR_EXIT_JUMP); /* the request starts a block of its own */
            break;
        }
        if (creq) {
            ir_imark(&b, pc, (u32)creq);
            end_with(&L, pc + creq, IR_EXIT_CLIENT);
            off = creq;
            break;
        }
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
        if (!fn || (in.lock && !lock_ok(&in)) || !fn(&L, &in)) {
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
    return opts->borrow ? ir_finish_borrowed(&b, (u32)(off ? off : 1)) : ir_finish(&b, (u32)(off ? off : 1));
}

bool x86_insn_access(GuestAddr pc, const u8 *code, size_t avail, unsigned *size, bool *write)
{
    Arena arena = {0};
    X86TranslateOpts opts = {.single_step = true};
    IrBlock *blk = x86_translate(&opts, &arena, pc, code, avail);
    bool found = false;
    for (u32 i = 0; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc != IR_LOAD && op->opc != IR_STORE && op->opc != IR_CAS)
            continue;
        bool w = op->opc != IR_LOAD;
        if (!found || (w && !*write)) {
            *size = ir_type_bits((IrType)op->type) / 8;
            *write = w;
        }
        found = true;
    }
    ir_block_free(blk);
    arena_free(&arena);
    return found;
}

void x86_disasm(GuestAddr pc, const u8 *code, size_t avail, char *buf, size_t len)
{
    ZydisDisassembledInstruction insn;
    if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, pc, code, avail < 15 ? avail : 15, &insn)))
        snprintf(buf, len, "%s", insn.text);
    else
        snprintf(buf, len, "(bad)");
}
