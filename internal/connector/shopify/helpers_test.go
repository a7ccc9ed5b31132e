package shopify

import (
	"bytes"
	"io"
)

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

func nopCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
