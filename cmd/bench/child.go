package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/cmd/bench/peers"
	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// cmdChild is the hidden command the bench runs itself as, once per
// system and benchmark, so that each system's peak RSS is its own.
const cmdChild = "child"

// childStats is what a child reports on stdout as JSON.
type childStats struct {
	Spec           string  `json:"spec"`
	Docs           int     `json:"docs"`
	Seconds        float64 `json:"seconds"`
	ArticlesPerSec float64 `json:"articles_per_s"`
	PeakRSSKiB     int64   `json:"peak_rss_kib"`
	Stopped        bool    `json:"stopped,omitempty"` // the budget ran out before the last doc
	// TooMany means the peer made more than -max-links matches and was
	// stopped: its clusters would be one giant component.
	TooMany bool         `json:"too_many,omitempty"`
	Curve   []curvePoint `json:"curve,omitempty"`
}

// curvePoint is the mean cost per article over the window of articles
// that ends when Stored articles are stored.
type curvePoint struct {
	Stored int     `json:"stored"`
	Micros float64 `json:"us_per_article"`
}

// childConfig is the child's flags.
type childConfig struct {
	Spec   string
	Docs   string
	Limit  int
	Pred   string        // write predictions here; empty writes none
	Budget time.Duration // stop after this long; 0: never
	Window int           // articles per curve point; 0: no curve
	PGURL  string
	// MaxLinks stops a peer that has made more matches than this; 0: no
	// bound.
	MaxLinks int
}

func parseChildConfig(args []string, stderr io.Writer) (childConfig, error) {
	var c childConfig
	fs := flag.NewFlagSet("bench child", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Spec, "spec", "", "system spec")
	fs.StringVar(&c.Docs, "docs", "", "docs.jsonl to ingest")
	fs.IntVar(&c.Limit, "limit", 0, "ingest only the first this many docs")
	fs.StringVar(&c.Pred, "pred", "", "write clusters.tsv, links.tsv (and matches.tsv) here")
	fs.DurationVar(&c.Budget, "budget", 0, "stop after this long")
	fs.IntVar(&c.Window, "window", 0, "report the mean cost per article of each window of this many")
	fs.StringVar(&c.PGURL, "pg-url", "", "Postgres URL for pg_trgm")
	fs.IntVar(&c.MaxLinks, "max-links", 0, "stop a peer after this many matches (0: no bound)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Spec == "" || c.Docs == "" {
		return c, errors.New("child: -spec and -docs are required")
	}
	return c, nil
}

// runChild ingests the docs through one system and writes its predictions
// and stats.
func runChild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseChildConfig(args, stderr)
	if err != nil {
		return err
	}
	sp, err := parseSpec(c.Spec)
	if err != nil {
		return err
	}
	docs, err := readDocs(c.Docs, c.Limit)
	if err != nil {
		return err
	}
	clock := newStopwatch(c.Budget, c.Window)
	var pred *prediction
	if sp.Kind == "newsdedup" {
		pred, err = runNewsdedup(ctx, docs, clock)
	} else {
		pred, err = runPeer(ctx, sp, c.PGURL, c.MaxLinks, docs, clock)
	}
	tooMany := errors.Is(err, errTooMany)
	if err != nil && !tooMany {
		return err
	}
	if c.Pred != "" && !tooMany {
		if err := pred.write(c.Pred); err != nil {
			return err
		}
	}
	st := childStats{Spec: c.Spec, Docs: clock.n, Seconds: clock.total.Seconds(), Stopped: clock.stopped, TooMany: tooMany, Curve: clock.curve}
	if clock.total > 0 {
		st.ArticlesPerSec = float64(clock.n) / clock.total.Seconds()
	}
	if st.PeakRSSKiB, err = peakRSS(); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(st)
}

// stopwatch times each article, sums the times, cuts the curve into
// windows, and says when the budget is spent.
type stopwatch struct {
	budget  time.Duration
	window  int
	n       int
	total   time.Duration
	win     time.Duration
	stopped bool
	curve   []curvePoint
}

func newStopwatch(budget time.Duration, window int) *stopwatch {
	return &stopwatch{budget: budget, window: window}
}

// observe records one article's time and reports whether to go on.
func (s *stopwatch) observe(took time.Duration) bool {
	s.n++
	s.total += took
	s.win += took
	if s.window > 0 && s.n%s.window == 0 {
		s.curve = append(s.curve, curvePoint{Stored: s.n, Micros: float64(s.win.Microseconds()) / float64(s.window)})
		s.win = 0
	}
	if s.budget > 0 && s.total >= s.budget {
		s.stopped = true
	}
	return !s.stopped
}

