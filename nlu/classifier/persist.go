package classifier

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
)

// File format, version 2 (little endian):
//
//	"VEILNLUC" | uint32 version | uint64 n | n bytes gob(header) |
//	float32 W[Dim*K] | float32 B[K] | uint32 CRC-32 (IEEE) of all bytes before it
const (
	fileMagic = "VEILNLUC"
	// fileVersion 2: Config gained OOSMargin, which changes how a model
	// with an oos class decides; version 1 files are rejected (retrain).
	fileVersion = 2
	maxHeader   = 1 << 30
	maxWeights  = 1 << 31
)

// ErrBadModelFile is wrapped by Load's errors for input that is not a
// model file of this version or that is damaged; retrain and save again.
var ErrBadModelFile = errors.New("bad model file")

// header is the gob-encoded part of a model file.
type header struct {
	Config     Config
	Intents    []string
	OOS        int
	WordN      int
	SkipWindow int
	CharMin    int
	CharMax    int
	CharWeight float32
	Sublinear  bool
	Keys       []uint64 // feature hash per column
	IDF        []float32
	Block      []uint8
	Dim, K     int
}

// Save writes the trained model to w in a versioned binary format that
// Load reads back. It returns ErrNotTrained before training.
func (c *Classifier) Save(w io.Writer) error {
	m := c.model.Load()
	if m == nil {
		return ErrNotTrained
	}
	fs := &m.Features
	h := header{
		Config: c.cfg, Intents: m.Intents, OOS: m.OOS,
		WordN: fs.WordN, SkipWindow: fs.SkipWindow, CharMin: fs.CharMin, CharMax: fs.CharMax,
		CharWeight: fs.CharWeight, Sublinear: fs.Sublinear,
		Keys: make([]uint64, fs.dim()), IDF: fs.IDF, Block: fs.Block,
		Dim: m.Linear.Dim, K: m.Linear.K,
	}
	for key, col := range fs.Index {
		h.Keys[col] = key
	}
	var hb bytes.Buffer
	if err := gob.NewEncoder(&hb).Encode(&h); err != nil {
		return fmt.Errorf("classifier: save: %w", err)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16)
	var buf [12]byte
	bw.WriteString(fileMagic)
	binary.LittleEndian.PutUint32(buf[:4], fileVersion)
	binary.LittleEndian.PutUint64(buf[4:12], uint64(hb.Len()))
	bw.Write(buf[:12])
	bw.Write(hb.Bytes())
	for _, s := range [][]float32{m.Linear.W, m.Linear.B} {
		for _, v := range s {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(v))
			bw.Write(buf[:4])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("classifier: save: %w", err)
	}
	binary.LittleEndian.PutUint32(buf[:4], crc.Sum32())
	if _, err := w.Write(buf[:4]); err != nil {
		return fmt.Errorf("classifier: save: %w", err)
	}
	return nil
}

// Load reads a model written by Save. It fails with an error wrapping
// ErrBadModelFile when r holds something else, another format version, or
// a damaged (truncated, altered) file.
func Load(r io.Reader) (*Classifier, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("classifier: load: %w: "+format, append([]any{ErrBadModelFile}, args...)...)
	}
	crc := crc32.NewIEEE()
	br := bufio.NewReaderSize(r, 1<<16)
	tr := io.TeeReader(br, crc)
	var pre [20]byte
	if _, err := io.ReadFull(tr, pre[:]); err != nil {
		return nil, bad("reading header: %v", err)
	}
	if string(pre[:8]) != fileMagic {
		return nil, bad("not a Veil classifier model")
	}
	if v := binary.LittleEndian.Uint32(pre[8:12]); v != fileVersion {
		return nil, bad("format version %d, this build reads version %d; retrain and save the model again", v, fileVersion)
	}
	n := binary.LittleEndian.Uint64(pre[12:20])
	if n > maxHeader {
		return nil, bad("header size %d too large", n)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(tr, hb); err != nil {
		return nil, bad("reading header: %v", err)
	}
	var h header
	if err := gob.NewDecoder(bytes.NewReader(hb)).Decode(&h); err != nil {
		return nil, bad("decoding header: %v", err)
	}
	if err := checkHeader(&h); err != nil {
		return nil, bad("%v", err)
	}
	m := &model{Intents: h.Intents, OOS: h.OOS}
	m.Features = featureSpace{
		WordN: h.WordN, SkipWindow: h.SkipWindow, CharMin: h.CharMin, CharMax: h.CharMax,
		CharWeight: h.CharWeight, Sublinear: h.Sublinear,
		Index: make(map[uint64]int32, len(h.Keys)), IDF: h.IDF, Block: h.Block,
	}
	for col, key := range h.Keys {
		m.Features.Index[key] = int32(col)
	}
	m.Linear = linear{Dim: h.Dim, K: h.K}
	var err error
	if m.Linear.W, err = readFloats(tr, h.Dim*h.K); err != nil {
		return nil, bad("reading weights: %v", err)
	}
	if m.Linear.B, err = readFloats(tr, h.K); err != nil {
		return nil, bad("reading biases: %v", err)
	}
	if err := checkSum(br, crc); err != nil {
		return nil, bad("%v", err)
	}
	c := New(h.Config)
	c.model.Store(m)
	return c, nil
}

func checkHeader(h *header) error {
	switch {
	case h.K < 2 || h.K != len(h.Intents):
		return fmt.Errorf("%d classes for %d intents", h.K, len(h.Intents))
	case h.Dim < 0 || h.Dim != len(h.Keys) || h.Dim != len(h.IDF) || h.Dim != len(h.Block):
		return fmt.Errorf("inconsistent feature count %d", h.Dim)
	case int64(h.Dim)*int64(h.K) > maxWeights:
		return fmt.Errorf("%d×%d weights too many", h.Dim, h.K)
	case h.OOS < -1 || h.OOS >= h.K:
		return fmt.Errorf("oos class %d out of range", h.OOS)
	}
	for _, b := range h.Block {
		if b > blockChar {
			return fmt.Errorf("unknown feature block %d", b)
		}
	}
	if err := h.Config.Validate(); err != nil {
		return err
	}
	return nil
}

func readFloats(r io.Reader, n int) ([]float32, error) {
	out := make([]float32, n)
	buf := make([]byte, 1<<16)
	for i := 0; i < n; {
		chunk := min(len(buf)/4, n-i)
		if _, err := io.ReadFull(r, buf[:chunk*4]); err != nil {
			return nil, err
		}
		for j := range chunk {
			out[i+j] = math.Float32frombits(binary.LittleEndian.Uint32(buf[j*4:]))
		}
		i += chunk
	}
	return out, nil
}

// checkSum reads the trailing CRC (not part of the sum) and compares.
func checkSum(r io.Reader, crc hash.Hash32) error {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return fmt.Errorf("reading checksum: %v", err)
	}
	if binary.LittleEndian.Uint32(b[:]) != crc.Sum32() {
		return errors.New("checksum mismatch, the file is damaged")
	}
	return nil
}
