package classifier

import (
	"math"
	"slices"
)

// Feature blocks: word n-grams and character n-grams are weighted and
// normalised separately, then combined.
const (
	blockWord = 0
	blockChar = 1
)

// FNV-1a, 64 bit. Feature strings are hashed, never stored: the vocabulary
// maps hashes to column indices (64-bit collisions are negligible at this
// size).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashByte(h uint64, c byte) uint64 { return (h ^ uint64(c)) * fnvPrime }

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// sparse is a feature vector: sorted column indices and their values.
type sparse struct {
	idx []int32
	val []float32
}

// featureSpace turns tokens into TF-IDF weighted sparse vectors.
type featureSpace struct {
	WordN      int     // word n-grams 1..WordN
	CharMin    int     // character n-grams CharMin..CharMax inside " word "
	CharMax    int     //
	CharWeight float32 // weight of the char block relative to the word block
	Sublinear  bool    // 1+log(tf) instead of tf
	SkipWindow int     // ordered word pairs up to this far apart (skip-bigrams, distance ≥ 2)

	Index map[uint64]int32 // feature hash → column
	IDF   []float32        // per column
	Block []uint8          // per column: blockWord or blockChar
}

// eachFeature calls fn once per feature occurrence in tokens.
func (fs *featureSpace) eachFeature(tokens []string, fn func(h uint64, block uint8, pair bool)) {
	// Word n-grams with sentence boundary markers for n ≥ 2.
	for _, t := range tokens {
		fn(hashString(hashByte(fnvOffset, 'w'), t), blockWord, false)
	}
	for n := 2; n <= fs.WordN; n++ {
		// Positions -1 and len(tokens) are the boundary markers.
		for start := -1; start+n <= len(tokens)+1; start++ {
			h := hashByte(fnvOffset, byte('0'+n))
			for k := start; k < start+n; k++ {
				switch {
				case k < 0:
					h = hashString(h, "^")
				case k >= len(tokens):
					h = hashString(h, "$")
				default:
					h = hashString(h, tokens[k])
				}
				h = hashByte(h, 0)
			}
			fn(h, blockWord, true)
		}
	}
	for i := range tokens {
		for j := i + 2; j < len(tokens) && j-i <= fs.SkipWindow; j++ {
			a, b := tokens[i], tokens[j]
			h := hashByte(fnvOffset, 's')
			h = hashByte(hashString(h, a), 0)
			fn(hashString(h, b), blockWord, true)
		}
	}
	if fs.CharMax <= 0 {
		return
	}
	var bounds [66]int
	for _, t := range tokens {
		if len(t) > 62 {
			t = t[:62]
		}
		// Rune start offsets inside " " + t + " ".
		nb := 0
		bounds[nb] = 0
		nb++
		for i := range t {
			bounds[nb] = 1 + i
			nb++
		}
		bounds[nb] = 1 + len(t)
		nb++
		bounds[nb] = 2 + len(t) // end sentinel
		runes := nb             // number of runes in the padded word
		padded := func(i int) byte {
			switch {
			case i == 0 || i == len(t)+1:
				return ' '
			default:
				return t[i-1]
			}
		}
		for n := fs.CharMin; n <= fs.CharMax; n++ {
			for s := 0; s+n <= runes; s++ {
				if n == 1 && (s == 0 || s == runes-1) {
					continue // a bare boundary is not a feature
				}
				h := hashByte(fnvOffset, 'c')
				for i := bounds[s]; i < bounds[s+n]; i++ {
					h = hashByte(h, padded(i))
				}
				fn(h, blockChar, false)
			}
		}
	}
}

// fit builds the vocabulary from the training token lists: all words and
// character n-grams, and the word pairs seen in at least minPairDF
// utterances.
func (fs *featureSpace) fit(docs [][]string, minPairDF int) {
	df := make(map[uint64]int32)
	blk := make(map[uint64]uint8)
	pairs := make(map[uint64]bool)
	seen := make(map[uint64]struct{}, 256)
	for _, toks := range docs {
		clear(seen)
		fs.eachFeature(toks, func(h uint64, b uint8, pair bool) {
			if _, ok := seen[h]; ok {
				return
			}
			seen[h] = struct{}{}
			df[h]++
			blk[h] = b
			if pair {
				pairs[h] = true
			}
		})
	}
	keys := make([]uint64, 0, len(df))
	for h, n := range df {
		if !pairs[h] || int(n) >= minPairDF {
			keys = append(keys, h)
		}
	}
	slices.Sort(keys) // deterministic column order
	fs.Index = make(map[uint64]int32, len(keys))
	fs.IDF = make([]float32, len(keys))
	fs.Block = make([]uint8, len(keys))
	n := float64(len(docs))
	for i, h := range keys {
		fs.Index[h] = int32(i)
		fs.IDF[i] = float32(math.Log((1+n)/(1+float64(df[h]))) + 1)
		fs.Block[i] = blk[h]
	}
}

// dim is the number of columns.
func (fs *featureSpace) dim() int { return len(fs.IDF) }

// vector returns the weighted, normalised vector for tokens. Features not
// in the vocabulary are ignored.
func (fs *featureSpace) vector(tokens []string) sparse {
	cols := make([]int32, 0, 256)
	fs.eachFeature(tokens, func(h uint64, _ uint8, _ bool) {
		if c, ok := fs.Index[h]; ok {
			cols = append(cols, c)
		}
	})
	slices.Sort(cols)
	v := sparse{idx: cols[:0], val: make([]float32, 0, len(cols))}
	for i := 0; i < len(cols); {
		j := i
		for j < len(cols) && cols[j] == cols[i] {
			j++
		}
		tf := float32(j - i)
		if fs.Sublinear {
			tf = 1 + float32(math.Log(float64(tf)))
		}
		v.idx = append(v.idx, cols[i])
		v.val = append(v.val, tf*fs.IDF[cols[i]])
		i = j
	}
	// L2-normalise each block, weight it, then normalise the whole vector.
	var ss [2]float64
	for k, c := range v.idx {
		ss[fs.Block[c]] += float64(v.val[k]) * float64(v.val[k])
	}
	var scale [2]float32
	for b := range ss {
		if ss[b] > 0 {
			scale[b] = float32(1 / math.Sqrt(ss[b]))
		}
	}
	scale[blockChar] *= fs.CharWeight
	var tot float64
	for k, c := range v.idx {
		v.val[k] *= scale[fs.Block[c]]
		tot += float64(v.val[k]) * float64(v.val[k])
	}
	if tot > 0 {
		inv := float32(1 / math.Sqrt(tot))
		for k := range v.val {
			v.val[k] *= inv
		}
	}
	return v
}
