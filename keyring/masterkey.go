package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeySize is the length of the master key and of every data key.
const KeySize = 32

// ParseMasterKey decodes a base64 master key (standard or URL alphabet, with
// or without padding; whitespace is ignored). It must decode to exactly
// KeySize bytes. Errors never contain the key.
func ParseMasterKey(b64 string) ([]byte, error) {
	s := strings.Join(strings.Fields(b64), "")
	if s == "" {
		return nil, errors.New("keyring: master key is empty")
	}
	var (
		key []byte
		err error
	)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("keyring: master key is not valid base64 (generate one with: openssl rand -base64 32)")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("keyring: master key must decode to %d bytes, got %d (generate one with: openssl rand -base64 32)", KeySize, len(key))
	}
	return key, nil
}

// GenerateMasterKey returns a new random master key, base64 encoded.
func GenerateMasterKey() string {
	return base64.StdEncoding.EncodeToString(randomKey())
}

func randomKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k) // never fails (crypto/rand, Go 1.24+)
	return k
}

// LoadOrCreateMasterKeyFile reads the base64 master key at path, or creates
// the file with a new random key (mode 0600, parent directory 0700) when it
// does not exist; created reports which. An existing file that group or
// others may access is refused, as is one that does not hold a valid key.
// Two processes racing to create the file end up with the same key.
func LoadOrCreateMasterKeyFile(path string) (key []byte, created bool, err error) {
	key, err = loadMasterKeyFile(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("keyring: create key directory: %w", err)
	}
	// Write a complete file under a temporary name, then link it into
	// place: the link fails if the file exists, so a racing process never
	// reads a half-written key and never overwrites one.
	key = randomKey()
	tmp, err := writeTempKey(filepath.Dir(path), key)
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		key, err = loadMasterKeyFile(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("keyring: create key file: %w", err)
	}
	return key, true, nil
}

func loadMasterKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: open key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keyring: stat key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keyring: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("keyring: key file %s has mode %04o and is accessible by group or others; run: chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("keyring: read key file: %w", err)
	}
	key, err := ParseMasterKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return key, nil
}

// writeTempKey writes key, base64 encoded, to a new 0600 file in dir and
// returns its name.
func writeTempKey(dir string, key []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".master.key.tmp-*")
	if err != nil {
		return "", fmt.Errorf("keyring: create key file: %w", err)
	}
	_, err = io.WriteString(f, base64.StdEncoding.EncodeToString(key)+"\n")
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("keyring: write key file: %w", err)
	}
	return f.Name(), nil
}
