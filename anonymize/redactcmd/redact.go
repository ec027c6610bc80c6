package redactcmd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/store"
)

// Usage is the command's help text.
const Usage = `usage: veil redact [flags] [file ...]

Reads messages, one per line, from the files (or stdin, or "-") and writes
each with its personal data replaced. With --jsonl every line is a JSON
object whose --field holds the message; the object is written back with
that field replaced.

Flags:
`

type options struct {
	operator  string
	json      bool
	jsonl     bool
	field     string
	lang      string
	region    string
	threshold float64
	keepLast  int
}

// Run runs `veil redact` with args (without the command name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	ops := make([]string, len(anonymize.Operators))
	for i, op := range anonymize.Operators {
		ops[i] = string(op)
	}
	fs.StringVar(&o.operator, "operator", string(anonymize.OpReplace), "how to replace values: "+strings.Join(ops, ", ")+
		"; per type too, comma-separated: replace,PERSON=surrogate,PHONE_NUMBER=mask")
	fs.BoolVar(&o.json, "json", false, "write one JSON object per message: the redacted text and the spans found (type, byte offsets, score, recognizer)")
	fs.BoolVar(&o.jsonl, "jsonl", false, "read JSON objects, one per line, and redact their --field")
	fs.StringVar(&o.field, "field", "text", "with --jsonl, the field holding the message")
	fs.StringVar(&o.lang, "lang", "en", "language of the messages: en, es")
	fs.StringVar(&o.region, "region", "", "default phone region (ISO 3166 code, e.g. ES), or a WhatsApp number to take it from")
	fs.Float64Var(&o.threshold, "threshold", anonymize.DefaultAnalyzerConfig().Threshold, "minimum score of a span")
	fs.IntVar(&o.keepLast, "keep", 4, "with --operator mask, characters kept at the end")
	fs.Usage = func() {
		fmt.Fprint(stderr, Usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("redact: %w", err)
	}
	def, perType, err := parseOperators(o.operator, o.keepLast)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	if o.lang != "en" && o.lang != "es" {
		return fmt.Errorf("redact: unsupported --lang %q (en, es)", o.lang)
	}
	region := strings.ToUpper(o.region)
	if region != "" && strings.Trim(region, "+0123456789 ") == "" {
		region = anonymize.RegionForNumber(region)
	}
	acfg := anonymize.DefaultAnalyzerConfig()
	acfg.Threshold = o.threshold
	acfg.Language = o.lang
	acfg.Region = region
	analyzer, err := anonymize.NewAnalyzer(acfg, anonymize.DefaultRecognizers()...)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	sealer, err := newEphemeralSealer()
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	engine, err := anonymize.NewEngine(anonymize.EngineConfig{Default: def, Operators: perType}, analyzer, newMemVault(), sealer)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	// Every message of one run is one conversation: a pseudonym stays the
	// same across lines and files.
	conv := anonymize.Conversation{ID: "redact", Subject: "redact", Region: region, Language: o.lang}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		var r io.Reader
		if name == "-" {
			r = stdin
		} else {
			f, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("redact: %w", err)
			}
			r = f
			defer f.Close()
		}
		if err := process(ctx, engine, conv, &o, name, r, w); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("redact: write: %w", err)
	}
	return nil
}

