# sse_regs.S — register encodings of SSE/MMX forms: XMM8..15 through REX.R
# and REX.B, MMX ModRM fields with REX present (REX.R/B are ignored for MM
# registers), REX.W forms (PEXTRQ, MOVQ r64), the 0F 3A 15 register form of
# PEXTRW.  The results are folded into one checksum printed as the exit
# status and 16 bytes written to stdout.
.globl _start
_start:
    lea data(%rip), %r13
    movdqu (%r13), %xmm9
    movdqu 16(%r13), %xmm12
    paddb %xmm12, %xmm9             # REX.R + REX.B
    pshufd $0x4e, 16(%r13), %xmm15  # REX.R, memory
    pxor %xmm15, %xmm9
    movdqa %xmm9, %xmm2             # REX.B source, low destination
    punpckhbw %xmm12, %xmm2
    pmaddwd %xmm9, %xmm2
    movq (%r13), %mm1
    movq 8(%r13), %mm2
    .byte 0x41, 0x0f, 0xfc, 0xca    # paddb %mm2, %mm1 with a REX.B that means nothing
    .byte 0x44, 0x0f, 0xef, 0xca    # pxor %mm2, %mm1 with REX.R
    movq %mm1, %rax
    emms
    pextrq $1, %xmm2, %rbx
    .byte 0x66, 0x0f, 0x3a, 0x15, 0xd1, 0x05   # pextrw $5, %xmm2, %ecx (0F 3A 15 register form)
    .byte 0x66, 0x48, 0x0f, 0xd7, 0xd1         # pmovmskb %xmm1, %rdx (REX.W)
    movmskps %xmm12, %esi
    movd %xmm2, %r8d
    xor %rax, %rbx
    add %rcx, %rbx
    add %rdx, %rbx
    add %rsi, %rbx
    add %r8, %rbx
    movq %rbx, %xmm3
    pinsrq $1, %rax, %xmm3
    movdqu %xmm3, out(%rip)
    mov $1, %eax                    # write(1, out, 16)
    mov $1, %edi
    lea out(%rip), %rsi
    mov $16, %edx
    syscall
    mov %ebx, %edi
    xor %di, %bx
    mov $60, %eax
    syscall
.data
.balign 16
data: .byte 0x01, 0x82, 0xff, 0x7f, 0x10, 0x20, 0x80, 0x90, 0xa5, 0x5a, 0x00, 0x33, 0xcc, 0xfe, 0x02, 0x44
      .byte 0x9c, 0x11, 0x70, 0x07, 0xe0, 0x3e, 0x81, 0x18, 0x66, 0x99, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56
out:  .quad 0, 0
