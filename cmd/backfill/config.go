package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/internal/archive"
	"github.com/newsdedup/newsdedup/internal/envflag"
)

// Config is every setting of one backfill run. Each is a flag whose default
// comes from an environment variable; see parseConfig.
type Config struct {
	Inputs      []string
	DatabaseURL string // secret: may hold a password
	DataDir     string
	Migrate     bool
	// BatchSize is how many articles go to the store in one insert and one
	// cluster transaction; the checkpoint is committed after each batch.
	BatchSize int
	Workers   int // goroutines fingerprinting in parallel
	// Checkpoint names the stored resume position; empty means the name
	// derived from the inputs (see checkpointName).
	Checkpoint string
	// Restart ignores a stored checkpoint and reads the inputs from the
	// start (what is already stored is still recognized by external id).
	Restart bool
	// StartAfter, when set, skips every record up to and including this
	// one ("file:line", or a file of a tree), whatever the checkpoint says.
	StartAfter     string
	DryRun         bool
	Rejects        string // reject file; empty means none
	Format         archive.Format
	Source         string
	Columns        map[string]string
	MaxRecordBytes int
	Progress       time.Duration // between progress log lines (not on a terminal)
	LogLevel       slog.Level
	LogFormat      string
	CPUProfile     string // file to write a CPU profile to; empty means none
	// MaintainEvery is how many records pass between two runs of the
	// store's maintenance (Postgres: VACUUM ANALYZE), which in between does
	// what autovacuum would where it is off; 0 means neither.
	MaintainEvery int
	// ProfileCacheMB bounds the decoded candidate profiles kept between
	// batches, in MiB; 0 keeps none.
	ProfileCacheMB int
}

// parseConfig parses args (without the program name) into a Config, with
// defaults from getenv, and validates it. -h prints the usage to stderr and
// returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: backfill [flags] INPUT...\n\n"+
			"Loads archived articles (JSONL, ninjs, CSV or a tree of .txt/.html files, optionally\n"+
			"gzip-compressed; - for stdin) through the dedup engine into the store, resumably.\n"+
			"Each flag defaults to the environment variable named with it.\n\n")
		fs.PrintDefaults()
	}

	c := &Config{}
	var format, columns string
	var maxRecord int64
	e := envflag.New(fs, getenv)
	e.String(&c.DatabaseURL, "database-url", "DATABASE_URL", "", "Postgres `URL`; when empty, the embedded store in -data-dir is used")
	e.String(&c.DataDir, "data-dir", "DEDUP_DATA_DIR", "./data", "`directory` of the embedded store (used when -database-url is empty)")
	e.Bool(&c.Migrate, "migrate", "DEDUP_MIGRATE", true, "apply pending migrations at start; when false, refuse to run on an outdated schema")
	e.Int(&c.BatchSize, "batch-size", "DEDUP_BACKFILL_BATCH_SIZE", 200, "articles per store transaction and checkpoint")
	e.Int(&c.Workers, "workers", "DEDUP_BACKFILL_WORKERS", runtime.GOMAXPROCS(0), "fingerprinting goroutines")
	e.String(&c.Checkpoint, "checkpoint", "DEDUP_BACKFILL_CHECKPOINT", "", "checkpoint `name` (default: derived from the inputs' absolute paths)")
	e.Bool(&c.Restart, "restart", "DEDUP_BACKFILL_RESTART", false, "ignore the stored checkpoint and read the inputs from the start")
	e.String(&c.StartAfter, "start-after", "DEDUP_BACKFILL_START_AFTER", "", "skip the records up to and including `FILE:LINE` (or FILE, a file of a tree), whatever the checkpoint says")
	e.Bool(&c.DryRun, "dry-run", "DEDUP_BACKFILL_DRY_RUN", false, "read and fingerprint only: report counts, write nothing to the store")
	e.String(&c.Rejects, "rejects", "DEDUP_BACKFILL_REJECTS", "", "`file` to append rejected records to (file, line, reason, detail; tab-separated)")
	e.String(&format, "format", "DEDUP_BACKFILL_FORMAT", "", "input `format` for every input: jsonl, ninjs, csv or dir (default: by extension)")
	e.String(&c.Source, "source", "DEDUP_BACKFILL_SOURCE", "", "`source` of records that name none (a tree's default is its directory name)")
	e.String(&columns, "csv-columns", "DEDUP_BACKFILL_CSV_COLUMNS", "", "CSV column `mapping` field=column,...; fields: external_id, url, title, body, format, source, published_at, language, version")
	e.Int64(&maxRecord, "max-record", "DEDUP_BACKFILL_MAX_RECORD_BYTES", archive.DefaultMaxRecordBytes, "longest record in `bytes`; longer ones are rejected")
	e.Duration(&c.Progress, "progress", "DEDUP_BACKFILL_PROGRESS", 10*time.Second, "`interval` between progress log lines when stdout is not a terminal")
	e.Level(&c.LogLevel, "log-level", "DEDUP_LOG_LEVEL", slog.LevelInfo, "log `level`: debug, info, warn or error")
	e.String(&c.LogFormat, "log-format", "DEDUP_LOG_FORMAT", "text", "log `format`: text or json")
	e.Int(&c.MaintainEvery, "maintain-every", "DEDUP_BACKFILL_MAINTAIN_EVERY", 100000, "refresh the store's statistics and visibility map (Postgres: VACUUM ANALYZE) every this many `records` and at the end, and in between do what autovacuum would where it is off; 0: neither")
	e.Int(&c.ProfileCacheMB, "profile-cache", "DEDUP_PROFILE_CACHE_MB", 0, "`MiB` of decoded candidate profiles kept between batches (saves CPU on small archives only: docs/BENCHMARKS.md); 0: none")
	e.String(&c.CPUProfile, "cpuprofile", "DEDUP_BACKFILL_CPUPROFILE", "", "write a CPU profile of the run to `file` (for go tool pprof)")
	if err := e.Err(); err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.Inputs = fs.Args()
	c.Format = archive.Format(format)
	if maxRecord > 1<<30 {
		return nil, fmt.Errorf("-max-record must be at most 1 GiB, not %d", maxRecord)
	}
	c.MaxRecordBytes = int(maxRecord)
	var err error
	if c.Columns, err = parseColumns(columns); err != nil {
		return nil, err
	}
	return c, c.validate()
}

