package bolt

import (
	"bytes"
	"testing"
	"time"
)

func TestTimeKeyOrder(t *testing.T) {
	ref := time.Date(2026, 1, 1, 0, 0, 0, 500, time.UTC)
	tests := []struct {
		name   string
		a, b   time.Time
		wantLT bool
	}{
		{"NanosecondLater", ref, ref.Add(1), true},
		{"SecondLater", ref, ref.Add(time.Second), true},
		{"Equal", ref, ref, false},
		{"Earlier", ref, ref.Add(-time.Nanosecond), false},
		{"ZeroBeforeEpoch", time.Time{}, time.Unix(0, 0), true},
		{"PreEpochOrder", time.Unix(-10, 0), time.Unix(-9, 0), true},
		{"FarFuture", ref, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"LocationIgnored", ref, ref.In(time.FixedZone("x", 3600)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := timeKey(tt.a), timeKey(tt.b)
			if len(ka) != timeLen || len(kb) != timeLen {
				t.Fatalf("key lengths %d, %d; want %d", len(ka), len(kb), timeLen)
			}
			if got := bytes.Compare(ka, kb) < 0; got != tt.wantLT {
				t.Errorf("timeKey(%v) < timeKey(%v) = %v, want %v", tt.a, tt.b, got, tt.wantLT)
			}
		})
	}
}

func FuzzTimeKeyOrder(f *testing.F) {
	f.Add(int64(0), int64(0), int64(1), int64(0))
	f.Add(int64(-62135596800), int64(0), int64(1767225600), int64(999999999))
	f.Fuzz(func(t *testing.T, s1, n1, s2, n2 int64) {
		a := time.Unix(s1, n1%1e9)
		b := time.Unix(s2, n2%1e9)
		want := a.Compare(b)
		if got := bytes.Compare(timeKey(a), timeKey(b)); got != want {
			t.Fatalf("order of %v and %v: keys compare %d, times %d", a, b, got, want)
		}
	})
}

// FuzzPrefixUnambiguous checks that lp(x) prefixes lp(y)+suffix only when
// x == y, so a subject scan never picks up another subject's keys.
func FuzzPrefixUnambiguous(f *testing.F) {
	f.Add("ab", "abc", []byte{0})
	f.Add("", "\x01", []byte("x"))
	f.Fuzz(func(t *testing.T, x, y string, suffix []byte) {
		if x == y {
			return
		}
		if bytes.HasPrefix(key(lp(y), suffix), lp(x)) {
			t.Fatalf("lp(%q) prefixes a key of %q", x, y)
		}
	})
}
