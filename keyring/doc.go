// Package keyring turns one master key into everything Veil needs to keep
// personal data unlinkable and erasable:
//
//   - Subject: a stable keyed hash of a WhatsApp number, the only user
//     identifier the store ever sees. LogID is a short, different hash for
//     logs.
//   - Seal and Open: envelope encryption. Each subject has its own random
//     data key (DEK), stored wrapped by the master key through a
//     store.KeyStore. Shred deletes the DEK, which makes every value sealed
//     for that subject unreadable (crypto-shredding).
//   - BlindIndex: a keyed hash of a value under a key derived from the
//     subject's DEK, so equal values can be found without decrypting and the
//     link disappears when the DEK is shredded.
//   - Hash: master-keyed hashes per purpose, for the anonymizer's hash
//     operator and for erasure tombstones.
//
// Usage:
//
//	master, _, err := keyring.LoadOrCreateMasterKeyFile("/var/lib/veil/master.key")
//	if err != nil {
//		return err
//	}
//	kr, err := keyring.New(master, st) // st is a store.Store
//	if err != nil {
//		return err
//	}
//	subject := kr.Subject(waID)
//	sealed, err := kr.Seal(ctx, subject, []byte(text), []byte("inbox"))
//
// Every key is derived from the master key with HKDF-SHA256 and its own
// label ("veil subject v1", "veil logid v1", "veil dek wrap v1", "veil hash
// v1"), so no two uses share a key. Losing the master key loses all sealed
// data; changing it changes every Subject.
//
// Ciphertexts are version byte (1) || 12-byte nonce || AES-256-GCM output;
// wrapped DEKs have the same shape, with the subject as additional data.
//
// Caching: unwrapped DEKs are cached in memory for a short TTL (WithCacheTTL,
// default 30s). Shred drops the local entry at once, but other replicas
// sharing the same KeyStore may keep using a cached key for up to the TTL
// after the erasure. Use WithCacheTTL(0) to disable the cache.
package keyring
