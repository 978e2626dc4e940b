package dedup

import "slices"

// FingerprintVersion identifies the normalization, features and key scheme
// that produced a Fingerprint. It is stored with every row; bump it whenever
// any of them changes. A stored article whose row has an older version is
// re-indexed (fingerprinted, keyed and matched again) when it is submitted
// again, unchanged: by the API, the ingest hook, or a backfill run over the
// same archive.
const FingerprintVersion = 11

// Fingerprint is everything computed from an article's text that matching needs.
type Fingerprint struct {
	Version     int
	ContentHash uint64 // hash of the normalized token stream: equal means an exact copy
	SimHash     uint64 // 64-bit SimHash over weighted shingles
	Tokens      int    // number of normalized tokens
	// Keys are the candidate keys (MinHash LSH bands, SimHash blocks,
	// passage anchors, stopword-run anchors, name-set bands, entity runs):
	// two articles are compared only if they share one.
	Keys []uint64
	// Features is an opaque encoding of the shingle sets verification needs.
	Features []byte
}

// Analyze normalizes a body and computes its fingerprint.
func Analyze(body string, format Format) (*Text, *Fingerprint) {
	t, fp, _ := analyze(body, format)
	return t, fp
}

func analyze(body string, format Format) (*Text, *Fingerprint, *profile) {
	t := Normalize(body, format)
	p := profileOfTokens(t.Clean, tokenize(t))
	return t, fingerprintProfile(p), p
}

// fingerprintProfile computes the fingerprint of a profile; its features
// keep the profile's recurring runs.
func fingerprintProfile(p *profile) *Fingerprint {
	features := encodeFeatures(p)
	toks := p.toks
	content := uint64(len(toks))
	for _, t := range toks {
		content = mix64(content ^ uint64(t))
	}
	fp := &Fingerprint{
		Version:     FingerprintVersion,
		ContentHash: content,
		Tokens:      len(toks),
		Features:    features,
	}
	if len(toks) == 0 {
		return fp
	}
	// The profile's shingles and grams are hashed for verification only;
	// what is stored is made of the stable hashes.
	shingles := shingleHashes(toks, shingleWords)
	grams, _, _ := skeletonGrams(toks, skeletonWords)
	fp.SimHash = simHash(toks, shingles)
	feats := make([]uint64, 0, len(shingles)+len(grams))
	feats = append(feats, shingles...)
	for _, g := range grams {
		feats = append(feats, ^g)
	}
	fp.Keys = append(fp.Keys, lshKeys(minHash(feats))...)
	fp.Keys = append(fp.Keys, simHashKeys(fp.SimHash)...)
	fp.Keys = append(fp.Keys, winnow(shingleHashes(toks, anchorWords), winnowSpan, keyAnchor)...)
	fp.Keys = append(fp.Keys, skeletonKeys(grams)...)
	fp.Keys = append(fp.Keys, nameKeys(p)...)
	fp.Keys = append(fp.Keys, entityKeys(p)...)
	fp.Keys = dedupKeys(fp.Keys)
	return fp
}

// dedupKeys sorts keys and removes repeats.
func dedupKeys(keys []uint64) []uint64 {
	slices.Sort(keys)
	return slices.Compact(keys)
}
