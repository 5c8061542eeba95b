# Convenience targets; ./scripts/test.sh is the authoritative test command.
.PHONY: all build dist test unit e2e crash soak bench fmt vet clean

all: build

build:
	go build -o bin/coffer ./cmd/coffer
	go build -o bin/crash ./e2e/crash
	go build -o bin/lb ./e2e/lb

# Release binaries: static (no cgo), reproducible paths, the version and
# commit linked in (coffer version prints them), one per platform, and a
# SHA256SUMS file. VERSION=v1.2.3 make dist names a release.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DIST_PLATFORMS ?= linux/amd64 linux/arm64
LDFLAGS := -s -w -X main.buildVersion=$(VERSION) -X main.buildCommit=$(COMMIT)

dist:
	rm -rf dist && mkdir -p dist
	set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; \
		echo "building dist/coffer-$(VERSION)-$$os-$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -buildvcs=false -ldflags "$(LDFLAGS)" \
			-o dist/coffer-$(VERSION)-$$os-$$arch ./cmd/coffer; \
	done
	cd dist && sha256sum coffer-* > SHA256SUMS && cat SHA256SUMS

test:
	./scripts/test.sh

unit:
	./scripts/test.sh unit

e2e:
	./scripts/test.sh build awscli rclone s3cmd tls cluster

crash:
	./scripts/test.sh build crash

soak:
	COFFER_SOAK=1 ./scripts/test.sh build crash

# The standard performance suite against a local coffer (docs/performance.md);
# set BENCH_ENDPOINT and friends to measure another server instead.
bench:
	./scripts/bench.sh

fmt:
	gofmt -w $$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*')

vet:
	go vet ./...

clean:
	rm -rf bin dist
