/*
 * nolibc.h — just enough of a C runtime for the syscall and loader tests to
 * run before (and independently of) glibc: raw system calls, the process
 * entry point, self-relocation for static-pie, and a small printf.  The
 * same program is run natively and under ue, so anything it prints must
 * be deterministic.
 *
 * Build: gcc -O1 -static (or -static-pie) -nostdlib -fno-stack-protector
 *        -mgeneral-regs-only -fno-builtin -Itests/syscalls prog.c
 * (-mgeneral-regs-only keeps the compiler from using SSE, so the tests do
 * not depend on which vector instructions ue implements.)
 *
 * A test defines `int main(int argc, char **argv, char **envp)`; the
 * entry point finds argc/argv/envp/auxv on the initial stack as the kernel
 * lays it out (System V x86-64 ABI, figure 3.9) and calls exit(main(...)).
 */
#ifndef NOLIBC_H
#define NOLIBC_H

#include <asm/unistd.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef long i64;
typedef unsigned long u64;

/* Helpers a given test may not use. */
#define NL_FN static __attribute__((unused))

/* ---- system calls: the kernel's ABI, -errno on failure ---- */
NL_FN inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define SYS0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SYS6(n, a, b, c, d, e, f) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

NL_FN __attribute__((noreturn)) void exit_group(int status)
{
    for (;;)
        SYS1(__NR_exit_group, status);
}

/* ---- memory and strings (the compiler may call these itself) ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
__attribute__((used)) void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d; /* volatile: not turned back into memset */
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}
__attribute__((used)) void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}
__attribute__((used)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}
__attribute__((used)) size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
NL_FN int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
NL_FN int startswith(const char *s, const char *p)
{
    while (*p)
        if (*s++ != *p++)
            return 0;
    return 1;
}

/* ---- output: buffered stdout, flushed at exit and by flush() ---- */
static char out_buf[8192];
static size_t out_len;
NL_FN void flush(void)
{
    size_t done = 0;
    while (done < out_len) {
        long n = SYS3(__NR_write, 1, out_buf + done, out_len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    out_len = 0;
}
NL_FN void putch(char c)
{
    if (out_len == sizeof out_buf)
        flush();
    out_buf[out_len++] = c;
}
NL_FN void putstr(const char *s)
{
    while (*s)
        putch(*s++);
}
NL_FN void putnum(unsigned long v, unsigned base, int neg, int width, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    while (width-- > n)
        putch(pad);
    while (n)
        putch(tmp[--n]);
}
/* printf subset: %d %i %u %x %o %s %c %p %%, with l/z modifiers and a
 * width with optional 0. */
NL_FN void pr(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putch(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0, lng = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z')
            lng = 1, fmt++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            putnum(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u': putnum(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width, pad); break;
        case 'x': putnum(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width, pad); break;
        case 'o': putnum(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 8, 0, width, pad); break;
        case 'p': putstr("0x"); putnum((unsigned long)va_arg(ap, void *), 16, 0, width, pad); break;
        case 's': putstr(va_arg(ap, const char *)); break;
        case 'c': putch((char)va_arg(ap, int)); break;
        case '%': putch('%'); break;
        default: putch('?'); break;
        }
    }
    va_end(ap);
}

/* The name of an errno value, for printing results deterministically. */
NL_FN const char *errname(long e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EXDEV: return "EXDEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case E2BIG: return "E2BIG";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case EOVERFLOW: return "EOVERFLOW";
    default: return "E?";
    }
}
/* Print "what = value" or "what = -1 ENAME". */
NL_FN long show(const char *what, long r)
{
    if (r < 0 && r > -4096)
        pr("%s = -1 %s\n", what, errname(-r));
    else
        pr("%s = %ld\n", what, r);
    return r;
}
/* Print "what: ok" or "what: FAILED" for a boolean check. */
NL_FN int check(const char *what, int ok)
{
    pr("%s: %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

/* ---- entry ---- */
int main(int argc, char **argv, char **envp);
u64 *nolibc_auxv;
u64 nolibc_entry_sp; /* RSP as the kernel (or ue) handed it over */

NL_FN u64 getauxval(u64 key)
{
    for (u64 *a = nolibc_auxv; a[0] != AT_NULL; a += 2)
        if (a[0] == key)
            return a[1];
    return 0;
}

/* static-pie: apply our own R_X86_64_RELATIVE relocations (nothing else is
 * needed by these programs).  __ehdr_start is where the image was put; the
 * dynamic section is found through PT_DYNAMIC, not through a symbol, which
 * would itself need relocating. */
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
NL_FN void self_relocate(void)
{
    const Elf64_Ehdr *eh = &__ehdr_start;
    u64 base = (u64)eh, rela = 0, relasz = 0;
    if (eh->e_type != ET_DYN)
        return;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    Elf64_Dyn *dyn = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (Elf64_Dyn *)(base + ph[i].p_vaddr);
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_RELA)
            rela = dyn->d_un.d_ptr;
        else if (dyn->d_tag == DT_RELASZ)
            relasz = dyn->d_un.d_val;
    }
    for (Elf64_Rela *r = (Elf64_Rela *)(base + rela); relasz >= sizeof *r; r++, relasz -= sizeof *r)
        if (ELF64_R_TYPE(r->r_info) == R_X86_64_RELATIVE)
            *(u64 *)(base + r->r_offset) = base + (u64)r->r_addend;
}

__attribute__((used, noreturn)) void nolibc_start_c(u64 *sp)
{
    self_relocate();
    nolibc_entry_sp = (u64)sp;
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **e = envp;
    while (*e)
        e++;
    nolibc_auxv = (u64 *)(e + 1);
    int st = main(argc, argv, envp);
    flush();
    exit_group(st);
}

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call nolibc_start_c\n"
        "    hlt\n");

#endif
