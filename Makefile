# ue — one non-recursive GNU make.
#
#   make            build/ue (release: -O2 -g, PIE)
#   make MODE=dbg   build/dbg/ue with assertions on the IR (-O0)
#   make check      every test; the last line is "N passed, N failed"
#   make bench      the benchmarks (bench/run)
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
LDLIBS := -lZydis -lpthread

SRC_CORE := $(wildcard src/base/*.c src/ir/*.c src/arch/x86/*.c src/mem/*.c src/exec/*.c src/os/linux/*.c)
OBJ_CORE := $(SRC_CORE:%.c=$(B)/%.o)
OBJ_MAIN := $(B)/src/main.o

UE := $(if $(filter rel,$(MODE)),build/ue,$(B)/ue)

.PHONY: all check bench clean
all: $(UE)

$(UE): $(OBJ_CORE) $(OBJ_MAIN)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Floating-point helpers must honour the guest's rounding mode at run time.
$(B)/src/arch/x86/sse_%.o $(B)/src/arch/x86/x87_%.o: CFLAGS += -frounding-math -fsignaling-nans

-include $(wildcard $(B)/src/*.d $(B)/src/*/*.d $(B)/src/*/*/*.d)

check: $(UE)
	@tests/run_all.sh $(UE)

bench: $(UE)
	@bench/run

clean:
	rm -rf build