// spanOut is a span in --json output.
type spanOut struct {
	Type       string  `json:"type"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Score      float64 `json:"score"`
	Recognizer string  `json:"recognizer"`
	Validated  bool    `json:"validated,omitempty"`
	Token      string  `json:"replacement"`
}

type lineOut struct {
	Text  string    `json:"text"`
	Spans []spanOut `json:"spans"`
}

func process(ctx context.Context, e *anonymize.Engine, conv anonymize.Conversation, o *options, name string, r io.Reader, w *bufio.Writer) error {
	br := bufio.NewReaderSize(r, 64*1024)
	lineNo := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := br.ReadString('\n')
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("redact: read %s: %w", name, err)
		}
		lineNo++
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		if o.jsonl {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := processJSON(ctx, e, conv, o, line, w); err != nil {
				return fmt.Errorf("redact: %s:%d: %w", name, lineNo, err)
			}
		} else {
			res, err := e.Anonymize(ctx, conv, strings.ToValidUTF8(line, "\uFFFD"))
			if err != nil {
				return fmt.Errorf("redact: %s:%d: %w", name, lineNo, err)
			}
			if o.json {
				b, err := marshal(toLineOut(res))
				if err != nil {
					return fmt.Errorf("redact: %w", err)
				}
				w.Write(b)
			} else {
				w.WriteString(res.Text)
			}
			w.WriteByte('\n')
		}
		if err != nil {
			return nil // EOF after a last line without newline
		}
	}
}

func toLineOut(res anonymize.Result) lineOut {
	out := lineOut{Text: res.Text, Spans: make([]spanOut, len(res.Spans))}
	for i, s := range res.Spans {
		out.Spans[i] = spanOut{Type: s.Type, Start: s.Start, End: s.End, Score: s.Score, Recognizer: s.Recognizer, Validated: s.Validated, Token: res.Tokens[i]}
	}
	return out
}

func processJSON(ctx context.Context, e *anonymize.Engine, conv anonymize.Conversation, o *options, line string, w *bufio.Writer) error {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	raw, ok := obj[o.field]
	if !ok {
		return fmt.Errorf("no field %q", o.field)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return fmt.Errorf("field %q is not a string", o.field)
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	res, err := e.Anonymize(ctx, conv, text)
	if err != nil {
		return err
	}
	if obj[o.field], err = marshal(res.Text); err != nil {
		return err
	}
	if o.json {
		if obj["spans"], err = marshal(toLineOut(res).Spans); err != nil {
			return err
		}
	}
	b, err := marshal(obj) // map keys come out sorted
	if err != nil {
		return err
	}
	w.Write(b)
	w.WriteByte('\n')
	return nil
}

// marshal is json.Marshal without HTML escaping, so tokens stay readable
// (<EMAIL_1>, not \u003cEMAIL_1\u003e).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// memVault is the in-memory vault of one `veil redact` run.
type memVault struct {
	mu      sync.Mutex
	entries map[string][]store.VaultEntry
}

var _ store.Vault = (*memVault)(nil)

func newMemVault() *memVault { return &memVault{entries: map[string][]store.VaultEntry{}} }

func (v *memVault) PutEntry(_ context.Context, e store.VaultEntry) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.entries[e.Conversation] = append(v.entries[e.Conversation], e)
	return nil
}

func (v *memVault) LookupIndex(_ context.Context, conv string, index []byte) (store.VaultEntry, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, e := range v.entries[conv] {
		if hmac.Equal(e.Index, index) {
			return e, nil
		}
	}
	return store.VaultEntry{}, store.ErrNotFound
}

func (v *memVault) Entries(_ context.Context, conv string) ([]store.VaultEntry, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]store.VaultEntry(nil), v.entries[conv]...), nil
}

// ephemeralSealer keys AES-256-GCM and HMAC-SHA256 with a random key that
// lives as long as the process: hashes and ciphertexts of one run cannot
// be linked to another's.
type ephemeralSealer struct {
	aead cipher.AEAD
	mac  []byte
}

var _ anonymize.Sealer = (*ephemeralSealer)(nil)

func newEphemeralSealer() (*ephemeralSealer, error) {
	key := make([]byte, 64)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(key[:32])
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &ephemeralSealer{aead: g, mac: key[32:]}, nil
}

func (s *ephemeralSealer) Seal(_ context.Context, subject string, pt, aad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, pt, append([]byte(subject+"\x00"), aad...)), nil
}

func (s *ephemeralSealer) Open(_ context.Context, subject string, ct, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(ct) < n {
		return nil, errors.New("short ciphertext")
	}
	return s.aead.Open(nil, ct[:n], ct[n:], append([]byte(subject+"\x00"), aad...))
}

func (s *ephemeralSealer) BlindIndex(_ context.Context, subject string, value []byte) ([]byte, error) {
	m := hmac.New(sha256.New, s.mac)
	m.Write([]byte(subject + "\x00"))
	m.Write(value)
	return m.Sum(nil), nil
}

// parseOperators reads "replace" or "replace,PERSON=surrogate,PHONE_NUMBER=mask".
func parseOperators(spec string, keep int) (anonymize.OperatorConfig, map[string]anonymize.OperatorConfig, error) {
	def := anonymize.OperatorConfig{Operator: anonymize.OpReplace, KeepLast: keep}
	per := map[string]anonymize.OperatorConfig{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		typ, name, perType := strings.Cut(part, "=")
		if !perType {
			name = typ
		}
		op, err := anonymize.ParseOperator(name)
		if err != nil {
			return def, nil, err
		}
		oc := anonymize.OperatorConfig{Operator: op, KeepLast: keep}
		if perType {
			per[strings.ToUpper(strings.TrimSpace(typ))] = oc
		} else {
			def = oc
		}
	}
	return def, per, nil
}
