# Convenience targets; ./scripts/test.sh is the authoritative test command.
.PHONY: all build test unit e2e crash soak bench fmt vet clean

all: build

build:
	go build -o bin/coffer ./cmd/coffer
	go build -o bin/crash ./e2e/crash

test:
	./scripts/test.sh

unit:
	./scripts/test.sh unit

e2e:
	./scripts/test.sh build awscli rclone s3cmd tls

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
	rm -rf bin
