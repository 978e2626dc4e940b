package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// synthStopwords give generated sentences the function words rewrites are
// matched by.
var synthStopwords = strings.Fields("the of and to in a is that for on with as by at from was were said it has have be will an")

// synthWord makes a pseudo-word from syllables; the vocabulary is large
// enough that unrelated stories share little.
func synthWord(r *rand.Rand) string {
	syl := []string{"ka", "lo", "mi", "ten", "ra", "vus", "pe", "dor", "an", "quil", "so", "bre", "tu", "nix", "gal", "ot"}
	n := 2 + r.IntN(2)
	var b strings.Builder
	for range n {
		b.WriteString(syl[r.IntN(len(syl))])
	}
	return b.String()
}

func synthSentence(r *rand.Rand) string {
	n := 8 + r.IntN(12)
	words := make([]string, n)
	for i := range words {
		if r.IntN(3) == 0 {
			words[i] = synthStopwords[r.IntN(len(synthStopwords))]
		} else {
			words[i] = synthWord(r)
		}
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}

// synthArticles returns n deterministic articles as JSONL lines in the API's
// fields: stories of random sentences, about a third of them near-copies of
// an earlier story (a sentence dropped, a boilerplate line added). It also
// returns their source/external_id keys.
func synthArticles(n int, seed uint64) (lines, keys []string) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var stories [][]string
	for i := range n {
		var sents []string
		if len(stories) > 0 && r.IntN(3) == 0 {
			orig := stories[r.IntN(len(stories))]
			sents = append([]string(nil), orig...)
			if len(sents) > 6 {
				drop := r.IntN(len(sents))
				sents = append(sents[:drop], sents[drop+1:]...)
			}
			sents = append(sents, "\n\nCopyright the wire service, all rights reserved.")
		} else {
			for j := range 8 + r.IntN(8) {
				s := synthSentence(r)
				if j > 0 && j%2 == 0 {
					s = "\n\n" + s // paragraphs of two sentences
				}
				sents = append(sents, s)
			}
			stories = append(stories, sents)
		}
		id := fmt.Sprintf("s-%05d", i)
		b, err := json.Marshal(map[string]string{
			"external_id": id, "source": "synth", "title": sents[0], "body": strings.Join(sents, " "),
		})
		if err != nil {
			panic(err)
		}
		lines = append(lines, string(b))
		keys = append(keys, "synth/"+id)
	}
	return lines, keys
}
