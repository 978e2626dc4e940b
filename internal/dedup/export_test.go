package dedup

// VerifyStored verifies the text of fingerprint q against each of stored as
// a batch ingest does, decoding every stored profile afresh, and returns how
// many of them it links to (for benchmarks of the external test package).
func VerifyStored(q *Fingerprint, stored []*Fingerprint) int {
	p, err := profileOf(q)
	if err != nil {
		panic(err)
	}
	th := Thresholds{}.withDefaults()
	linked := 0
	for _, f := range stored {
		sp, err := profileOf(f)
		if err != nil {
			panic(err)
		}
		if rel, _ := classify(compare(p, sp), th); rel != "" {
			linked++
		}
	}
	return linked
}

// DecodeStored decodes a stored fingerprint's profile, as loading a
// candidate does without the cache, and returns its token count.
func DecodeStored(f *Fingerprint) int {
	p, err := profileOf(f)
	if err != nil {
		panic(err)
	}
	return len(p.toks)
}
