package shopify

import (
	"bytes"
	"strconv"
	"time"
)

// MediaInfo is one of a product's media as a test checks it: what the client
// uploaded, under which name and alt text, and how processing ended.
type MediaInfo struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Alt      string `json:"alt"`
	MimeType string `json:"mimeType"`
	// Status is READY, PROCESSING or FAILED; Error the mediaErrors code.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Source is the originalSource the client gave; URL the CDN path the
	// bytes are served at (host-relative: the sandbox has many names).
	Source string `json:"source"`
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Bytes are the stored image (base64 in JSON).
	Bytes []byte `json:"bytes"`
}

// findProduct finds a product by global id, number or handle ("" is the
// first).
func (s *Server) findProduct(ref string) *product {
	if _, n, ok := parseGID(ref); ok {
		return s.st.prodByID[n]
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.st.prodByID[n]
	}
	if ref == "" && len(s.st.products) > 0 {
		return s.st.products[0]
	}
	return s.productByHandle(ref)
}

// ProductMedia answers a product's media in position order.
func (s *Server) ProductMedia(ref string) ([]MediaInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findProduct(ref)
	if p == nil {
		return nil, false
	}
	now := s.opts.Now()
	out := []MediaInfo{}
	for _, f := range p.media {
		out = append(out, f.info(now))
	}
	return out, true
}

func (f *mediaFile) info(now time.Time) MediaInfo {
	m := MediaInfo{ID: gid("MediaImage", f.id), Filename: f.filename, Alt: f.alt, MimeType: f.mime, Status: f.status(now),
		Source: f.source, Width: f.width, Height: f.height, Bytes: bytes.Clone(f.data)}
	if m.Status == "FAILED" {
		m.Error = f.errCode
	}
	if m.Status == "READY" {
		m.URL = f.cdnPath()
	}
	return m
}
