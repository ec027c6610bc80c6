package pii

import "unicode/utf8"

// offsets converts between code-point and byte offsets of one text.
type offsets struct {
	text  string
	runes int
	// byteOf[i] is the byte offset of code point i (len runes+1); nil when
	// the text is ASCII and both offsets agree.
	byteOf []int
}

func newOffsets(text string) offsets {
	o := offsets{text: text}
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		o.runes = len(text)
		return o
	}
	o.byteOf = make([]int, 0, len(text)+1)
	for i := range text {
		o.byteOf = append(o.byteOf, i)
	}
	o.runes = len(o.byteOf)
	o.byteOf = append(o.byteOf, len(text))
	return o
}

// byteAt returns the byte offset of code point r (0 ≤ r ≤ runes).
func (o offsets) byteAt(r int) int {
	if o.byteOf == nil {
		return r
	}
	return o.byteOf[r]
}

// runeAt returns the code-point index of byte offset b. A b inside a
// multi-byte character maps to that character; b is clamped to the text.
func (o offsets) runeAt(b int) int {
	if b <= 0 {
		return 0
	}
	if b >= len(o.text) {
		return o.runes
	}
	if o.byteOf == nil {
		return b
	}
	// Binary search: the largest i with byteOf[i] <= b.
	lo, hi := 0, o.runes
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if o.byteOf[mid] <= b {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
