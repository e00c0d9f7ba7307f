/*
 * rows_int.c — the general-purpose integer instructions the differential
 * tester runs (tests/diff/diff.h): one row per SDM opcode form.  A row says
 * how to encode the form (map, opcode, ModRM.reg extension, layout, sizes,
 * immediate), which inputs need shaping so the native run stays inside the
 * test buffers, and which results the SDM calls undefined.  What the
 * instruction computes is never written here: the host CPU decides.
 *
 * Left out on purpose (native execution would leave the sandbox or the host
 * does something ue does not model by design): SYSCALL, INT 0x80, CPUID
 * (synthesised), IRET/RETF and the segment loads (MOV Sw, POP FS/GS),
 * Grp6/Grp7 descriptor-table reads (SLDT/SGDT...: legal on a host without
 * UMIP).  `make isa-coverage` lists every implemented form not covered.
 */
#include "diff.h"

#define ROW(fam, form, map, opc, ext, ly, sz, imm, pfx, ud, sh, fl) \
    {fam, form, map, opc, ext, ly, sz, imm, pfx, ud, sh, fl}

/* The eight classic ALU ops: ADD OR ADC SBB AND SUB XOR CMP. */
#define ALU(fam, op, ud, lk)                                                                      \
    ROW(fam, "Eb,Gb", 0, 8 * op + 0, 0, LY_EG, SZ_B, IMM_NONE, 0, ud, SH_NONE, lk | RF_BYTEPFX),   \
    ROW(fam, "Ev,Gv", 0, 8 * op + 1, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, ud, SH_NONE, lk),               \
    ROW(fam, "Gb,Eb", 0, 8 * op + 2, 0, LY_EG, SZ_B, IMM_NONE, 0, ud, SH_NONE, RF_BYTEPFX),         \
    ROW(fam, "Gv,Ev", 0, 8 * op + 3, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, ud, SH_NONE, 0),                \
    ROW(fam, "AL,Ib", 0, 8 * op + 4, 0, LY_NONE, SZ_B, IMM_B, 0, ud, SH_NONE, RF_BYTEPFX),          \
    ROW(fam, "rAX,Iz", 0, 8 * op + 5, 0, LY_NONE, SZ_WDQ, IMM_Z, 0, ud, SH_NONE, 0),                \
    ROW(fam, "Eb,Ib", 0, 0x80, op, LY_E, SZ_B, IMM_B, 0, ud, SH_NONE, lk | RF_BYTEPFX),             \
    ROW(fam, "Ev,Iz", 0, 0x81, op, LY_E, SZ_WDQ, IMM_Z, 0, ud, SH_NONE, lk),                        \
    ROW(fam, "Ev,Ib", 0, 0x83, op, LY_E, SZ_WDQ, IMM_B, 0, ud, SH_NONE, lk)

/* Grp2 shifts and rotates: by 1, by CL, by Ib. */
#define SHIFT(fam, ext, ud)                                                                       \
    ROW(fam, "Eb,1", 0, 0xd0, ext, LY_E, SZ_B, IMM_NONE, 0, ud, SH_NONE, RF_BYTEPFX),              \
    ROW(fam, "Ev,1", 0, 0xd1, ext, LY_E, SZ_WDQ, IMM_NONE, 0, ud, SH_NONE, 0),                     \
    ROW(fam, "Eb,CL", 0, 0xd2, ext, LY_E, SZ_B, IMM_NONE, 0, ud, SH_COUNT, RF_BYTEPFX),            \
    ROW(fam, "Ev,CL", 0, 0xd3, ext, LY_E, SZ_WDQ, IMM_NONE, 0, ud, SH_COUNT, 0),                   \
    ROW(fam, "Eb,Ib", 0, 0xc0, ext, LY_E, SZ_B, IMM_B, 0, ud, SH_NONE, RF_BYTEPFX),                \
    ROW(fam, "Ev,Ib", 0, 0xc1, ext, LY_E, SZ_WDQ, IMM_B, 0, ud, SH_NONE, 0)

