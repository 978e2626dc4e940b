package dedup

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Shingle widths. Word shingles of shingleWords words carry exact reuse;
// runs of skeletonWords stopwords (with the content words between them
// ignored) carry reworded reuse; anchorWords-word shingles, winnowed, are the
// passage anchors that find partial reuse (and runs of skeletonKeyWords
// stopwords, winnowed, those that find reworded text).
const (
	shingleWords  = 4
	skeletonWords = 6
	anchorWords   = 5
)

// mix64 is the splitmix64 finalizer: a cheap bijection with good avalanche,
// used to combine and spread hashes.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingleHashes returns the hash of every run of k consecutive token hashes,
// in order. A text shorter than k gives one shingle of all its tokens.
func shingleHashes(toks []uint32, k int) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	n := max(len(toks)-k+1, 1)
	out := make([]uint64, n)
	if k == 4 && len(toks) >= 4 {
		// The same hashes, unrolled: decoding a stored profile spends
		// much of its time here.
		for i := range out {
			w := toks[i : i+4 : i+4]
			h := mix64(4 ^ uint64(w[0]&^stopBit))
			h = mix64(h ^ uint64(w[1]&^stopBit))
			h = mix64(h ^ uint64(w[2]&^stopBit))
			out[i] = mix64(h ^ uint64(w[3]&^stopBit))
		}
		return out
	}
	for i := range out {
		h := uint64(k)
		for _, t := range toks[i:min(i+k, len(toks))] {
			h = mix64(h ^ uint64(t&^stopBit))
		}
		out[i] = h
	}
	return out
}

// skeletonGrams returns the hash of every run of m consecutive stopwords,
// with the token index of the run's first and last stopword. first and
// last share their storage: they are read, never changed.
func skeletonGrams(toks []uint32, m int) (grams []uint64, first, last []int32) {
	pos, n := stopwordRuns(toks, m)
	if n == 0 {
		return nil, nil, nil
	}
	grams = make([]uint64, n)
	for j := range n {
		h := uint64(m) << 32
		for _, p := range pos[j : j+m] {
			h = mix64(h ^ uint64(toks[p]))
		}
		grams[j] = h
	}
	return grams, pos[:n:n], pos[m-1:]
}

// stopwordRuns returns the token index of every stopword of toks and the
// number of runs of m consecutive stopwords: the j-th run starts at the
// j-th stopword and ends at the (j+m-1)-th.
func stopwordRuns(toks []uint32, m int) (pos []int32, n int) {
	// Stopwords and content words alternate unpredictably: count and
	// collect them without branching on which a token is.
	stops := 0
	for _, t := range toks {
		stops += int(t >> stopShift)
	}
	if stops < m {
		return nil, 0
	}
	pos = make([]int32, stops+1) // one slot over, written and dropped
	j := 0
	for i, t := range toks {
		pos[j] = int32(i)
		j += int(t >> stopShift)
	}
	return pos[:stops:stops], stops - m + 1
}

// Verification hashes. shingleHashes and skeletonGrams make the hashes
// that candidate keys and the SimHash are built from: they are stored, so
// they change only with FingerprintVersion. Verification hashes the same
// shingles and grams again each time it decodes a stored profile, and
// compares them only with hashes made the same way in the same process, so
// it uses a cheaper hash: the tokens two by two as 64-bit words, combined
// by multiplying by an odd constant and adding (Horner's rule), and mixed
// once at the end. Token hashes are well mixed, so two different shingles
// collide with a probability of about 2^-64, as with the chained hash; a
// collision would only count one shingle as matched.
const pairMul = 0x9e3779b97f4a7c15

// verifyShingles and verifyGrams are written out for these widths: a
// change to either fails to compile here.
var _ = [1]struct{}{}[shingleWords-4]
var _ = [1]struct{}{}[skeletonWords-6]

