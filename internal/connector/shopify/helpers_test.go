package shopify

import (
	"bytes"
	"fmt"
	"io"
)

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

func nopCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func fmtSscan(s string, f *float64) (int, error) { return fmt.Sscan(s, f) }
