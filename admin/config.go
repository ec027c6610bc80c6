package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Role is what a token may do.
type Role string

const (
	RoleAuditor  Role = "auditor"  // the consent ledger, the report, the audit log
	RoleOperator Role = "operator" // pseudonymized transcripts
	RoleAdmin    Role = "admin"    // erasure on request
)

// MinTokenLen is the shortest token accepted from an environment variable
// (e.g. `openssl rand -hex 32` gives 64 characters).
const MinTokenLen = 32

// Config is the admin section of Veil's configuration (YAML key "admin").
// No tokens: the admin API is off.
type Config struct {
	Tokens []TokenConfig `yaml:"tokens" validate:"unique=Name,dive"`
}

// TokenConfig is one bearer token: exactly one of TokenSHA256 and
// TokenEnv.
type TokenConfig struct {
	Name string `yaml:"name" validate:"required,max=64,printascii,excludesall= "`
	Role Role   `yaml:"role" validate:"required,oneof=auditor operator admin"`
	// TokenSHA256 is the hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`).
	TokenSHA256 string `yaml:"token_sha256" validate:"required_without=TokenEnv,excluded_with=TokenEnv,omitempty,len=64,hexadecimal"`
	// TokenEnv names an environment variable holding the token itself;
	// it is hashed at start-up and not kept.
	TokenEnv string `yaml:"token_env" validate:"required_without=TokenSHA256,omitempty,max=128"`
}

// Enabled reports whether any token is configured.
func (c Config) Enabled() bool { return len(c.Tokens) > 0 }

var validate = validator.New(validator.WithRequiredStructEnabled())

// Validate checks c on its own (config.Config validates it when embedded).
func (c Config) Validate() error {
	if err := validate.Struct(c); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// credential is a resolved token: its name, role and SHA-256.
type credential struct {
	name string
	role Role
	hash [sha256.Size]byte
}

// credentials validates c and resolves every token's hash, reading
// TokenEnv variables with getenv (nil means os.Getenv). Errors name the
// token and the variable, never a token value.
func (c Config) credentials(getenv func(string) string) ([]credential, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	out := make([]credential, 0, len(c.Tokens))
	seen := map[[sha256.Size]byte]string{}
	var errs []error
	for _, t := range c.Tokens {
		cr := credential{name: t.Name, role: t.Role}
		if t.TokenSHA256 != "" {
			b, err := hex.DecodeString(strings.ToLower(t.TokenSHA256))
			if err != nil || len(b) != sha256.Size {
				errs = append(errs, fmt.Errorf("admin.tokens %s: token_sha256 must be 64 hex characters", t.Name))
				continue
			}
			copy(cr.hash[:], b)
		} else {
			tok := strings.TrimSpace(getenv(t.TokenEnv))
			if len(tok) < MinTokenLen {
				errs = append(errs, fmt.Errorf("admin.tokens %s: %s must hold a token of at least %d characters", t.Name, t.TokenEnv, MinTokenLen))
				continue
			}
			cr.hash = sha256.Sum256([]byte(tok))
		}
		if other, dup := seen[cr.hash]; dup {
			errs = append(errs, fmt.Errorf("admin.tokens %s: same token as %s (give every person their own)", t.Name, other))
			continue
		}
		seen[cr.hash] = t.Name
		out = append(out, cr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// HashToken returns the hex SHA-256 of a token, the value of token_sha256.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