/* Sixteen condition codes. */
#define CC16(M) M(0, "o") M(1, "no") M(2, "b") M(3, "ae") M(4, "e") M(5, "ne") M(6, "be") M(7, "a") \
    M(8, "s") M(9, "ns") M(10, "p") M(11, "np") M(12, "l") M(13, "ge") M(14, "le") M(15, "g")

#define SETCC(cc, name) ROW("setcc", "set" name " Eb", 1, 0x90 + cc, 0, LY_E, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
#define CMOVCC(cc, name) ROW("cmovcc", "cmov" name " Gv,Ev", 1, 0x40 + cc, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
#define JCC8(cc, name) ROW("jcc", "j" name " Jb", 0, 0x70 + cc, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_NONE, RF_F64 | RF_BRANCH),
#define JCC32(cc, name) ROW("jcc", "j" name " Jz", 1, 0x80 + cc, 0, LY_REL, SZ_Q, IMM_Z, 0, UD_NONE, SH_NONE, RF_F64 | RF_BRANCH),

#define STR(fam, opc) \
    ROW(fam, "b", 0, opc, 0, LY_NONE, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, RF_STRING | RF_ADDR32 | RF_BYTEPFX), \
    ROW(fam, "v", 0, opc + 1, 0, LY_NONE, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_STRING | RF_ADDR32)

#define L RF_LOCK
#define STK (RF_D64 | RF_STACK)

