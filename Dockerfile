# syntax=docker/dockerfile:1

# Build a static binary: the embedded store's SQLite driver is pure Go, so
# cgo is not needed.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
# A data directory the nonroot user can write, for the embedded store when
# no DATABASE_URL is set.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DEDUP_ADDR=0.0.0.0:8080 \
    DEDUP_DATA_DIR=/data \
    DEDUP_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/server"]
