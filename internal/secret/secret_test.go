package secret

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	box, err := NewBox(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal([]byte(`{"api_key":"demo-key"}`))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("demo-key")) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := box.Open(sealed)
	if err != nil || string(got) != `{"api_key":"demo-key"}` {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(sealed); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("open with another key: %v, want ErrWrongKey", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("open altered value: %v, want ErrWrongKey", err)
	}
}

func TestLoadKeyCreatesPrivateFileOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, created, err := LoadKey("", path)
	if err != nil || !created {
		t.Fatalf("first load: created=%v err=%v", created, err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
	k2, created, err := LoadKey("", path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second load: created=%v err=%v same=%v", created, err, bytes.Equal(k1, k2))
	}
}

func TestLoadKeyRejectsOpenFileMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "secret.key")
	os.WriteFile(path, []byte(hex.EncodeToString(bytes.Repeat([]byte{1}, 32))), 0o644)
	if _, _, err := LoadKey("", path); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"0102030405060708091011121314151617181920212223242526272829303132": true,
		"AQIDBAUGBwgJEBESExQVFhcYGSAhIiMkJSYnKCkwMTI=":                     true,
		"too-short":                          false,
		"0102030405060708091011121314151617": false,
	}
	for in, ok := range cases {
		_, err := ParseKey(in)
		if (err == nil) != ok {
			t.Errorf("ParseKey(%q) err=%v, want ok=%v", in, err, ok)
		}
	}
	if _, _, err := LoadKey("nope", ""); err == nil {
		t.Error("a bad FERRY_SECRET_KEY was accepted")
	}
}