// prediction is what score.py reads: each ingested doc's cluster, and the
// links. Matches (peers only) keep each link's score for tuning.
type prediction struct {
	ids      []string
	clusters []string
	links    [][3]string
	matches  []peers.Link
	docIDs   []string // peers: doc id of each index
}

func runNewsdedup(ctx context.Context, docs []doc, clock *stopwatch) (*prediction, error) {
	st := memstore.New()
	svc := dedup.NewService(st, dedup.Options{})
	ids := map[int64]string{}
	var order []int64
	for _, d := range docs {
		start := time.Now()
		res, err := svc.Ingest(ctx, d.input())
		took := time.Since(start)
		if errors.Is(err, dedup.ErrInvalid) {
			continue // not stored: score.py counts the doc as missing
		}
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", d.ID, err)
		}
		ids[res.Article.ID] = d.ID
		order = append(order, res.Article.ID)
		if !clock.observe(took) {
			break
		}
	}
	p := &prediction{}
	for _, id := range order {
		a, err := svc.GetArticle(ctx, id)
		if err != nil {
			return nil, err
		}
		p.ids = append(p.ids, ids[id])
		p.clusters = append(p.clusters, "c"+strconv.FormatInt(a.ClusterID, 10))
		links, err := st.ListLinks(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if l.A == id {
				p.links = append(p.links, [3]string{ids[l.A], ids[l.B], string(l.Relation)})
			}
		}
	}
	return p, nil
}

// errTooMany stops a peer that made more matches than allowed.
var errTooMany = errors.New("too many matches")

// capped stops a peer with errTooMany once it has made more than max
// matches.
type capped struct {
	peers.Peer
	max, n int
}

func (c *capped) Process(ctx context.Context, index int, text string) ([]peers.Hit, error) {
	hits, err := c.Peer.Process(ctx, index, text)
	if c.n += len(hits); c.max > 0 && c.n > c.max {
		return nil, errTooMany
	}
	return hits, err
}

func runPeer(ctx context.Context, sp spec, pgURL string, maxLinks int, docs []doc, clock *stopwatch) (p *prediction, err error) {
	peer, err := newPeer(ctx, sp, pgURL)
	if err != nil {
		return nil, err
	}
	defer func() {
		// Clean up (pg_trgm drops its database) even when ctx was
		// cancelled by a signal or the parent's timeout.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		err = errors.Join(err, peer.Close(cctx))
	}()
	peer = &capped{Peer: peer, max: maxLinks}
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	links, err := peers.Run(ctx, peer, texts, func(_ int, took time.Duration) bool { return clock.observe(took) })
	if err != nil {
		return nil, err
	}
	n := clock.n
	p = &prediction{matches: links}
	for i, root := range peers.Cluster(n, links) {
		p.ids = append(p.ids, docs[i].ID)
		p.clusters = append(p.clusters, "p"+strconv.Itoa(root))
		p.docIDs = append(p.docIDs, docs[i].ID)
	}
	for _, l := range links {
		p.links = append(p.links, [3]string{docs[l.A].ID, docs[l.B].ID, "match"})
	}
	return p, nil
}

// write writes clusters.tsv, links.tsv and, for a peer, matches.tsv (with
// each match's score) into dir.
func (p *prediction) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	clusters := make([][]string, len(p.ids))
	for i := range p.ids {
		clusters[i] = []string{p.ids[i], p.clusters[i]}
	}
	links := make([][]string, len(p.links))
	for i, l := range p.links {
		links[i] = l[:]
	}
	matches := make([][]string, len(p.matches))
	for i, m := range p.matches {
		matches[i] = []string{p.docIDs[m.A], p.docIDs[m.B], strconv.FormatFloat(m.Score, 'g', -1, 64)}
	}
	return errors.Join(
		writeTSV(filepath.Join(dir, "clusters.tsv"), []string{"id", "cluster"}, clusters),
		writeTSV(filepath.Join(dir, "links.tsv"), []string{"id_a", "id_b", "relation"}, links),
		writeTSV(filepath.Join(dir, "matches.tsv"), []string{"id_a", "id_b", "score"}, matches),
	)
}

func writeTSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	return errors.Join(w.Flush(), f.Close())
}

// peakRSS is the process's peak resident set size (VmHWM) in KiB.
func peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("read peak RSS: %w", err)
	}
	n := statusKiB(string(b), "VmHWM:")
	if n == 0 {
		return 0, errors.New("read peak RSS: no VmHWM in /proc/self/status")
	}
	return n, nil
}
