package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// SignatureHeader is the header Meta signs webhook deliveries with.
const SignatureHeader = "X-Hub-Signature-256"

const signaturePrefix = "sha256="

// Signature errors. All mean "not from Meta (or wrong app secret)": answer
// 401 and do not parse the body.
var (
	// ErrSignatureMissing means the request has no X-Hub-Signature-256.
	ErrSignatureMissing = errors.New("signature missing")
	// ErrSignatureMalformed means the header is not "sha256=" followed by
	// 64 hex digits.
	ErrSignatureMalformed = errors.New("signature malformed")
	// ErrSignatureMismatch means the HMAC does not match the body.
	ErrSignatureMismatch = errors.New("signature mismatch")
)

// Sign returns the X-Hub-Signature-256 value for body:
// "sha256=" + lowercase hex of HMAC-SHA256(appSecret, body).
func Sign(appSecret, body []byte) string {
	mac := hmac.New(sha256.New, appSecret)
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks header against the raw request body, exactly as
// received (never re-serialized JSON). The comparison is constant-time.
// Upper-case hex digits are accepted; the "sha256=" prefix is not optional.
func VerifySignature(appSecret, body []byte, header string) error {
	if header == "" {
		return ErrSignatureMissing
	}
	hexSig, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok || len(hexSig) != 2*sha256.Size {
		return ErrSignatureMalformed
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return ErrSignatureMalformed
	}
	mac := hmac.New(sha256.New, appSecret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return ErrSignatureMismatch
	}
	return nil
}
