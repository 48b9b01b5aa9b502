# budgetbee: `make run` serves the demo, `make test` runs everything. Both install what is missing.
SHELL := /bin/bash
PG ?= 17
PG_CONFIG ?= $(shell bash -c '. .ci/lib.sh && pg_config_for $(PG)')
export PG PG_CONFIG

.PHONY: setup build install run cluster tokens test bench profile fuzz clean

setup:
	@.ci/setup

build: setup
	cargo build --release --no-default-features --features pg$(PG)

install: setup
	cargo pgrx install --release --no-default-features --features pg$(PG) --pg-config $(PG_CONFIG)

run: install
	@.ci/run-demo

# `make run`'s cluster as a primary plus two hot standbys (pg_basebackup), each serving the API:
# 127.0.0.1:5101 (primary), 5102 and 5103 (read-only).
cluster: install
	@.ci/run-cluster

# Fresh demo tokens for the cluster `make run` serves (they last an hour).
tokens:
	@.ci/demo-tokens

test: setup
	@.ci/test $(PG)

bench: install
	@.ci/bench

# Each stage's share of the workers' CPU on the by-id read (perf); `make bench` loads the data.
profile: install
	@.ci/profile

# Each fuzz target (src/fuzz.rs) for FUZZ_SECONDS (default 60) from a random seed; make test
# runs them briefly from a fixed one.
fuzz: setup
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} cargo test --no-default-features --features pg$(PG) --lib fuzz:: -- --nocapture --test-threads=1

clean:
	cargo clean
