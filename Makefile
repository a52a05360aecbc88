# Candor. `make run` serves the demo on http://127.0.0.1:8080; `make test` runs every test.
SWIFT ?= swift
DATA ?= ./data
KEYS ?= ./Keys
export SWIFT_BACKTRACE ?= enable=no

# FILE PACKAGE pairs: a header missing means its -dev package is installed.
BUILD_PACKAGES = /usr/include/openssl/evp.h libssl-dev \
                 /usr/include/sqlite3.h libsqlite3-dev \
                 /usr/bin/pkg-config pkg-config
# What tests need beyond the build: the independent QR renderer and reader, and Python for the
# layering check.
TEST_PACKAGES = /usr/bin/rsvg-convert librsvg2-bin \
                /usr/bin/zbarimg zbar-tools \
                /usr/bin/python3 python3

.PHONY: deps build release deb test run fuzz bench-http bench-intake bench-timing bench-console bench-backup measure e2e soak api-fuzz clean

deps:
	@scripts/need-packages.sh $(BUILD_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# The Debian package of the release binary (dpkg-deb only): .build/deb/candor_VERSION_ARCH.deb.
deb: release
	scripts/make-deb.sh

# The venv for scripts/export_verify.py (cryptography from PyPI; ExportCommandTests runs it), then
# first the module graph (scripts/check-layers.py: a forbidden import or dependency fails the run),
# then every test: fails on a failed test and on a skip Tests/allowed-skips.txt does not allow
# (scripts/test.sh).
test: deps
	@scripts/need-packages.sh $(TEST_PACKAGES)
	scripts/check-layers.py
	scripts/check-functions.py
	scripts/ledger-surface.py --check
	scripts/export-venv.sh
	SWIFT=$(SWIFT) scripts/test.sh
	scripts/deb-test.sh

run: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@# A fresh clone checks Keys/ out 0755; serve refuses key and data folders others can read.
	mkdir -p $(DATA) $(KEYS) && chmod 700 $(DATA) $(KEYS)
	.build/release/candor demo --data $(DATA) --keys $(KEYS) --templates Templates --host 127.0.0.1 --port 8080

fuzz: deps
	scripts/fuzz.sh

bench-http: deps
	scripts/bench-http.sh

bench-intake: deps
	scripts/bench-intake.sh

bench-timing: deps
	scripts/bench-timing.sh

bench-console: deps
	scripts/bench-console.sh

# backup, restore and purge at 100,000 cases with 5 GiB of evidence, against cp -r (SEEDED: as
# bench-console).
bench-backup: deps
	scripts/bench-backup.sh

# Runs bench-http, bench-intake, bench-timing (if present) and, with MEASURE_SOAK=1, soak; then
# rewrites README.md's "Measured" table from their RESULT lines (docs/measured/*.txt).
measure: deps
	python3 scripts/measure.py

e2e: deps
	scripts/e2e.sh

soak: deps
	scripts/soak.sh

api-fuzz: deps
	scripts/api-fuzz.sh

clean:
	rm -rf .build