// validate checks the settings that do not depend on each other's parsing.
func (c *Config) validate() error {
	switch {
	case len(c.Inputs) == 0:
		return errors.New("name at least one INPUT (a file, a directory or - for stdin)")
	case c.DatabaseURL == "" && c.DataDir == "" && !c.DryRun:
		return errors.New("set -database-url (DATABASE_URL) or -data-dir (DEDUP_DATA_DIR)")
	case c.BatchSize < 1 || c.BatchSize > 10000:
		return fmt.Errorf("-batch-size must be in [1, 10000], not %d", c.BatchSize)
	case c.Workers < 1:
		return fmt.Errorf("-workers must be positive, not %d", c.Workers)
	case c.MaintainEvery < 0:
		return fmt.Errorf("-maintain-every must not be negative, not %d", c.MaintainEvery)
	case c.ProfileCacheMB < 0 || c.ProfileCacheMB > 1<<20:
		return fmt.Errorf("-profile-cache must be in [0, 1048576] MiB, not %d", c.ProfileCacheMB)
	case c.MaxRecordBytes < 1:
		return fmt.Errorf("-max-record must be positive, not %d", c.MaxRecordBytes)
	case c.Progress <= 0:
		return fmt.Errorf("-progress must be positive, not %s", c.Progress)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("-log-format must be text or json, not %q", c.LogFormat)
	case c.Restart && c.StartAfter != "":
		return errors.New("set one of -restart and -start-after, not both")
	}
	switch c.Format {
	case "", archive.FormatJSONL, archive.FormatNinjs, archive.FormatCSV, archive.FormatDir:
	default:
		return fmt.Errorf("-format must be jsonl, ninjs, csv or dir, not %q", c.Format)
	}
	stdin := 0
	for _, in := range c.Inputs {
		if in == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return errors.New("stdin (-) can be read only once")
	}
	if stdin > 0 && c.StartAfter != "" {
		return errors.New("-start-after cannot be used with stdin (-), which cannot be skipped back to")
	}
	return nil
}

// resumable reports whether the inputs can be read again from a position,
// which stdin cannot.
func (c *Config) resumable() bool {
	for _, in := range c.Inputs {
		if in == "-" {
			return false
		}
	}
	return true
}

// parseColumns reads "field=column,field=column".
func parseColumns(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		field, column, ok := strings.Cut(pair, "=")
		field, column = strings.TrimSpace(field), strings.TrimSpace(column)
		if !ok || field == "" || column == "" {
			return nil, fmt.Errorf("-csv-columns: %q is not field=column", pair)
		}
		out[field] = column
	}
	return out, nil
}

// LogValue shows the config with its secrets redacted, for the startup log.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("inputs", strings.Join(c.Inputs, " ")),
		slog.String("database_url", envflag.RedactURL(c.DatabaseURL)),
		slog.String("data_dir", c.DataDir),
		slog.Int("batch_size", c.BatchSize),
		slog.Int("workers", c.Workers),
		slog.Int("maintain_every", c.MaintainEvery),
		slog.String("checkpoint", c.Checkpoint),
		slog.Bool("restart", c.Restart),
		slog.String("start_after", c.StartAfter),
		slog.Bool("dry_run", c.DryRun),
		slog.String("rejects", c.Rejects),
		slog.String("format", string(c.Format)),
		slog.String("source", c.Source),
		slog.Int("max_record_bytes", c.MaxRecordBytes),
	)
}
