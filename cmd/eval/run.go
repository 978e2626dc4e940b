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
	"slices"
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
	"github.com/newsdedup/newsdedup/internal/memstore"
)

// doc is one line of a benchmark's docs.jsonl.
type doc struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Source    string `json:"source"`
	Published string `json:"published"`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bench := fs.String("bench", "", "benchmark folder holding docs.jsonl")
	out := fs.String("out", "", "folder to write clusters.tsv and links.tsv into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bench == "" || *out == "" {
		return errors.New("-bench and -out are required")
	}
	docs, err := readDocs(filepath.Join(*bench, "docs.jsonl"))
	if err != nil {
		return err
	}
	st := memstore.New()
	svc := dedup.NewService(st, dedup.Options{})
	start := time.Now()
	ids := make(map[int64]string, len(docs))
	rejected := 0
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := svc.Ingest(ctx, toInput(d))
		if errors.Is(err, dedup.ErrInvalid) {
			rejected++
			fmt.Fprintf(stderr, "doc %s rejected: %v\n", d.ID, err)
			continue
		}
		if err != nil {
			return fmt.Errorf("ingest %s: %w", d.ID, err)
		}
		ids[res.Article.ID] = d.ID
	}
	elapsed := time.Since(start)
	if err := writePredictions(ctx, *out, svc, st, ids, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ingested %d docs (%d rejected) in %s: %.0f docs/s\n", len(docs), rejected, elapsed.Round(time.Millisecond), float64(len(docs))/elapsed.Seconds())
	return nil
}

func toInput(d doc) dedup.ArticleInput {
	in := dedup.ArticleInput{ExternalID: d.ID, Title: d.Title, Body: d.Text, Source: d.Source, Format: dedup.FormatText}
	if t, err := time.Parse(time.RFC3339, d.Published); err == nil {
		in.PublishedAt = t
	}
	return in
}

func readDocs(path string) ([]doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []doc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, len(docs)+1, err)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// writePredictions writes every ingested article's cluster and every link,
// and prints the cluster-size distribution.
func writePredictions(ctx context.Context, dir string, svc *dedup.Service, st *memstore.Store, ids map[int64]string, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cf, err := os.Create(filepath.Join(dir, "clusters.tsv"))
	if err != nil {
		return err
	}
	defer cf.Close()
	lf, err := os.Create(filepath.Join(dir, "links.tsv"))
	if err != nil {
		return err
	}
	defer lf.Close()
	cw, lw := bufio.NewWriter(cf), bufio.NewWriter(lf)
	fmt.Fprintln(cw, "id\tcluster")
	fmt.Fprintln(lw, "id_a\tid_b\trelation")
	sizes := map[int64]int{}
	aids := make([]int64, 0, len(ids))
	for id := range ids {
		aids = append(aids, id)
	}
	slices.Sort(aids)
	for _, id := range aids {
		a, err := svc.GetArticle(ctx, id)
		if err != nil {
			return err
		}
		sizes[a.ClusterID]++
		fmt.Fprintf(cw, "%s\tc%d\n", ids[id], a.ClusterID)
		links, err := st.ListLinks(ctx, id)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.A == id {
				fmt.Fprintf(lw, "%s\t%s\t%s\n", ids[l.A], ids[l.B], l.Relation)
			}
		}
	}
	printSizes(stdout, sizes)
	// Flushed before closed: arguments are evaluated left to right.
	return errors.Join(cw.Flush(), lw.Flush(), cf.Close(), lf.Close())
}

func printSizes(w io.Writer, sizes map[int64]int) {
	hist := map[int]int{}
	for _, n := range sizes {
		hist[n]++
	}
	var ks []int
	for k := range hist {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	fmt.Fprint(w, "cluster sizes:")
	for _, k := range ks {
		fmt.Fprintf(w, " %d:%d", k, hist[k])
	}
	fmt.Fprintln(w)
}
