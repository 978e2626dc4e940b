package dedup_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// stepLog is an Observer that keeps every call's step times.
type stepLog struct {
	mu    sync.Mutex
	ops   []string
	times []dedup.StepTimes
}

func (l *stepLog) ObserveQuery(int, int) {}

func (l *stepLog) ObserveSteps(op string, t dedup.StepTimes) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = append(l.ops, op)
	l.times = append(l.times, t)
}

// last returns the last call's op and times, and forgets every call.
func (l *stepLog) last(t *testing.T) (string, dedup.StepTimes) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ops) != 1 {
		t.Fatalf("%d calls observed (%v), want 1", len(l.ops), l.ops)
	}
	op, times := l.ops[0], l.times[0]
	l.ops, l.times = nil, nil
	return op, times
}

func sum(t dedup.StepTimes) time.Duration {
	var s time.Duration
	for _, d := range t {
		s += d
	}
	return s
}

// Every step an ingest takes is timed, and no more than the call's own
// time is; a check takes no store or cluster step.
func TestObserverTimesEachStep(t *testing.T) {
	log := &stepLog{}
	svc := dedup.NewService(memstore.New(), dedup.Options{Observer: log})
	ingest(t, svc, "orig", strings.Join(paras, "\n\n"), day(1))
	log.last(t)

	start := time.Now()
	cp := ingest(t, svc, "copy", "Bridge to close\n\n"+strings.Join(paras[:4], "\n\n"), day(2))
	took := time.Since(start)
	if len(cp.Matches) == 0 {
		t.Fatal("the copy matched nothing")
	}
	op, times := log.last(t)
	if op != "ingest" {
		t.Errorf("op %q, want ingest", op)
	}
	for step, d := range times {
		if d <= 0 {
			t.Errorf("ingest step %s: %v, want > 0", dedup.Step(step), d)
		}
	}
	if s := sum(times); s > took {
		t.Errorf("steps add up to %v, more than the call's %v", s, took)
	}

	if _, err := svc.Check(t.Context(), dedup.ArticleInput{Source: "test", Body: strings.Join(paras[1:], "\n\n")}, dedup.Thresholds{}); err != nil {
		t.Fatal(err)
	}
	op, times = log.last(t)
	if op != "check" {
		t.Errorf("op %q, want check", op)
	}
	for _, step := range []dedup.Step{dedup.StepStore, dedup.StepLockWait, dedup.StepClusters} {
		if times[step] != 0 {
			t.Errorf("check step %s: %v, want 0 (not taken)", step, times[step])
		}
	}
	for _, step := range []dedup.Step{dedup.StepCandidates, dedup.StepProfiles, dedup.StepVerify, dedup.StepResults} {
		if times[step] <= 0 {
			t.Errorf("check step %s: %v, want > 0", step, times[step])
		}
	}
}

// A bulk loader's batch waits between StoreBatch and Match, and between
// Match and Attach, for the batch before it: that wait is no step's.
func TestStepsLeaveOutTheWaitBetweenHalves(t *testing.T) {
	log := &stepLog{}
	svc := dedup.NewService(memstore.New(), dedup.Options{Observer: log})
	ctx := t.Context()
	var ps []*dedup.Prepared
	for i, body := range []string{strings.Join(paras, "\n\n"), "Bridge to close\n\n" + strings.Join(paras[:4], "\n\n")} {
		p, err := dedup.Prepare(dedup.ArticleInput{ExternalID: string(rune('a' + i)), Source: "test", Body: body, PublishedAt: day(1)})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	const pause = 30 * time.Millisecond
	start := time.Now()
	sb, err := svc.StoreBatch(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(pause)
	mb, err := svc.Match(ctx, sb)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(pause)
	if _, err := svc.Attach(ctx, mb, true); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	_, times := log.last(t)
	if s := sum(times); s > took-2*pause {
		t.Errorf("steps add up to %v, more than the %v the calls worked", s, took-2*pause)
	}
	if times[dedup.StepStore] <= 0 || times[dedup.StepClusters] <= 0 {
		t.Errorf("store %v, clusters %v: want both > 0", times[dedup.StepStore], times[dedup.StepClusters])
	}
}
