# The few commands people run. Everything they need (Go modules, a private
# PostgreSQL, an embedded NATS) is fetched or started by the commands
# themselves.

GO       ?= go
WSMS     := bin/wsms
MODULES  := events schema services/platform services/placement services/mentoring services/forum services/gateway projections tools
PKGS     := $(addprefix ./,$(addsuffix /...,$(MODULES)))
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build run test bench lint generate fmt

build:
	$(GO) build -o $(WSMS) ./tools/cmd/wsms

## run: the whole system in one process (Ctrl-C stops it)
run: build
	./$(WSMS) run

## test: every test, against a private PostgreSQL and embedded NATS
##       (or TEST_DATABASE_URL / TEST_NATS_URL when set)
test: build
	./$(WSMS) with-postgres -- $(GO) test -count=1 -timeout 15m $(PKGS)

## bench: the benchmarks, each figure beside the raw limit of this machine
##        (the read side's, in tools/bench, about 5 minutes: each does a
##        fixed amount of work, hence 1x; the allocation beside CBC takes
##        about 20 minutes on two cores)
bench: build
	@mkdir -p .data
	./$(WSMS) with-postgres --durable -- sh -c '\
	  $(GO) test -run "^$$" -bench . -benchtime 2s ./services/platform/eventstore/ && \
	  $(GO) test -run "^$$" -bench . -benchtime 50000x ./services/platform/relay/ && \
	  $(GO) test -run "^$$" -bench . -benchtime 3000x ./services/mentoring/ && \
	  $(GO) test -run "^$$" -bench . -benchtime 1x -timeout 15m ./tools/bench/' | tee .data/bench.out
	./$(WSMS) benchreport < .data/bench.out
	./$(WSMS) bench allocation

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

generate:
	$(GO) generate $(PKGS)

fmt:
	gofmt -w $(MODULES)
