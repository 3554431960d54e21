# The front door. `make demo` and `make test` set everything up on a fresh Debian 12.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup configure build demo test test-fast bench clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: setup $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the default data: a 784-256-128-10 ReLU network on Fashion-MNIST, then
# the case this project exists for (ReLU, softmax + MSE, uniform[-1,1]) and its verdict.
demo: build
	$(BUILD)/mlpscope train --data fashion-mnist --hidden 256,128 --optimizer adam \
	  --lr 0.001 --batch 128 --epochs 5 --log $(BUILD)/demo.jsonl --save $(BUILD)/demo.model
	$(BUILD)/mlpscope eval --model $(BUILD)/demo.model --data fashion-mnist
	$(BUILD)/mlpscope train --data fashion-mnist --limit 10000 --hidden 256,128 --loss mse \
	  --init uniform:-1,1 --lr 0.01 --epochs 3

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Everything but the tests labelled slow.
test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

bench: build
	BUILD=$(BUILD) bash bench/run.sh

clean:
	rm -rf $(BUILD)
