package main

import (
	"time"

	"github.com/newsdedup/newsdedup/internal/dedup"
)

// doc is one line of a benchmark's docs.jsonl or of a gencorpus corpus.
type doc struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Source    string `json:"source"`
	Published string `json:"published"`
}

// input is the doc as newsdedup's service takes it, as cmd/eval sends it.
func (d doc) input() dedup.ArticleInput {
	in := dedup.ArticleInput{ExternalID: d.ID, Title: d.Title, Body: d.Text, Source: d.Source, Format: dedup.FormatText}
	if t, err := time.Parse(time.RFC3339, d.Published); err == nil {
		in.PublishedAt = t
	}
	return in
}