static const DiffRow rows[] = {
    ALU("add", 0, UD_NONE, L), ALU("or", 1, UD_AF, L), ALU("adc", 2, UD_NONE, L), ALU("sbb", 3, UD_NONE, L),
    ALU("and", 4, UD_AF, L), ALU("sub", 5, UD_NONE, L), ALU("xor", 6, UD_AF, L), ALU("cmp", 7, UD_NONE, 0),

    ROW("test", "Eb,Gb", 0, 0x84, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_AF, SH_NONE, RF_BYTEPFX),
    ROW("test", "Ev,Gv", 0, 0x85, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_AF, SH_NONE, 0),
    ROW("test", "AL,Ib", 0, 0xa8, 0, LY_NONE, SZ_B, IMM_B, 0, UD_AF, SH_NONE, RF_BYTEPFX),
    ROW("test", "rAX,Iz", 0, 0xa9, 0, LY_NONE, SZ_WDQ, IMM_Z, 0, UD_AF, SH_NONE, 0),
    ROW("test", "Eb,Ib", 0, 0xf6, 0, LY_E, SZ_B, IMM_B, 0, UD_AF, SH_NONE, RF_BYTEPFX),
    ROW("test", "Ev,Iz", 0, 0xf7, 0, LY_E, SZ_WDQ, IMM_Z, 0, UD_AF, SH_NONE, 0),
    ROW("test", "Eb,Ib (/1)", 0, 0xf6, 1, LY_E, SZ_B, IMM_B, 0, UD_AF, SH_NONE, 0),
    ROW("test", "Ev,Iz (/1)", 0, 0xf7, 1, LY_E, SZ_WDQ, IMM_Z, 0, UD_AF, SH_NONE, 0),

    ROW("inc", "Eb", 0, 0xfe, 0, LY_E, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("inc", "Ev", 0, 0xff, 0, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),
    ROW("dec", "Eb", 0, 0xfe, 1, LY_E, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("dec", "Ev", 0, 0xff, 1, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),
    ROW("not", "Eb", 0, 0xf6, 2, LY_E, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("not", "Ev", 0, 0xf7, 2, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),
    ROW("neg", "Eb", 0, 0xf6, 3, LY_E, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("neg", "Ev", 0, 0xf7, 3, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),

    ROW("mul", "Eb", 0, 0xf6, 4, LY_E, SZ_B, IMM_NONE, 0, UD_MUL, SH_NONE, RF_BYTEPFX),
    ROW("mul", "Ev", 0, 0xf7, 4, LY_E, SZ_WDQ, IMM_NONE, 0, UD_MUL, SH_NONE, 0),
    ROW("imul", "Eb", 0, 0xf6, 5, LY_E, SZ_B, IMM_NONE, 0, UD_MUL, SH_NONE, RF_BYTEPFX),
    ROW("imul", "Ev", 0, 0xf7, 5, LY_E, SZ_WDQ, IMM_NONE, 0, UD_MUL, SH_NONE, 0),
    ROW("imul", "Gv,Ev", 1, 0xaf, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_MUL, SH_NONE, 0),
    ROW("imul", "Gv,Ev,Iz", 0, 0x69, 0, LY_EG, SZ_WDQ, IMM_Z, 0, UD_MUL, SH_NONE, 0),
    ROW("imul", "Gv,Ev,Ib", 0, 0x6b, 0, LY_EG, SZ_WDQ, IMM_B, 0, UD_MUL, SH_NONE, 0),
    ROW("div", "Eb", 0, 0xf6, 6, LY_E, SZ_B, IMM_NONE, 0, UD_DIV, SH_DIV, RF_BYTEPFX),
    ROW("div", "Ev", 0, 0xf7, 6, LY_E, SZ_WDQ, IMM_NONE, 0, UD_DIV, SH_DIV, 0),
    ROW("idiv", "Eb", 0, 0xf6, 7, LY_E, SZ_B, IMM_NONE, 0, UD_DIV, SH_DIV, RF_BYTEPFX),
    ROW("idiv", "Ev", 0, 0xf7, 7, LY_E, SZ_WDQ, IMM_NONE, 0, UD_DIV, SH_DIV, 0),

    ROW("cbw", "cbw/cwde/cdqe", 0, 0x98, 0, LY_NONE, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("cwd", "cwd/cdq/cqo", 0, 0x99, 0, LY_NONE, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("clc", "", 0, 0xf8, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("stc", "", 0, 0xf9, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("cmc", "", 0, 0xf5, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("cld", "", 0, 0xfc, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("std", "", 0, 0xfd, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("sahf", "", 0, 0x9e, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("lahf", "", 0, 0x9f, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),

    SHIFT("rol", 0, UD_ROT), SHIFT("ror", 1, UD_ROT), SHIFT("rcl", 2, UD_ROT), SHIFT("rcr", 3, UD_ROT),
    SHIFT("shl", 4, UD_SHIFT), SHIFT("shr", 5, UD_SHIFT), SHIFT("sal", 6, UD_SHIFT), SHIFT("sar", 7, UD_SHIFT),
    ROW("shld", "Ev,Gv,Ib", 1, 0xa4, 0, LY_EG, SZ_WDQ, IMM_B, 0, UD_SHD, SH_NONE, 0),
    ROW("shld", "Ev,Gv,CL", 1, 0xa5, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_SHD, SH_COUNT, 0),
    ROW("shrd", "Ev,Gv,Ib", 1, 0xac, 0, LY_EG, SZ_WDQ, IMM_B, 0, UD_SHD, SH_NONE, 0),
    ROW("shrd", "Ev,Gv,CL", 1, 0xad, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_SHD, SH_COUNT, 0),

    ROW("bt", "Ev,Gv", 1, 0xa3, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BT, SH_BTOFF, 0),
    ROW("bts", "Ev,Gv", 1, 0xab, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BT, SH_BTOFF, L),
    ROW("btr", "Ev,Gv", 1, 0xb3, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BT, SH_BTOFF, L),
    ROW("btc", "Ev,Gv", 1, 0xbb, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BT, SH_BTOFF, L),
    ROW("bt", "Ev,Ib", 1, 0xba, 4, LY_E, SZ_WDQ, IMM_B, 0, UD_BT, SH_NONE, 0),
    ROW("bts", "Ev,Ib", 1, 0xba, 5, LY_E, SZ_WDQ, IMM_B, 0, UD_BT, SH_NONE, L),
    ROW("btr", "Ev,Ib", 1, 0xba, 6, LY_E, SZ_WDQ, IMM_B, 0, UD_BT, SH_NONE, L),
    ROW("btc", "Ev,Ib", 1, 0xba, 7, LY_E, SZ_WDQ, IMM_B, 0, UD_BT, SH_NONE, L),
    ROW("bsf", "Gv,Ev", 1, 0xbc, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BSX, SH_NONE, 0),
    ROW("bsr", "Gv,Ev", 1, 0xbd, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_BSX, SH_NONE, 0),
    ROW("tzcnt", "Gv,Ev", 1, 0xbc, 0, LY_EG, SZ_WDQ, IMM_NONE, 0xf3, UD_CNT, SH_NONE, 0),
    ROW("lzcnt", "Gv,Ev", 1, 0xbd, 0, LY_EG, SZ_WDQ, IMM_NONE, 0xf3, UD_CNT, SH_NONE, 0),
    ROW("popcnt", "Gv,Ev", 1, 0xb8, 0, LY_EG, SZ_WDQ, IMM_NONE, 0xf3, UD_NONE, SH_NONE, 0),
    ROW("bswap", "Zv", 1, 0xc8, 0, LY_Z, SZ_DQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("movbe", "Gv,Mv", 2, 0xf0, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM),
    ROW("movbe", "Mv,Gv", 2, 0xf1, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM),
    ROW("crc32", "Gd,Eb", 2, 0xf0, 0, LY_EG, SZ_B, IMM_NONE, 0xf2, UD_NONE, SH_NONE, RF_GD),
    ROW("crc32", "Gq,Eb", 2, 0xf0, 0, LY_EG, SZ_B, IMM_NONE, 0xf2, UD_NONE, SH_NONE, RF_GD | RF_REXW),
    ROW("crc32", "Gd,Ev", 2, 0xf1, 0, LY_EG, SZ_WDQ, IMM_NONE, 0xf2, UD_NONE, SH_NONE, RF_GD),

    CC16(SETCC) CC16(CMOVCC)

    ROW("movzx", "Gv,Eb", 1, 0xb6, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_EB),
    ROW("movzx", "Gv,Ew", 1, 0xb7, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_EW),
    ROW("movsx", "Gv,Eb", 1, 0xbe, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_EB),
    ROW("movsx", "Gv,Ew", 1, 0xbf, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_EW),
    ROW("movsxd", "Gv,Ed", 0, 0x63, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_NOEDGE),

    ROW("xchg", "Eb,Gb", 0, 0x86, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("xchg", "Ev,Gv", 0, 0x87, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),
    ROW("xchg", "rAX,Zv", 0, 0x90, 0, LY_Z, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("xadd", "Eb,Gb", 1, 0xc0, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, L | RF_BYTEPFX),
    ROW("xadd", "Ev,Gv", 1, 0xc1, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, L),
    ROW("cmpxchg", "Eb,Gb", 1, 0xb0, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_NONE, SH_CMPXCHG, L | RF_BYTEPFX),
    ROW("cmpxchg", "Ev,Gv", 1, 0xb1, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_CMPXCHG, L),
    ROW("cmpxchg8b", "Mq / cmpxchg16b Mdq", 1, 0xc7, 1, LY_E, SZ_DQ, IMM_NONE, 0, UD_NONE, SH_CMPXCHG8,
        L | RF_MEM | RF_M16),

    ROW("mov", "Eb,Gb", 0, 0x88, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "Ev,Gv", 0, 0x89, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Gb,Eb", 0, 0x8a, 0, LY_EG, SZ_B, IMM_NONE, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "Gv,Ev", 0, 0x8b, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Eb,Ib", 0, 0xc6, 0, LY_E, SZ_B, IMM_B, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "Ev,Iz", 0, 0xc7, 0, LY_E, SZ_WDQ, IMM_Z, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Zb,Ib", 0, 0xb0, 0, LY_Z, SZ_B, IMM_B, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "Zv,Iv", 0, 0xb8, 0, LY_Z, SZ_WDQ, IMM_V, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "AL,Ob", 0, 0xa0, 0, LY_NONE, SZ_B, IMM_MOFFS, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "rAX,Ov", 0, 0xa1, 0, LY_NONE, SZ_WDQ, IMM_MOFFS, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ob,AL", 0, 0xa2, 0, LY_NONE, SZ_B, IMM_MOFFS, 0, UD_NONE, SH_NONE, RF_BYTEPFX),
    ROW("mov", "Ov,rAX", 0, 0xa3, 0, LY_NONE, SZ_WDQ, IMM_MOFFS, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,ES", 0, 0x8c, 0, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,CS", 0, 0x8c, 1, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,SS", 0, 0x8c, 2, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,DS", 0, 0x8c, 3, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,FS", 0, 0x8c, 4, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("mov", "Ev,GS", 0, 0x8c, 5, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("lea", "Gv,M", 0, 0x8d, 0, LY_EG, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM | RF_NOACCESS),
    ROW("movnti", "My,Gy", 1, 0xc3, 0, LY_EG, SZ_DQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM),
    ROW("xlat", "", 0, 0xd7, 0, LY_NONE, SZ_B, IMM_NONE, 0, UD_NONE, SH_XLAT, RF_ADDR32 | RF_BYTEPFX),

    ROW("push", "Zv", 0, 0x50, 0, LY_Z, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_NONE, STK),
    ROW("pop", "Zv", 0, 0x58, 0, LY_Z, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_NONE, STK),
    ROW("push", "Iz", 0, 0x68, 0, LY_NONE, SZ_WQ, IMM_Z, 0, UD_NONE, SH_NONE, STK),
    ROW("push", "Ib", 0, 0x6a, 0, LY_NONE, SZ_WQ, IMM_B, 0, UD_NONE, SH_NONE, STK),
    ROW("push", "Ev", 0, 0xff, 6, LY_E, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_NONE, STK),
    ROW("pop", "Ev", 0, 0x8f, 0, LY_E, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_NONE, STK),
    ROW("pushf", "", 0, 0x9c, 0, LY_NONE, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_NONE, STK),
    ROW("popf", "", 0, 0x9d, 0, LY_NONE, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_POPF, STK),
    ROW("enter", "Iw,Ib", 0, 0xc8, 0, LY_NONE, SZ_WQ, IMM_ENTER, 0, UD_NONE, SH_ENTER, STK),
    ROW("leave", "", 0, 0xc9, 0, LY_NONE, SZ_WQ, IMM_NONE, 0, UD_NONE, SH_LEAVE, RF_D64),

    CC16(JCC8) CC16(JCC32)
    ROW("jmp", "Jb", 0, 0xeb, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_NONE, RF_F64 | RF_BRANCH),
    ROW("jmp", "Jz", 0, 0xe9, 0, LY_REL, SZ_Q, IMM_Z, 0, UD_NONE, SH_NONE, RF_F64 | RF_BRANCH),
    ROW("jmp", "Ev", 0, 0xff, 4, LY_E, SZ_Q, IMM_NONE, 0, UD_NONE, SH_TARGET, RF_F64 | RF_BRANCH),
    ROW("call", "Jz", 0, 0xe8, 0, LY_REL, SZ_Q, IMM_Z, 0, UD_NONE, SH_NONE, RF_F64 | RF_BRANCH | RF_STACK),
    ROW("call", "Ev", 0, 0xff, 2, LY_E, SZ_Q, IMM_NONE, 0, UD_NONE, SH_TARGET, RF_F64 | RF_BRANCH | RF_STACK),
    ROW("ret", "", 0, 0xc3, 0, LY_NONE, SZ_Q, IMM_NONE, 0, UD_NONE, SH_RET, RF_F64 | RF_BRANCH | RF_STACK),
    ROW("ret", "Iw", 0, 0xc2, 0, LY_NONE, SZ_Q, IMM_W, 0, UD_NONE, SH_RET, RF_F64 | RF_BRANCH | RF_STACK),
    ROW("loop", "loopne Jb", 0, 0xe0, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_LOOP, RF_F64 | RF_BRANCH | RF_ADDR32),
    ROW("loop", "loope Jb", 0, 0xe1, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_LOOP, RF_F64 | RF_BRANCH | RF_ADDR32),
    ROW("loop", "loop Jb", 0, 0xe2, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_LOOP, RF_F64 | RF_BRANCH | RF_ADDR32),
    ROW("jrcxz", "Jb", 0, 0xe3, 0, LY_REL, SZ_Q, IMM_B, 0, UD_NONE, SH_LOOP, RF_F64 | RF_BRANCH | RF_ADDR32),

    STR("movs", 0xa4), STR("cmps", 0xa6), STR("stos", 0xaa), STR("lods", 0xac), STR("scas", 0xae),

    ROW("nop", "Ev", 1, 0x1f, 0, LY_E, SZ_WDQ, IMM_NONE, 0, UD_NONE, SH_NONE, RF_NOACCESS),
    ROW("nop", "0F 19 Ev", 1, 0x19, 0, LY_EG, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_NOACCESS),
    ROW("nop", "0F 1E Ev", 1, 0x1e, 0, LY_EG, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_NOACCESS),
    ROW("nop", "F3 0F 1E (endbr)", 1, 0x1e, 7, LY_E, SZ_D, IMM_NONE, 0xf3, UD_NONE, SH_NONE, RF_REG),
    ROW("nop", "pause", 0, 0x90, 0, LY_NONE, SZ_D, IMM_NONE, 0xf3, UD_NONE, SH_NONE, 0),
    ROW("prefetch", "prefetchnta M", 1, 0x18, 0, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM | RF_NOACCESS),
    ROW("prefetch", "prefetcht0 M", 1, 0x18, 1, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM | RF_NOACCESS),
    ROW("prefetch", "prefetchw M", 1, 0x0d, 1, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM | RF_NOACCESS),
    ROW("fence", "lfence", 1, 0xae, 5, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG),
    ROW("fence", "mfence", 1, 0xae, 6, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG),
    ROW("fence", "sfence", 1, 0xae, 7, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG),
    ROW("fence", "clflush M", 1, 0xae, 7, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM),
    ROW("fwait", "", 0, 0x9b, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),

    ROW("int3", "", 0, 0xcc, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("int", "Ib", 0, 0xcd, 0, LY_NONE, SZ_D, IMM_B, 0, UD_NONE, SH_INTN, 0),
    ROW("ud", "ud2", 1, 0x0b, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "hlt", 0, 0xf4, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "cli", 0, 0xfa, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "sti", 0, 0xfb, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "in AL,Ib", 0, 0xe4, 0, LY_NONE, SZ_D, IMM_B, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "out Ib,eAX", 0, 0xe7, 0, LY_NONE, SZ_D, IMM_B, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "in eAX,DX", 0, 0xed, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "outsb", 0, 0x6e, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "clts", 1, 0x06, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "wbinvd", 1, 0x09, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "wrmsr", 1, 0x30, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "rdmsr", 1, 0x32, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "lldt Ew", 1, 0x00, 2, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "ltr Ew", 1, 0x00, 3, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "0f 00 /6 (jmpe: #UD)", 1, 0x00, 6, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "0f 00 /7 (#UD)", 1, 0x00, 7, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0),
    ROW("priv", "mov r,CRn", 1, 0x20, 0, LY_EG, SZ_Q, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG | RF_F64),
    ROW("priv", "mov r,DRn", 1, 0x21, 0, LY_EG, SZ_Q, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG | RF_F64),
    ROW("priv", "mov CRn,r", 1, 0x22, 0, LY_EG, SZ_Q, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG | RF_F64),
    ROW("priv", "mov DRn,r", 1, 0x23, 0, LY_EG, SZ_Q, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG | RF_F64),
    ROW("rdtsc", "rdtsc", 1, 0x31, 0, LY_NONE, SZ_D, IMM_NONE, 0, UD_RDTSC, SH_NONE, 0),
    ROW("rdtsc", "rdtscp", 1, 0x01, 0xf9, LY_FIXED, SZ_D, IMM_NONE, 0, UD_RDTSC, SH_NONE, 0),
};

const DiffTable diff_table_int = {"int", rows, UE_ARRAY_LEN(rows)};
