# ue — one non-recursive GNU make.
#
#   make            build/ue (release: -O2 -g, PIE)
#   make MODE=dbg   build/dbg/ue with assertions on the IR (-O0)
#   make check      every test; the last line is "N passed, N failed"
#   make tests      only build what the suites run (unit tests, tests/progs)
#   make bench      the benchmarks (bench/run; BENCH_REPS, BENCH_ONLY... or
#                   BENCH_ARGS="--reps 3 --record"; bench/run --help)
#   make fuzz-elf   fuzz the ELF loader for FUZZ_SECONDS (default 60)
#   make fuzz-decode  fuzz decode/lift/verify/JIT-compile/interpret likewise
#
# Objects go to build/$(MODE)/; build/ue is the release binary.

MODE ?= rel
B := build/$(MODE)

CC ?= gcc
CFLAGS_COMMON := -std=gnu11 -D_GNU_SOURCE -g -fPIE -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Isrc -Iinclude -MMD -MP -mcx16
ifeq ($(MODE),rel)
CFLAGS_MODE := -O2
else ifeq ($(MODE),dbg)
CFLAGS_MODE := -O0 -DUE_DEBUG
else ifeq ($(MODE),asan)
CFLAGS_MODE := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -DUE_DEBUG
LDFLAGS_MODE := -fsanitize=address,undefined
endif
CFLAGS += $(CFLAGS_COMMON) $(CFLAGS_MODE)
LDFLAGS += -pie $(LDFLAGS_MODE)
# -ldw -lelf: elfutils (DWARF lines, inlined frames, CFI); -liberty: the
# C++ demangler c++filt uses (src/debug/symbolize.c says why).
LDLIBS := -lZydis -ldw -lelf -liberty -lpthread

SRC_CORE := $(wildcard src/base/*.c src/ir/*.c src/arch/x86/*.c src/jit/*.c src/mem/*.c src/exec/*.c src/debug/*.c src/os/linux/*.c src/tool/*.c src/tool/*/*.c)
OBJ_CORE := $(SRC_CORE:%.c=$(B)/%.o)
OBJ_MAIN := $(B)/src/main.o

UE := $(if $(filter rel,$(MODE)),build/ue,$(B)/ue)

.PHONY: all check bench clean tests fuzz-elf fuzz-decode isa-coverage diff-long
all: $(UE)

# Linked beside and renamed, so a running ue (a test) never sees a half-written file.
$(UE): $(OBJ_CORE) $(OBJ_MAIN)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@.tmp $^ $(LDLIBS) && mv -f $@.tmp $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Floating-point helpers must honour the guest's rounding mode at run time.
$(B)/src/arch/x86/sse_%.o $(B)/src/arch/x86/x87_%.o: CFLAGS += -frounding-math -fsignaling-nans

-include $(wildcard $(B)/src/*.d $(B)/src/*/*.d $(B)/src/*/*/*.d)

# ---- tests (tests/unit, tests/progs): built here, run by tests/run_all.sh ----
# Unit tests link against ue's own objects (an archive, so a test pulls in
# only the layers it uses); one binary per tests/unit/<layer>/*_test.c.
LIB_CORE := $(B)/libue.a
UNIT_SRC := $(wildcard tests/unit/*/*_test.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)
# Native programs the real-program suite runs natively and under ue.
PROGS_BIN := build/tests/progs/cxx_exceptions build/tests/progs/longdouble build/tests/progs/selfmod \
             build/tests/progs/tinyjit

$(LIB_CORE): $(OBJ_CORE)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/tests/unit/%.o: CFLAGS += -Itests/unit -Wno-missing-prototypes
$(UNIT_BIN): $(B)/%: $(B)/%.o $(LIB_CORE)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_CORE) $(LDLIBS)

build/tests/progs/cxx_exceptions: tests/progs/cxx_exceptions.cc
	@mkdir -p $(dir $@)
	$(CXX) -O2 -g -o $@ $<
build/tests/progs/longdouble: tests/progs/longdouble.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -o $@ $< -lm
build/tests/progs/selfmod: tests/progs/selfmod.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -o $@ $< -lpthread
build/tests/progs/tinyjit: tests/progs/tinyjit.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -o $@ $<

-include $(wildcard $(B)/tests/unit/*/*.d)

