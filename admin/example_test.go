package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/veilhq/veil/admin"
	"github.com/veilhq/veil/audit"
	"github.com/veilhq/veil/store/bolt"
)

// The wiring `veil serve` does: one store serves as audit log, ledger and
// transcripts; the eraser is the chat's erasure path.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "veil-admin-example")
	defer os.RemoveAll(dir)
	st, _ := bolt.Open(filepath.Join(dir, "veil.db"), bolt.Options{})
	defer st.Close()

	const token = "0123456789abcdef0123456789abcdef" // from `openssl rand -hex 16`
	cfg := admin.Config{Tokens: []admin.TokenConfig{{Name: "dpo", Role: admin.RoleAuditor, TokenSHA256: admin.HashToken(token)}}}
	h, err := admin.New(cfg, admin.Deps{
		Audit: st, Ledger: st, Transcripts: st,
		Reporter: &audit.Auditor{Source: st, Log: st},
		Eraser:   func(ctx context.Context, subject, evidence string) error { return nil }, // shred, delete, tombstone
		Subject:  func(waID string) string { return "" },                                   // keyring.Keyring.Subject
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", h)

	for _, tok := range []string{token, "wrong"} {
		r := httptest.NewRequest("GET", "/admin/audit", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// 200
	// 401
}
