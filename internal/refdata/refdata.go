// Package refdata finds the team's reference data sets for tests: the
// directory ../shared/data beside the module root (presidio-research,
// WNUT17, MEDDOCAN, CLINC150; see that directory's README for licences).
package refdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel under the reference data directory. When it
// is missing the test fails if the CI environment variable is set, and is
// skipped otherwise: CI must never pass by skipping an accuracy test.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p, err := find(rel)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("reference data %s: %v", rel, err)
		}
		tb.Skipf("reference data %s: %v", rel, err)
	}
	return p
}

// find walks up from the working directory to go.mod and stats
// ../shared/data/rel from there.
func find(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}
