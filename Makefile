# The front door. `make demo` and `make test` set everything up on a fresh Debian 12.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-fast bench bench-micro clean fuzz test-sanitize

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: setup $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The story this project exists for, as a sweep on Fashion-MNIST: relu and sigmoid × six
# initializations × three learning rates, softmax output with MSE, online SGD (batch 1),
# 3 seeds: 108 runs on the first 3000 training images, printed as a map of verdicts with
# the stable learning rate 2/λmax beside each init and drawn in $(BUILD)/demo/report.html
# (about 22 s on two cores once built; run it again and it resumes, docs/sweep.md).
DEMO_INITS = uniform:0,1;uniform:-1,1;uniform:-0.5,0.5;normal:0,1;normal:0,0.1;he_normal
demo: build
	$(BUILD)/mlpscope sweep --data fashion-mnist --limit 3000 --hidden 128,64 --loss mse \
	  --batch 1 --epochs 5 --vary activation=relu,sigmoid --vary 'init=$(DEMO_INITS)' \
	  --vary lr=0.01,0.001,0.0001 --seeds 3 --axes init,lr --out $(BUILD)/demo

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Everything but the tests labelled slow.
test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

# Hardening (docs/hardening.md). libFuzzer targets built with clang in build-fuzz, each run
# FUZZ_SECONDS after replaying fuzz/regressions/; a crash saves its input there and fails.
FUZZ_SECONDS ?= 30
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash fuzz/run.sh

# The whole unit suite (slow label included) built with AddressSanitizer and UBSan, -O1 -g,
# in build-sanitize; undefined behaviour, a leak or a memory error fails the test.
SANITIZE_BUILD ?= build-sanitize
SANITIZE_ENV = ASAN_OPTIONS=strict_string_checks=1:check_initialization_order=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-sanitize: setup
	test -f $(SANITIZE_BUILD)/CMakeCache.txt || cmake -S . -B $(SANITIZE_BUILD) \
	  -DMLPSCOPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
	  $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	cd $(SANITIZE_BUILD) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS)

# mlpscope side by side with PyTorch, numpy and the SGEMM roofline (bench/RESULTS.md; about
# ten minutes). The peers are installed here only: they are never a dependency of the product.
bench: build
	bash scripts/setup.sh bench
	BUILD=$(BUILD) bash bench/run.sh $(BENCH_ARGS)

# The training step alone, under Google Benchmark.
bench-micro: build
	BUILD=$(BUILD) bash bench/run.sh micro

clean:
	rm -rf $(BUILD)
