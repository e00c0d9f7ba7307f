# sse_idioms.S — register idioms whose result does not depend on the old
# register value (ue lifts them as constants): PCMPEQx x,x = all ones;
# PSUBx x,x, PCMPGTx x,x, PXOR x,x, XORPS x,x, ANDNPS x,x = 0.  Each starts
# from a non-trivial value; the exit status sums their sign masks, so any
# wrong result changes it.
.globl _start
_start:
    mov $0x80c1, %eax
    movd %eax, %xmm1
    pshufd $0, %xmm1, %xmm1         # xmm1 = 0000_80c1 x4: some bytes negative
    xor %edi, %edi
    movdqa %xmm1, %xmm2
    pcmpeqd %xmm2, %xmm2            # all ones
    pmovmskb %xmm2, %eax
    shr $8, %eax                    # 0xff
    add %eax, %edi
    .irp insn, psubb, psubw, psubd, psubq, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, pxor, xorps, xorpd, andnps, andnpd, pandn
    movdqa %xmm1, %xmm3
    \insn %xmm3, %xmm3              # 0
    pcmpeqb %xmm1, %xmm3            # 0 == xmm1's bytes: the zero bytes of xmm1
    pmovmskb %xmm3, %eax
    add %eax, %edi                  # 0xcccc each time (bytes 2, 3 of each dword)
    .endr
    movdqa %xmm1, %xmm4
    pcmpeqb %xmm4, %xmm4
    pcmpeqw %xmm1, %xmm1
    pxor %xmm4, %xmm1               # ones ^ ones = 0
    pmovmskb %xmm1, %eax
    add %eax, %edi
    mov $60, %eax
    syscall
