# iris-pgwire build.  `make` builds build/iris-pgwire; `make test` runs every test;
# `make run` starts the server on its defaults (data in ./data, 127.0.0.1:5432).
#
# Every src/<layer>/*.c goes into build/libpgwire.a except src/server/main.c, so that unit
# tests link the same objects the server runs.  SAN=1 builds with ASan+UBSan into build-san/.

CC       ?= cc
PG_SERVER_INCLUDE := $(shell pg_config --includedir-server 2>/dev/null || echo /usr/include/postgresql/15/server)
ifeq ($(SAN),1)
BUILD    := build-san
OPT      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD    := build
OPT      := -O2 -g
endif
CFLAGS   += -std=gnu11 $(OPT) -Wall -Wextra -Werror -Wno-missing-field-initializers \
            -D_GNU_SOURCE -pthread -MMD -MP -Isrc -I/usr/include/pg_query
# gcc warns about setjmp-clobbered locals in code PostgreSQL's headers expand; clang has no
# such warning and rejects the flag.
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
CFLAGS   += -Wno-clobbered
endif
# Files that walk PostgreSQL's own parse nodes include the server headers (docs/parser.md).
PGNODE_CFLAGS := -isystem $(PG_SERVER_INCLUDE)
LDLIBS   += -lpg_query -lsqlite3 -lpcre2-8 -lssl -lcrypto -lodbc -lm -pthread
LDFLAGS  += $(OPT)

LAYERS   := common types vector catalog backend sql proto net server
LIB_SRC  := $(filter-out src/server/main.c,$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
UNIT_SRC := $(wildcard tests/unit/*/*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.PHONY: all run test unit integration integration-san san fuzz fuzz-smoke valgrind bench clean
all: $(BUILD)/iris-pgwire

$(BUILD)/iris-pgwire: $(BUILD)/obj/server/main.o $(BUILD)/libpgwire.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libpgwire.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# src/sql/ walks PostgreSQL parse nodes; nothing else may include the server headers.
$(BUILD)/obj/sql/%.o: src/sql/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PGNODE_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libpgwire.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(findstring /sql/,$@),$(PGNODE_CFLAGS)) -Itests/unit -o $@ $< $(BUILD)/libpgwire.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libpgwire.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O3 -march=native -o $@ $< $(BUILD)/libpgwire.a $(LDLIBS)

# The benchmark data must be bit-identical on every machine (bench/vector.md): no FMA fusion.
$(BUILD)/bench/gen-vectors: CFLAGS += -ffp-contract=off

run: $(BUILD)/iris-pgwire
	./$(BUILD)/iris-pgwire

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

integration: $(BUILD)/iris-pgwire
	PGWIRE_BIN=$(abspath $(BUILD)/iris-pgwire) /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

# The integration tests again against the ASan+UBSan server: any report fails the run.
integration-san:
	@$(MAKE) --no-print-directory SAN=1 all
	PGWIRE_BIN=$(abspath build-san/iris-pgwire) ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration

# `make test`: unit tests (plain and sanitized), a short run of every fuzz target, then every
# integration test against the sanitized server and against the real one.  The last line is
# pytest's summary.
test: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory SAN=1 unit
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory integration-san
	@$(MAKE) --no-print-directory integration

san:
	$(MAKE) SAN=1 all unit

# libFuzzer targets (clang): build-fuzz/<target>.  `make fuzz-smoke` runs each briefly from
# its seed corpus; `build-fuzz/fuzz_sql tests/fuzz/corpus/sql -max_total_time=600` runs longer.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst src/%.c,build-fuzz/obj/%.o,$(LIB_SRC))
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -D_GNU_SOURCE -pthread -MMD -MP \
               -Isrc -I/usr/include/pg_query -isystem $(PG_SERVER_INCLUDE)

build-fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LDLIBS)

.SECONDARY: $(FUZZ_LIB_OBJ)
fuzz: $(FUZZ_BIN)

fuzz-smoke: fuzz
	@for t in $(FUZZ_BIN); do \
	  name=$$(basename $$t | sed 's/fuzz_//'); \
	  echo "fuzz: $$t"; \
	  out=$$(mktemp -d); \
	  $$t -runs=$${FUZZ_RUNS:-4000} -max_len=4096 -seed=1 -rss_limit_mb=4096 -artifact_prefix=build-fuzz/ $$out tests/fuzz/corpus/$$name > $$out.log 2>&1; \
	  status=$$?; tail -n 2 $$out.log; [ $$status -eq 0 ] || tail -n 60 $$out.log; rm -rf $$out $$out.log; \
	  [ $$status -eq 0 ] || exit 1; \
	done

bench: $(BUILD)/iris-pgwire $(BENCH_BIN)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/server/main.d $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)
