package keyring_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store/bolt"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "veil-example")
	defer os.RemoveAll(dir)

	master, created, err := keyring.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil {
		panic(err)
	}
	st, err := bolt.Open(filepath.Join(dir, "veil.db"), bolt.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	kr, err := keyring.New(master, st)
	if err != nil {
		panic(err)
	}

	subject := kr.Subject("+1 415 555 0100") // what the store sees instead of the number
	sealed, _ := kr.Seal(ctx, subject, []byte("ana@example.com"), []byte("vault"))
	plain, _ := kr.Open(ctx, subject, sealed, []byte("vault"))
	fmt.Println(created, len(subject), string(plain))

	// Erasure: shred the key and the sealed value is gone.
	_ = kr.Shred(ctx, subject)
	_, err = kr.Open(ctx, subject, sealed, []byte("vault"))
	fmt.Println(errors.Is(err, keyring.ErrShredded))
	// Output:
	// true 64 ana@example.com
	// true
}
