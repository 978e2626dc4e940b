package main

import (
	"errors"
	"flag"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(*Config) string
		wantErr string
	}{
		{
			name: "defaults",
			args: []string{"in.jsonl"},
			check: func(c *Config) string {
				return cmp.Diff(&Config{
					Inputs: []string{"in.jsonl"}, DataDir: "./data", Migrate: true, BatchSize: 200,
					Workers: runtime.GOMAXPROCS(0), MaxRecordBytes: 2 << 20, Progress: 10 * time.Second, MaintainEvery: 100000,
					LogFormat: "text",
				}, c)
			},
		},
		{
			name: "environment",
			args: []string{"a", "b"},
			env: map[string]string{
				"DATABASE_URL": "postgres://db/x", "DEDUP_BACKFILL_BATCH_SIZE": "50", "DEDUP_BACKFILL_WORKERS": "3",
				"DEDUP_BACKFILL_CSV_COLUMNS": "body=text, external_id = guid", "DEDUP_BACKFILL_PROGRESS": "1m",
				"DEDUP_PROFILE_CACHE_MB": "32",
			},
			check: func(c *Config) string {
				return cmp.Diff([]any{"postgres://db/x", 50, 3, map[string]string{"body": "text", "external_id": "guid"}, time.Minute, []string{"a", "b"}, 32},
					[]any{c.DatabaseURL, c.BatchSize, c.Workers, c.Columns, c.Progress, c.Inputs, c.ProfileCacheMB})
			},
		},
		{
			name: "flags win over the environment",
			args: []string{"-batch-size", "7", "-format", "csv", "-dry-run", "-"},
			env:  map[string]string{"DEDUP_BACKFILL_BATCH_SIZE": "50"},
			check: func(c *Config) string {
				return cmp.Diff([]any{7, "csv", true}, []any{c.BatchSize, string(c.Format), c.DryRun})
			},
		},
		{name: "no input", args: nil, wantErr: "INPUT"},
		{name: "bad batch size", args: []string{"-batch-size", "0", "x"}, wantErr: "-batch-size"},
		{name: "bad workers", args: []string{"-workers", "0", "x"}, wantErr: "-workers"},
		{name: "bad profile cache", args: []string{"-profile-cache", "-5", "x"}, wantErr: "-profile-cache"},
		{name: "bad format", args: []string{"-format", "xml", "x"}, wantErr: "-format"},
		{name: "bad columns", args: []string{"-csv-columns", "body", "x"}, wantErr: "field=column"},
		{name: "stdin twice", args: []string{"-", "-"}, wantErr: "stdin"},
		{name: "restart and start-after", args: []string{"-restart", "-start-after", "x:3", "x"}, wantErr: "not both"},
		{name: "bad env", args: []string{"x"}, env: map[string]string{"DEDUP_BACKFILL_WORKERS": "many"}, wantErr: "DEDUP_BACKFILL_WORKERS"},
		{name: "no store", args: []string{"-data-dir", "", "x"}, wantErr: "-database-url"},
		{name: "help", args: []string{"-h"}, wantErr: flag.ErrHelp.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			c, err := parseConfig(tt.args, getenv, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := tt.check(c); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHelpExitsCleanly(t *testing.T) {
	err := run(t.Context(), []string{"-h"}, func(string) string { return "" }, io.Discard, io.Discard)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run -h = %v, want flag.ErrHelp", err)
	}
}

func TestLogValueRedactsPassword(t *testing.T) {
	c := &Config{DatabaseURL: "postgres://u:secret@db/x?password=other"}
	if s := c.LogValue().String(); strings.Contains(s, "secret") || strings.Contains(s, "other") {
		t.Errorf("LogValue shows the password: %s", s)
	}
}
