/*
 * tinyjit.c — a tiny JIT compiler as a guest: Brainfuck programs compiled
 * to x86-64 machine code in one buffer, run, and the next program compiled
 * over the last.  Every program's output is printed, and tests/progs
 * compares it with a native run: a stale translation of the buffer shows
 * as wrong output.  The buffer is RWX for even programs and W^X (written
 * RW, run RX) for odd ones.
 *
 * Code: r12 is the tape pointer; '.' calls out(byte); loops compare the
 * cell with zero at both ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

enum { CODE_SIZE = 1 << 16, TAPE = 30000 };

static unsigned char *code;
static size_t len;
static unsigned long checksum;

static void out(int c)
{
    putchar(c);
    checksum = checksum * 131 + (unsigned char)c;
}

static void emit(const void *bytes, size_t n)
{
    memcpy(code + len, bytes, n);
    len += n;
}

static void emit_rel32(size_t at, size_t target)
{
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(code + at, &rel, 4);
}

/* Compile prog into code; false if its loops do not balance. */
static int compile(const char *prog)
{
    size_t stack[64];
    int depth = 0;
    len = 0;
    emit("\x41\x54\x49\x89\xfc", 5); /* push r12; mov r12, rdi */
    for (const char *p = prog; *p; p++) {
        int n = 1;
        switch (*p) {
        case '>':
        case '<':
        case '+':
        case '-':
            while (p[1] == *p && n < 127)
                p++, n++;
            if (*p == '>')
                emit("\x49\x83\xc4", 3); /* add r12, n */
            else if (*p == '<')
                emit("\x49\x83\xec", 3); /* sub r12, n */
            else if (*p == '+')
                emit("\x41\x80\x04\x24", 4); /* add byte [r12], n */
            else
                emit("\x41\x80\x2c\x24", 4); /* sub byte [r12], n */
            code[len++] = (unsigned char)n;
            break;
        case '.': {
            uint64_t fn = (uint64_t)(uintptr_t)out;
            emit("\x41\x0f\xb6\x3c\x24\x48\xb8", 7); /* movzx edi, byte [r12]; mov rax, imm64 */
            emit(&fn, 8);
            emit("\xff\xd0", 2); /* call rax */
            break;
        }
        case '[':
            if (depth == 64)
                return 0;
            emit("\x41\x80\x3c\x24\x00\x0f\x84", 7); /* cmp byte [r12], 0; je rel32 */
            stack[depth++] = len;
            len += 4;
            break;
        case ']': {
            if (depth == 0)
                return 0;
            size_t open = stack[--depth];
            emit("\x41\x80\x3c\x24\x00\x0f\x85", 7); /* cmp byte [r12], 0; jne rel32 */
            emit_rel32(len, open + 4);
            len += 4;
            emit_rel32(open, len);
            break;
        }
        default:
            break;
        }
    }
    emit("\x41\x5c\xc3", 3); /* pop r12; ret */
    return depth == 0;
}

static void run(int i, const char *prog)
{
    static unsigned char tape[TAPE];
    int wx = i % 2;
    mprotect(code, CODE_SIZE, PROT_READ | PROT_WRITE | (wx ? 0 : PROT_EXEC));
    if (!compile(prog)) {
        printf("program %d: unbalanced\n", i);
        return;
    }
    if (wx)
        mprotect(code, CODE_SIZE, PROT_READ | PROT_EXEC);
    memset(tape, 0, sizeof tape);
    checksum = 0;
    ((void (*)(unsigned char *))code)(tape + TAPE / 2);
    printf("\nprogram %d: %zu bytes of code, checksum %lu\n", i, len, checksum);
}

/* A loop-free program from a 31-bit LCG: terminates, and small changes of
 * the source change the code in place. */
static void random_program(unsigned *x, char *buf, size_t cap)
{
    static const char ops[] = "+++---><.";
    size_t n = 20 + (*x >> 8) % (cap - 21);
    for (size_t i = 0; i < n; i++) {
        *x = (*x * 1103515245u + 12345u) & 0x7fffffffu;
        buf[i] = ops[(*x >> 16) % (sizeof ops - 1)];
    }
    buf[n] = 0;
}

int main(void)
{
    code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    static const char *fixed[] = {
        /* hello world */
        "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++.",
        /* the digits 0-9, then 9-0 */
        "++++++++[>++++++<-]++++++++++[>.+<-]>-<++++++++++[>.-<-]++++++++++.",
        /* nested loops: 6 * 8 * 2 + 1 ('a') 30 times */
        "++++++[>++++++++[>++<-]<-]>>+<<+++++[>++++++<-]>[>.<-]++++++++++.",
    };
    int i = 0;
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        run(i++, fixed[k]);
    unsigned x = 2026;
    char buf[400];
    for (int k = 0; k < 200; k++) {
        random_program(&x, buf, sizeof buf);
        run(i++, buf);
    }
    return 0;
}
