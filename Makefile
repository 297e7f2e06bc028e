# kbingest: `make` builds the tool and loads raw/ports.txt into ports.db; `make test` runs the tests;
# `make install` puts kbingest on PATH (cargo install), with its shell completions and man page.

CARGO ?= cargo
BIN   := target/release/kbingest
SRC   := Cargo.toml Cargo.lock $(shell find src migrations -type f 2>/dev/null)

# Where `cargo install` puts kbingest (its bin/ folder) and where the man page goes: man finds
# ROOT/share/man by itself when ROOT/bin is on PATH.
INSTALL_ROOT ?= $(or $(CARGO_INSTALL_ROOT),$(CARGO_HOME),$(HOME)/.cargo)
MANDIR       ?= $(INSTALL_ROOT)/share/man
DATA_HOME    ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
CONFIG_HOME  ?= $(or $(XDG_CONFIG_HOME),$(HOME)/.config)

.PHONY: all build test lint bench clean install

all: ports.db

build: $(BIN)

$(BIN): $(SRC)
	$(CARGO) build --release --locked

ports.db: $(BIN) raw/ports.txt
	$(BIN) raw/ports.txt -o ports.db

test:
	$(CARGO) test --locked

# The binary, then bash completions (and fish's where fish is set up), then the man page where
# there is a man command to read it.
install:
	$(CARGO) install --path . --locked --root $(INSTALL_ROOT)
	@kb=$(INSTALL_ROOT)/bin/kbingest; \
	mkdir -p $(DATA_HOME)/bash-completion/completions && \
	$$kb completions bash > $(DATA_HOME)/bash-completion/completions/kbingest && \
	echo "bash completions -> $(DATA_HOME)/bash-completion/completions/kbingest"; \
	if [ -d $(CONFIG_HOME)/fish ]; then \
		mkdir -p $(CONFIG_HOME)/fish/completions && \
		$$kb completions fish > $(CONFIG_HOME)/fish/completions/kbingest.fish && \
		echo "fish completions -> $(CONFIG_HOME)/fish/completions/kbingest.fish"; \
	fi; \
	if command -v man >/dev/null 2>&1; then \
		$$kb man --output-dir $(MANDIR)/man1 && \
		echo "man pages -> $(MANDIR)/man1/kbingest.1, kbingest-query.1, ..."; \
	else \
		echo "no man command here: the man pages were not installed (kbingest man --output-dir DIR writes them)"; \
	fi; \
	echo "kbingest -> $$kb (zsh: kbingest completions zsh > a folder on your fpath)"

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
