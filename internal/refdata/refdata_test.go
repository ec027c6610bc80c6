package refdata

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name    string
		rel     string
		wantErr bool
	}{
		{"the data directory", ".", false},
		{"a missing file", "no/such/file.json", true},
	}
	// Whether ../shared/data exists decides what "." gives; check against
	// the file system itself rather than assume.
	_, statErr := os.Stat(filepath.Join("..", "..", "..", "shared", "data"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := find(tt.rel)
			wantErr := tt.wantErr || statErr != nil
			if (err != nil) != wantErr {
				t.Fatalf("find(%q) = %q, %v; want error %v", tt.rel, p, err, wantErr)
			}
			if err == nil && !filepath.IsAbs(p) {
				t.Errorf("find(%q) = %q, want an absolute path", tt.rel, p)
			}
		})
	}
}
