# budgetbee: `make run` serves the demo, `make test` runs everything. Both install what is missing.
SHELL := /bin/bash
PG ?= 17
ifeq ($(PG),15)
PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
else
PG_CONFIG ?= /opt/budgetbee/pg17/bin/pg_config
endif
# Clusters live where the postgres OS user can reach them, whatever the clone's location.
STATE ?= /var/tmp/budgetbee
export PG_CONFIG

.PHONY: setup build install run test test-unit test-pg test-e2e bench clean

setup:
	@.ci/setup

build: setup
	cargo build --release --no-default-features --features pg$(PG)

install: setup
	cargo pgrx install --release --no-default-features --features pg$(PG) --pg-config $(PG_CONFIG)

run: install
	@PG=$(PG) PG_CONFIG=$(PG_CONFIG) STATE=$(STATE) .ci/run-demo

test: setup
	@.ci/test $(PG)

bench: install
	@PG=$(PG) PG_CONFIG=$(PG_CONFIG) STATE=$(STATE) .ci/bench

clean:
	cargo clean
