package postgres

import (
	"bytes"
	"testing"
)

func TestEnsureSettingFirstValueWins(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	got, err := s.EnsureSetting(ctx, "k", []byte("first"))
	if err != nil || !bytes.Equal(got, []byte("first")) {
		t.Fatalf("first = %q, %v", got, err)
	}
	got, err = s.EnsureSetting(ctx, "k", []byte("second"))
	if err != nil || !bytes.Equal(got, []byte("first")) {
		t.Fatalf("second = %q, %v; want the first value kept", got, err)
	}
}
