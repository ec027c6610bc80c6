package labelmaps

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBuiltinMaps(t *testing.T) {
	tests := []struct {
		name, label, want string
		keep              bool
	}{
		{"presidio", "GPE", "LOCATION", true},
		{"presidio", "zip_code", "STREET_ADDRESS", true},
		{"presidio", "ORGANIZATION", Ignore, false},
		{"presidio", "DOMAIN_NAME", "URL", true},
		{"presidio_synth_dataset_v2", "Credit_Card", "CREDIT_CARD", true},
		{"wnut17", "person", "PERSON", true},
		{"wnut17", "creative-work", Ignore, false},
		{"meddocan", "NOMBRE_PERSONAL_SANITARIO", "PERSON", true},
		{"meddocan", "ID_ASEGURAMIENTO", ID, true},
		{"meddocan", "EDAD_SUJETO_ASISTENCIA", Ignore, false},
		{"meddocan", "UNKNOWN_LABEL", "UNKNOWN_LABEL", true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.label, func(t *testing.T) {
			m, ok := Builtin(tt.name)
			if !ok {
				t.Fatalf("Builtin(%q) missing", tt.name)
			}
			got, keep := m.Apply(tt.label)
			if got != tt.want || keep != tt.keep {
				t.Errorf("Apply(%q) = %q,%v; want %q,%v", tt.label, got, keep, tt.want, tt.keep)
			}
		})
	}
}

func TestLoadFileAndErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "m.json")
	if err := os.WriteFile(good, []byte(`{"Person":"person","Org":"ignore"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if got, keep := m.Apply("PERSON"); got != "PERSON" || !keep {
		t.Errorf("Apply(PERSON) = %q,%v", got, keep)
	}
	if _, keep := m.Apply("org"); keep {
		t.Errorf("org should be ignored")
	}
	if got := m.Targets(); len(got) != 1 || got[0] != "PERSON" {
		t.Errorf("Targets = %v", got)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"a":"X","A":"Y"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil {
		t.Error("conflicting keys: want error")
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: want error")
	}
	if len(Names()) != 3 {
		t.Errorf("Names = %v", Names())
	}
}
