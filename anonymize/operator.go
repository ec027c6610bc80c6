package anonymize

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Operator names how a found value is replaced.
type Operator string

// Operators.
const (
	// OpPseudonymize replaces a value by a token such as <EMAIL_1>,
	// consistent within a conversation and reversible through the vault.
	OpPseudonymize Operator = "pseudonymize"
	// OpReplace replaces a value by its type: <EMAIL_ADDRESS>.
	OpReplace Operator = "replace"
	// OpRedact removes the value.
	OpRedact Operator = "redact"
	// OpMask replaces characters by MaskChar, keeping the last KeepLast
	// letters or digits (separators are kept as they are).
	OpMask Operator = "mask"
	// OpHash replaces a value by a keyed hash (the sealer's blind index of
	// the normalized value), hex-encoded: equal values give equal hashes for
	// one subject and nothing can be learnt without the key.
	OpHash Operator = "hash"
	// OpEncrypt replaces a value by <ENC:base64url(ciphertext)>, sealed with
	// the subject's key; Engine.Decrypt reverses it.
	OpEncrypt Operator = "encrypt"
	// OpSurrogate replaces a value by a realistic fake of the same type and
	// format (a name by a name, a card by a Luhn-valid card), the same fake
	// for the same value all conversation long, so an LLM reads natural
	// text; the vault maps it back like a pseudonym.
	OpSurrogate Operator = "surrogate"
)

// Operators lists every operator name, for flags and config validation.
var Operators = []Operator{OpPseudonymize, OpSurrogate, OpReplace, OpRedact, OpMask, OpHash, OpEncrypt}

// OperatorConfig configures the operator of one entity type.
type OperatorConfig struct {
	Operator Operator `yaml:"operator" json:"operator"`
	// MaskChar is the mask character; 0 means '*'.
	MaskChar rune `yaml:"mask_char" json:"mask_char,omitempty"`
	// KeepLast is how many trailing letters or digits a mask keeps.
	KeepLast int `yaml:"keep_last" json:"keep_last,omitempty"`
	// HashLen is how many hex characters of the hash are written; 0 means 16.
	HashLen int `yaml:"hash_len" json:"hash_len,omitempty"`
}

// ParseOperator returns the operator named s.
func ParseOperator(s string) (Operator, error) {
	for _, o := range Operators {
		if string(o) == strings.ToLower(strings.TrimSpace(s)) {
			return o, nil
		}
	}
	return "", fmt.Errorf("anonymize: unknown operator %q", s)
}

func (oc OperatorConfig) validate() error {
	if _, err := ParseOperator(string(oc.Operator)); err != nil {
		return err
	}
	if oc.KeepLast < 0 {
		return fmt.Errorf("operator %s: negative keep_last", oc.Operator)
	}
	if oc.HashLen < 0 || oc.HashLen > 64 {
		return fmt.Errorf("operator %s: hash_len %d outside [0,64]", oc.Operator, oc.HashLen)
	}
	return nil
}

const encPrefix = "<ENC:"

// apply runs every operator but pseudonymize.
func (e *Engine) apply(ctx context.Context, conv Conversation, oc OperatorConfig, s Span, value string) (string, error) {
	switch oc.Operator {
	case OpReplace:
		return "<" + s.Type + ">", nil
	case OpRedact:
		return "", nil
	case OpMask:
		return Mask(value, oc.MaskChar, oc.KeepLast), nil
	case OpHash:
		hash := e.cfg.Hash
		if hash == nil {
			if e.sealer == nil {
				return "", fmt.Errorf("anonymize: hash operator needs a sealer or EngineConfig.Hash")
			}
			hash = e.sealer.BlindIndex
		}
		h, err := hash(ctx, conv.Subject, indexInput(s.Type, NormalizeValue(s.Type, value, conv.Region)))
		if err != nil {
			return "", fmt.Errorf("anonymize: hash: %w", err)
		}
		n := oc.HashLen
		if n == 0 {
			n = 16
		}
		x := hex.EncodeToString(h)
		if n < len(x) {
			x = x[:n]
		}
		return "<" + TokenLabel(s.Type) + ":" + x + ">", nil
	case OpEncrypt:
		if e.sealer == nil {
			return "", fmt.Errorf("anonymize: encrypt operator needs a sealer")
		}
		ct, err := e.sealer.Seal(ctx, conv.Subject, []byte(value), encryptAAD(conv.Subject))
		if err != nil {
			return "", fmt.Errorf("anonymize: encrypt: %w", err)
		}
		return encPrefix + base64.RawURLEncoding.EncodeToString(ct) + ">", nil
	}
	return "", fmt.Errorf("anonymize: operator %q not applicable here", oc.Operator)
}

func encryptAAD(subject string) []byte { return []byte("veil/encrypt/v1\x00" + subject) }

// Decrypt restores the values the encrypt operator wrote in text for conv's
// subject. A value that does not open (another subject's, altered) is left
// as it is.
func (e *Engine) Decrypt(ctx context.Context, conv Conversation, text string) (string, error) {
	if e.sealer == nil || !strings.Contains(text, encPrefix) {
		return text, nil
	}
	var b strings.Builder
	rest := text
	for {
		k := strings.Index(rest, encPrefix)
		if k < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[k:], '>')
		if end < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:k])
		enc := rest[k+len(encPrefix) : k+end]
		ct, err := base64.RawURLEncoding.DecodeString(enc)
		var pt []byte
		if err == nil {
			pt, err = e.sealer.Open(ctx, conv.Subject, ct, encryptAAD(conv.Subject))
		}
		if err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			b.WriteString(rest[k : k+end+1])
		} else {
			b.Write(pt)
		}
		rest = rest[k+end+1:]
	}
}

// Mask replaces each letter and digit of value by maskChar ('*' when 0),
// keeping the last keepLast of them; other characters (separators, '@',
// '.') stay, so the format remains readable.
func Mask(value string, maskChar rune, keepLast int) string {
	if maskChar == 0 {
		maskChar = '*'
	}
	total := 0
	for _, r := range value {
		if isMaskable(r) {
			total++
		}
	}
	var b strings.Builder
	b.Grow(len(value))
	seen := 0
	for _, r := range value {
		if !isMaskable(r) {
			b.WriteRune(r)
			continue
		}
		seen++
		if seen > total-keepLast {
			b.WriteRune(r)
		} else {
			b.WriteRune(maskChar)
		}
	}
	return b.String()
}

func isMaskable(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnum(byte(r))
	}
	return r != utf8.RuneError && !isSpaceRune(r)
}

func isSpaceRune(r rune) bool {
	return r == '\u00a0' || r == '\u2007' || r == '\u202f' || r == '\u3000'
}
