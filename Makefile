# Every target is a command you could type yourself. `make test` is what CI
# runs (.ci/run, with CI=true).
.PHONY: build run check test test-db lint migrate db-up db-down clean bench eval

GO ?= go
# eval's benchmark: a folder of ../shared/eval (seeds, newsdup-dev).
BENCH ?= newsdup-dev

build:
	$(GO) build -o bin/server ./cmd/server

# Serves on 127.0.0.1:8080 with the embedded store in ./data, or Postgres when DATABASE_URL is set.
run:
	$(GO) run ./cmd/server

# go vet and the gofmt check, listing the files gofmt would change.
check:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }

# check, then every test with the Postgres tests included (scripts/testdb.sh finds or makes a server).
test: check
	scripts/testdb.sh $(GO) test -race -count=1 ./...

# Only the Postgres-backed packages, failing instead of skipping without a server.
test-db:
	DEDUP_TEST_DB_REQUIRED=1 scripts/testdb.sh $(GO) test -race -count=1 ./internal/store/... ./cmd/server/...

lint: check
	golangci-lint run ./...

# Applies the pending migrations to DATABASE_URL and exits.
migrate:
	$(GO) run ./cmd/server migrate

# Postgres 15 from docker-compose.yml on 127.0.0.1:5433 (user, password and database newsdedup).
db-up:
	docker compose up -d --wait postgres

db-down:
	docker compose down

clean:
	rm -rf bin eval-out

bench:
	$(GO) run ./cmd/bench

# Ingests ../shared/eval/$(BENCH) and scores the predictions.
eval:
	$(GO) run ./cmd/eval -bench ../shared/eval/$(BENCH) -out eval-out/$(BENCH) && python3 ../shared/eval/score.py ../shared/eval/$(BENCH) eval-out/$(BENCH)