// pair is two token hashes as one word.
func pair(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// verifyShingles returns a hash of every run of shingleWords consecutive
// token hashes, in order (a text shorter than that gives one shingle of
// all its tokens), for verification only.
func verifyShingles(toks []uint32) []uint64 {
	if len(toks) < shingleWords {
		return shingleHashes(toks, shingleWords)
	}
	out := make([]uint64, len(toks)-shingleWords+1)
	for i := range out {
		w := toks[i : i+shingleWords : i+shingleWords]
		a := pair(w[0]&^stopBit, w[1]&^stopBit)
		b := pair(w[2]&^stopBit, w[3]&^stopBit)
		out[i] = mix64(a*pairMul + b)
	}
	return out
}

// verifyGrams is skeletonGrams(toks, skeletonWords) with verification
// hashes.
func verifyGrams(toks []uint32) (grams []uint64, first, last []int32) {
	const m = skeletonWords
	pos, n := stopwordRuns(toks, m)
	if n == 0 {
		return nil, nil, nil
	}
	grams = make([]uint64, n)
	for j := range n {
		p := pos[j : j+m : j+m]
		a := pair(toks[p[0]], toks[p[1]])
		b := pair(toks[p[2]], toks[p[3]])
		c := pair(toks[p[4]], toks[p[5]])
		grams[j] = mix64((a*pairMul+b)*pairMul + c)
	}
	return grams, pos[:n:n], pos[m-1:]
}

// encodeFeatures packs a profile as the opaque Fingerprint.Features: a
// format byte, the number of tokens (uvarint), four little-endian bytes per
// token, the number of figures (uvarint) and per figure its distance from
// the previous figure's start and its length in tokens less one, the
// number of names and per name its distance from the previous one, then
// per run of recurring furniture its distance from the end of the previous
// run and its length (uvarints).
func encodeFeatures(p *profile) []byte {
	out := make([]byte, 0, 2+3*binary.MaxVarintLen64+4*len(p.toks)+2*len(p.figures)+len(p.names)+2*len(p.recurring))
	out = append(out, featuresFormat)
	out = binary.AppendUvarint(out, uint64(len(p.toks)))
	for _, t := range p.toks {
		out = binary.LittleEndian.AppendUint32(out, t)
	}
	out = binary.AppendUvarint(out, uint64(len(p.figures)))
	prev := int32(-1)
	for _, f := range p.figures {
		out = binary.AppendUvarint(out, uint64(f.at-prev))
		out = binary.AppendUvarint(out, uint64(f.n-1))
		prev = f.at
	}
	out = binary.AppendUvarint(out, uint64(len(p.names)))
	prev = -1
	for _, f := range p.names {
		out = binary.AppendUvarint(out, uint64(f.at-prev))
		prev = f.at
	}
	end := int32(0)
	for _, r := range p.recurring {
		out = binary.AppendUvarint(out, uint64(r.at-end))
		out = binary.AppendUvarint(out, uint64(r.n))
		end = r.at + r.n
	}
	return out
}

// Features formats: 1 held the tokens, 2 added the figures (to the end of
// the encoding), 3 counts the figures and adds the recurring runs, 4 adds
// the names after the figures.
const (
	featuresFormat   = 4
	featuresFormatV3 = 3
	featuresFormatV2 = 2
	featuresFormatV1 = 1
)

var errFeatures = errors.New("decode features: bad encoding")

// decodeFeatures unpacks what encodeFeatures packed (or an older format)
// into the profile it was made from.
func decodeFeatures(b []byte) (*profile, error) {
	if len(b) == 0 {
		return newProfile(nil, nil), nil
	}
	format := b[0]
	var n uint64
	rest := b[1:]
	switch format {
	case featuresFormatV1:
		if len(rest)%4 != 0 {
			return nil, errFeatures
		}
		return newProfile(readTokens(rest, len(rest)/4), nil), nil
	case featuresFormatV2, featuresFormatV3, featuresFormat:
		var k int
		n, k = binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k)/4 {
			return nil, errFeatures
		}
		rest = rest[k:]
	default:
		return nil, errFeatures
	}
	toks := readTokens(rest, int(n))
	rest = rest[4*n:]
	r := &varints{b: rest}
	nFigures := uint64(len(rest)) // format 2: figures to the end
	if format != featuresFormatV2 {
		nFigures = r.next(n)
	}
	var figures []wordSpan
	prev := int64(-1)
	for i := uint64(0); i < nFigures && r.ok() && (format != featuresFormatV2 || len(r.b) > 0); i++ {
		gap, more := r.next(n), r.next(n-1)
		prev += int64(gap)
		if gap == 0 || prev+int64(more) >= int64(n) {
			return nil, errFeatures
		}
		figures = append(figures, wordSpan{at: int32(prev), n: int32(more) + 1})
	}
	var names []wordSpan
	if format == featuresFormat {
		nNames := r.next(n)
		prev = -1
		for i := uint64(0); i < nNames && r.ok(); i++ {
			gap := r.next(n)
			prev += int64(gap)
			if gap == 0 || prev >= int64(n) {
				return nil, errFeatures
			}
			names = append(names, wordSpan{at: int32(prev), n: 1})
		}
	}
	var runs []tokenRun
	end := uint64(0)
	for r.ok() && len(r.b) > 0 {
		gap, length := r.next(n), r.next(n)
		end += gap + length
		if length == 0 || end > n {
			return nil, errFeatures
		}
		runs = append(runs, tokenRun{at: int32(end - length), n: int32(length)})
	}
	if !r.ok() {
		return nil, errFeatures
	}
	p := newProfile(toks, figures)
	p.names = names
	p.setRecurring(runs)
	return p, nil
}

// varints reads uvarints no greater than a bound; a bad one or one past
// the bound leaves it not ok.
type varints struct {
	b   []byte
	bad bool
}

func (r *varints) next(bound uint64) uint64 {
	if r.bad {
		return 0
	}
	v, k := binary.Uvarint(r.b)
	if k <= 0 || v > bound {
		r.bad = true
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *varints) ok() bool { return !r.bad }

func readTokens(b []byte, n int) []uint32 {
	toks := make([]uint32, n)
	for i := range toks {
		toks[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return toks
}

// hamming returns the number of differing bits.
func hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }
