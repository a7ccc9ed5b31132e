// Package secret seals connection credentials before they reach the store, with
// AES-256-GCM under one key per installation. The key comes from FERRY_SECRET_KEY
// (64 hex digits or base64 of 32 bytes), or from a key file that ferry creates with
// mode 0600 on first start; losing it makes stored credentials unreadable, so back
// it up with the database.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the key length in bytes (AES-256).
const KeySize = 32

// Box seals and opens values under one key.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return &Box{aead: aead}, nil
}

// version prefixes every sealed value, so the format can change later.
const version byte = 1

// Seal encrypts plaintext; the result is version | nonce | ciphertext+tag.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: reading random nonce: %w", err)
	}
	out := append([]byte{version}, nonce...)
	return b.aead.Seal(out, nonce, plaintext, []byte{version}), nil
}

// ErrWrongKey means a sealed value was not made with this key (or was altered).
var ErrWrongKey = errors.New("secret: the value was sealed with another key, or it was altered")

// Open decrypts a value made by Seal.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() || sealed[0] != version {
		return nil, errors.New("secret: not a sealed value")
	}
	pt, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], []byte{version})
	if err != nil {
		return nil, ErrWrongKey
	}
	return pt, nil
}

// ParseKey reads a key written as 64 hex digits or as base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if k, err := hex.DecodeString(s); err == nil && len(k) == KeySize {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, errors.New("secret: a key must be 32 bytes written as 64 hex digits or as base64 (make one with `openssl rand -hex 32`)")
}

// LoadKey returns the key from env when it is set, else from the key file, which
// is created with a new random key (mode 0600, directory 0700) when it does not
// exist. created reports that a new key file was written.
func LoadKey(env, keyFile string) (key []byte, created bool, err error) {
	if env != "" {
		k, err := ParseKey(env)
		if err != nil {
			return nil, false, fmt.Errorf("FERRY_SECRET_KEY: %w", err)
		}
		return k, false, nil
	}
	if keyFile == "" {
		return nil, false, errors.New("secret: no FERRY_SECRET_KEY and no key file configured")
	}
	b, err := os.ReadFile(keyFile)
	if err == nil {
		info, statErr := os.Stat(keyFile)
		if statErr == nil && info.Mode().Perm()&0o077 != 0 {
			return nil, false, fmt.Errorf("secret: key file %s is readable by others (mode %v); run chmod 600 %s", keyFile, info.Mode().Perm(), keyFile)
		}
		k, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("secret: key file %s: %w", keyFile, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("secret: reading key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return nil, false, fmt.Errorf("secret: creating key directory: %w", err)
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, false, fmt.Errorf("secret: generating key: %w", err)
	}
	f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first; use theirs.
			return LoadKey("", keyFile)
		}
		return nil, false, fmt.Errorf("secret: creating key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("secret: writing key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("secret: writing key file: %w", err)
	}
	return k, true, nil
}
