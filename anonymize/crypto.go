package anonymize

import (
	"bytes"
	"crypto/sha256"
	"math/big"
	"strings"
)

// CryptoRecognizer finds cryptocurrency addresses: Bitcoin legacy and P2SH
// (Base58Check, version byte checked), Bitcoin SegWit/Taproot (Bech32 and
// Bech32m checksum), and Ethereum (0x and 40 hex digits; no checksum, so a
// wallet word nearby or mixed case is required).
type CryptoRecognizer struct{}

var _ Recognizer = CryptoRecognizer{}

// Name implements Recognizer.
func (CryptoRecognizer) Name() string { return "crypto" }

var cryptoContext = wordSet("wallet", "address", "eth", "ethereum", "btc", "bitcoin", "crypto", "billetera", "cartera", "dirección", "direccion", "send", "enviar", "usdt", "usdc")

var big58 = big.NewInt(58)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// Recognize implements Recognizer.
func (r CryptoRecognizer) Recognize(text string) []Span {
	return r.recognizeAfterDigit(text, AnalyzeOptions{}, 0)
}

// recognizeAfterDigit implements digitScanner: every address holds a
// digit in its first three characters (1…, 3…, bc1…, 0x…).
func (CryptoRecognizer) recognizeAfterDigit(text string, _ AnalyzeOptions, firstDigit int) []Span {
	var out []Span
	for i := max(0, firstDigit-2); i+26 <= len(text); i++ {
		c := text[i]
		if c != '1' && c != '3' && c != 'b' && c != 'B' && c != '0' || !wordStart(text, i) {
			continue
		}
		j := i
		for j < len(text) && isAlnum(text[j]) && j-i <= 90 {
			j++
		}
		if !wordEnd(text, j) {
			continue
		}
		cand := text[i:j]
		s := Span{Start: i, End: j, Type: EntityCrypto, Recognizer: "crypto"}
		switch {
		case (c == '1' || c == '3') && len(cand) >= 26 && len(cand) <= 35 && base58Check(cand):
			s.Score, s.Validated = 1, true
		case (c == 'b' || c == 'B') && hasPrefixFold(cand, "bc1") && bech32Valid(cand):
			s.Score, s.Validated = 1, true
		case c == '0' && len(cand) == 42 && (cand[1] == 'x' || cand[1] == 'X') && allHex(cand[2:]):
			mixed := strings.ToLower(cand[2:]) != cand[2:] && strings.ToUpper(cand[2:]) != cand[2:]
			if !mixed && !hasContext(text, i, j, 40, cryptoContext, false) {
				i = j - 1
				continue
			}
			s.Score = 0.8
		default:
			i = j - 1
			continue
		}
		out = append(out, s)
		i = j - 1
	}
	return out
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func base58Check(s string) bool {
	n := new(big.Int)
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(base58Alphabet, s[i])
		if k < 0 {
			return false
		}
		n.Mul(n, big58)
		n.Add(n, big.NewInt(int64(k)))
	}
	b := n.Bytes()
	for i := 0; i < len(s) && s[i] == '1'; i++ {
		b = append([]byte{0}, b...)
	}
	if len(b) != 25 || b[0] != 0x00 && b[0] != 0x05 {
		return false
	}
	h := sha256.Sum256(b[:21])
	h = sha256.Sum256(h[:])
	return bytes.Equal(h[:4], b[21:])
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

func bech32Valid(s string) bool {
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return false
	}
	s = strings.ToLower(s)
	pos := strings.LastIndexByte(s, '1')
	if pos < 1 || pos+7 > len(s) || len(s) > 90 {
		return false
	}
	hrp, data := s[:pos], s[pos+1:]
	values := make([]int, 0, len(hrp)*2+1+len(data))
	for i := 0; i < len(hrp); i++ {
		values = append(values, int(hrp[i]>>5))
	}
	values = append(values, 0)
	for i := 0; i < len(hrp); i++ {
		values = append(values, int(hrp[i]&31))
	}
	for i := 0; i < len(data); i++ {
		k := strings.IndexByte(bech32Charset, data[i])
		if k < 0 {
			return false
		}
		values = append(values, k)
	}
	gen := [5]int{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := 1
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ v
		for i := 0; i < 5; i++ {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk == 1 || chk == 0x2bc830a3 // Bech32, Bech32m
}