# ---- differential tests (tests/diff): the host CPU is the oracle ----
#   make isa-coverage   forms implemented / tested / mismatched, per family
#   make diff-long      >= 10 million random cases (DIFF_LONG_CASES per form,
#                       DIFF_LONG_PAIRS per pair kind, DIFF_LONG_SEQS sequences;
#                       DIFF_SEED, default: the time)
DIFF_SRC := $(wildcard tests/diff/*.c)
DIFF_OBJ := $(DIFF_SRC:%.c=$(B)/%.o) $(B)/tests/diff/native.o
DIFFCPU := $(B)/tests/diff/diffcpu
DIFF_LONG_CASES ?= 4500
DIFF_LONG_PAIRS ?= 100000
DIFF_LONG_SEQS ?= 500000

$(B)/tests/diff/native.o: tests/diff/native.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<
$(DIFFCPU): $(DIFF_OBJ) $(LIB_CORE)
	$(CC) $(LDFLAGS) -o $@ $(DIFF_OBJ) $(LIB_CORE) $(LDLIBS) -lm
# decheck: ue's decoder and lifter against Zydis on real binaries
DECHECK := $(B)/tests/diff/decheck/decheck
$(DECHECK): $(B)/tests/diff/decheck/decheck.o $(LIB_CORE)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_CORE) $(LDLIBS) -lm
-include $(wildcard $(B)/tests/diff/*.d $(B)/tests/diff/decheck/*.d)

isa-coverage: $(DIFFCPU)
	@$(DIFFCPU) --coverage --cases 50
diff-long: $(DIFFCPU)
	$(DIFFCPU) --cases $(DIFF_LONG_CASES) --pairs $(DIFF_LONG_PAIRS) --seqs $(DIFF_LONG_SEQS) \
		--seed $${DIFF_SEED:-$$(date +%s)} --quiet --show 3

tests: $(UNIT_BIN) $(PROGS_BIN) $(DIFFCPU) $(DECHECK)

check: $(UE) tests
	@UE_BUILD_DIR=$(B) tests/run_all.sh $(UE)

bench: $(UE)
	@bench/run $(BENCH_ARGS)

# ---- fuzzing (fuzz/): libFuzzer targets, bounded in time for CI ----
#   make fuzz-elf FUZZ_SECONDS=60
# ASan's shadow lies where most of ue's guest window G normally is, so the
# fuzz build shrinks G to ASan's low 2 GiB (src/mem/mem.h allows it).
# Seeds: tests/elf/hello.S linked static, static-pie and as a PIE with
# PT_INTERP.  Inputs that once crashed are kept in fuzz/regress/elf/ and
# replayed before fuzzing; new crashes land in build/fuzz/ (crash-*), to be
# copied there once fixed.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Isrc -Iinclude -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -DMEM_G_START=0x10000ull -DMEM_G_END=0x7fff0000ull
FUZZ_ELF_SRC := fuzz/fuzz_elf.c src/os/linux/elf.c src/mem/space.c src/mem/smc.c src/base/base.c
FUZZ_SEED_ELF := build/fuzz/seed-elf

build/fuzz/fuzz_elf: $(FUZZ_ELF_SRC) $(wildcard src/*/*.h src/os/linux/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_ELF_SRC) -lpthread

# fuzz-decode: random bytes as guest code through decode, translate,
# ir_verify, the JIT compiler and the interpreter (fuzz/fuzz_decode.c).
# The interpreter is built without ASan: its guest accesses must stay
# inline in its guest-access section (ASan turns them into memcpy calls).
FUZZ_DECODE_SRC := fuzz/fuzz_decode.c $(filter-out src/ir/interp.c,$(wildcard src/base/*.c src/ir/*.c src/arch/x86/*.c src/jit/*.c))
build/fuzz/interp.o: src/ir/interp.c $(wildcard src/ir/*.h src/ir/*.def src/base/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -fsanitize=%,$(FUZZ_CFLAGS)) -fsanitize=fuzzer-no-link,undefined -fno-sanitize=nonnull-attribute -mcx16 -c -o $@ $<
build/fuzz/fuzz_decode: $(FUZZ_DECODE_SRC) build/fuzz/interp.o $(wildcard src/*/*.h src/arch/x86/*.h src/arch/x86/*.def src/arch/x86/*.inc)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize=nonnull-attribute -mcx16 -o $@ $(FUZZ_DECODE_SRC) build/fuzz/interp.o \
		-lZydis -lpthread -lm

fuzz-decode: build/fuzz/fuzz_decode
	@mkdir -p build/fuzz/corpus-decode
	$(if $(wildcard fuzz/regress/decode/*),build/fuzz/fuzz_decode $(wildcard fuzz/regress/decode/*))
	build/fuzz/fuzz_decode -max_total_time=$(FUZZ_SECONDS) -max_len=256 -artifact_prefix=build/fuzz/ \
		build/fuzz/corpus-decode

fuzz-elf: build/fuzz/fuzz_elf
	@mkdir -p build/fuzz/corpus-elf $(FUZZ_SEED_ELF)
	gcc -nostdlib -static -Wl,-z,noseparate-code -o $(FUZZ_SEED_ELF)/static tests/elf/hello.S
	gcc -nostdlib -static-pie -Wl,-z,noseparate-code -o $(FUZZ_SEED_ELF)/static-pie tests/elf/hello.S
	gcc -nostdlib -pie -Wl,-z,noseparate-code -o $(FUZZ_SEED_ELF)/pie tests/elf/hello.S
	$(if $(wildcard fuzz/regress/elf/*),build/fuzz/fuzz_elf $(wildcard fuzz/regress/elf/*))
	build/fuzz/fuzz_elf -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -artifact_prefix=build/fuzz/ \
		build/fuzz/corpus-elf $(FUZZ_SEED_ELF)

clean:
	rm -rf build
