package keyring_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/veilhq/veil/keyring"
)

func TestParseMasterKey(t *testing.T) {
	// 0xfb bytes encode to '+' and '/' (std) or '-' and '_' (url).
	key := bytes.Repeat([]byte{0xfb, 0xef, 0xbe}, 11)[:32]
	tests := []struct {
		name    string
		in      string
		want    []byte
		wantErr string
	}{
		{"Std", base64.StdEncoding.EncodeToString(key), key, ""},
		{"RawStd", base64.RawStdEncoding.EncodeToString(key), key, ""},
		{"URL", base64.URLEncoding.EncodeToString(key), key, ""},
		{"RawURL", base64.RawURLEncoding.EncodeToString(key), key, ""},
		{"Whitespace", "  " + base64.StdEncoding.EncodeToString(key) + "\n", key, ""},
		{"Empty", "", nil, "empty"},
		{"Blank", " \n\t", nil, "empty"},
		{"NotBase64", "this is not a key!", nil, "not valid base64"},
		{"TooShort", base64.StdEncoding.EncodeToString(key[:16]), nil, "got 16"},
		{"TooLong", base64.StdEncoding.EncodeToString(append(key, 1)), nil, "got 33"},
		{"Hex", strings.Repeat("ab", 32), nil, "got 48"}, // hex is valid base64 of the wrong length
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keyring.ParseMasterKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMasterKey error = %v, want one containing %q", err, tt.wantErr)
				}
				if s := strings.TrimSpace(tt.in); s != "" && strings.Contains(err.Error(), s) {
					t.Errorf("error %q echoes the key", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMasterKey: %v", err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("ParseMasterKey = %x, want %x", got, tt.want)
			}
		})
	}
}

func TestGenerateMasterKeyParses(t *testing.T) {
	a, b := keyring.GenerateMasterKey(), keyring.GenerateMasterKey()
	if a == b {
		t.Error("two generated keys are equal")
	}
	if _, err := keyring.ParseMasterKey(a); err != nil {
		t.Errorf("generated key does not parse: %v", err)
	}
}

func TestLoadOrCreateMasterKeyFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	dir := filepath.Join(t.TempDir(), "secrets")
	path := filepath.Join(dir, "master.key")

	key, created, err := keyring.LoadOrCreateMasterKeyFile(path)
	if err != nil || !created || len(key) != keyring.KeySize {
		t.Fatalf("first call = %d bytes, created %v, %v; want a new 32-byte key", len(key), created, err)
	}
	for _, p := range []struct {
		path string
		want os.FileMode
	}{{path, 0o600}, {dir, 0o700}} {
		fi, err := os.Stat(p.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != p.want {
			t.Errorf("%s mode = %04o, want %04o", p.path, got, p.want)
		}
	}

	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 1 {
		t.Errorf("key directory holds %d entries (%v), want only the key file", len(ents), err)
	}

	again, created, err := keyring.LoadOrCreateMasterKeyFile(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Errorf("second call = created %v, %v, same key %v; want the existing key", created, err, bytes.Equal(again, key))
	}
}

func TestLoadMasterKeyFileRefuses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	valid := keyring.GenerateMasterKey() + "\n"
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string
	}{
		{"GroupReadable", valid, 0o640, "chmod 600"},
		{"WorldReadable", valid, 0o604, "chmod 600"},
		{"NotAKey", "hunter2\n", 0o600, "base64"},
		{"WrongLength", base64.StdEncoding.EncodeToString(make([]byte, 16)), 0o600, "32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			key, created, err := keyring.LoadOrCreateMasterKeyFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadOrCreateMasterKeyFile = %d bytes, %v, %v; want error containing %q", len(key), created, err, tt.wantErr)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Error("the refused file was modified")
			}
		})
	}
	t.Run("Directory", func(t *testing.T) {
		if _, _, err := keyring.LoadOrCreateMasterKeyFile(t.TempDir()); err == nil {
			t.Error("a directory was accepted as a key file")
		}
	})
}

func TestLoadOrCreateMasterKeyFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	const n = 8
	keys := make([][]byte, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], created[i], errs[i] = keyring.LoadOrCreateMasterKeyFile(path)
		}()
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if created[i] {
			creators++
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Errorf("call %d got a different key", i)
		}
	}
	if creators != 1 {
		t.Errorf("%d calls report creating the file, want 1", creators)
	}
	if ents, err := os.ReadDir(filepath.Dir(path)); err != nil || len(ents) != 1 {
		t.Errorf("directory holds %d entries (%v), want only the key file", len(ents), err)
	}
}
