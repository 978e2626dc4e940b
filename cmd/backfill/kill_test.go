package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/newsdedup/newsdedup/internal/pgtest"
)

// buildBinary compiles the backfill command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		pgtest.SkipOrFail(t, "the go command is not on PATH: "+err.Error())
	}
	bin := filepath.Join(t.TempDir(), "backfill")
	out, err := exec.Command(goCmd, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// checkpointRecords returns how many records the stored checkpoints
// cover, 0 when there is none yet (or the store does not exist yet).
func checkpointRecords(t *testing.T, flags []string) int64 {
	t.Helper()
	var value string
	var err error
	if flags[0] == "-data-dir" {
		path := filepath.Join(flags[1], "newsdedup.db")
		if _, serr := os.Stat(path); serr != nil {
			return 0
		}
		var db *sql.DB
		if db, err = sql.Open("sqlite", "file:"+path+"?mode=ro&_busy_timeout=5000"); err == nil {
			err = db.QueryRow("SELECT value FROM checkpoints").Scan(&value)
			db.Close()
		}
	} else {
		ctx := context.Background()
		var conn *pgx.Conn
		if conn, err = pgx.Connect(ctx, flags[1]); err == nil {
			err = conn.QueryRow(ctx, "SELECT value FROM checkpoints").Scan(&value)
			conn.Close(ctx)
		}
	}
	if err != nil {
		// No table (not migrated yet) or no row yet.
		return 0
	}
	var c checkpoint
	if err := json.Unmarshal([]byte(value), &c); err != nil {
		t.Fatalf("checkpoint %q: %v", value, err)
	}
	return c.Records
}

// TestKill9 kills the real binary with SIGKILL several times while it runs,
// then reruns the same command to the end. Every article must be stored
// once and matched, in the same clusters as an uninterrupted run. Half the
// kills land a little after a checkpoint, the others as soon as a batch's
// insert has committed ahead of the checkpoint, which is most likely before
// its cluster transaction has.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := buildBinary(t)
	const n = 3000
	lines, keys := synthArticles(n, 5)
	in := writeFile(t, filepath.Join(t.TempDir(), "in.jsonl"), strings.Join(lines, "\n")+"\n")
	command := func(flags []string) *exec.Cmd {
		args := append(append([]string{}, flags...), "-batch-size", "100", "-progress", "1h", in)
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL=", "DEDUP_DATA_DIR=")
		return cmd
	}
	kills := []struct {
		delay        time.Duration
		aheadOfCheck bool // wait for stored articles beyond the checkpoint
	}{{0, false}, {0, true}, {23 * time.Millisecond, false}, {0, true}}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ref := be.new(t)
			if out, err := command(ref).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, out)
			}
			want := partition(listStored(t, ref))

			flags := be.new(t)
			for i, k := range kills {
				mark := int64(i+1) * n / int64(len(kills)+2)
				killed := killWhen(t, command(flags), func() bool {
					records := checkpointRecords(t, flags)
					return records >= mark && (!k.aheadOfCheck || int64(len(listStored(t, flags))) > records)
				}, k.delay)
				stored := listStored(t, flags)
				unmatched := 0
				for _, a := range stored {
					if !a.Matched {
						unmatched++
					}
				}
				t.Logf("kill %d (checkpoint past %d, ahead=%v, delay %s): killed=%v, %d stored, %d unmatched",
					i+1, mark, k.aheadOfCheck, k.delay, killed, len(stored), unmatched)
			}
			if out, err := command(flags).CombinedOutput(); err != nil {
				t.Fatalf("final run: %v\n%s", err, out)
			}
			stored := listStored(t, flags)
			checkStoredOnce(t, stored, keys)
			if diff := cmp.Diff(want, partition(stored)); diff != "" {
				t.Errorf("clusters differ from an uninterrupted run (-want +got):\n%s", diff)
			}
		})
	}
}

// killWhen starts cmd, polls until ready reports true, waits delay more
// and sends SIGKILL. It reports whether the signal ended the process (it
// may have finished first).
func killWhen(t *testing.T, cmd *exec.Cmd, ready func() bool, delay time.Duration) bool {
	t.Helper()
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for !ready() {
		select {
		case err := <-done:
			t.Logf("the run ended before the kill: %v\n%s", err, out.String())
			return false
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("no kill point within 2 minutes\n%s", out.String())
		case <-time.After(time.Millisecond):
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	err := <-done
	var exit *exec.ExitError
	return errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled()
}
