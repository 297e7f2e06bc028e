# kbingest: `make` builds the tool and loads raw/ports.txt into ports.db; `make test` runs the tests.

CARGO ?= cargo
BIN   := target/release/kbingest
SRC   := Cargo.toml Cargo.lock $(shell find src migrations -type f 2>/dev/null)

.PHONY: all build test lint bench clean

all: ports.db

build: $(BIN)

$(BIN): $(SRC)
	$(CARGO) build --release --locked

ports.db: $(BIN) raw/ports.txt
	$(BIN) raw/ports.txt -o ports.db

test:
	$(CARGO) test --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

# Speed and memory against the sqlite3 shell's .import of the same rows (see BENCHMARKS.md).
bench:
	bench/run.sh

clean:
	$(CARGO) clean
	rm -f ports.db ports.db-wal ports.db-shm
	rm -rf bench/out
