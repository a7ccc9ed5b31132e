package shopify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// productSet's files: [FileSetInput!]. productSet's description says every
// list field is the whole set: files named by id stay (alt updated when
// given), files without id are created as MediaImage, and the product's files
// left out are deleted (kept only while another product shows them [U]). An
// omitted or null files leaves the media alone.
//
// A source that cannot be read is not a userError but a media that ends
// FAILED with a mediaErrors code: Shopify reads sources after the mutation
// answers, and the schema gives download and processing failures as
// MediaErrorCode values (IMAGE_DOWNLOAD_FAILURE, INVALID_SIGNED_URL,
// UNSUPPORTED_IMAGE_FILE_TYPE …), while ProductSetUserErrorCode has none.
// userErrors are kept for inputs that are wrong in themselves.

// maxProductMedia is Shopify's limit of media per product.
const maxProductMedia = 250

type filePlan struct {
	in   map[string]any
	keep *mediaFile // named by id
}

// planFiles checks input.files; set is false when the input has none.
func (s *Server) planFiles(in map[string]any) (plans []filePlan, set bool, e *uerr) {
	x, ok := in["files"]
	if !ok || x == nil {
		return nil, false, nil
	}
	list := argList(x)
	if len(list) > maxProductMedia {
		return nil, true, &uerr{field: []string{"files"}, msg: fmt.Sprintf("A product can have at most %d media", maxProductMedia), code: "INVALID_INPUT"}
	}
	seen := map[*mediaFile]bool{}
	for i, x := range list {
		m := argMap(x)
		at := func(name string) []string { return fieldPath([]string{"files"}, i, name) }
		if ct := argStr(m["contentType"]); ct != "" && ct != "IMAGE" {
			return nil, true, &uerr{field: at("contentType"), msg: "The sandbox sets only IMAGE files on products", code: "INVALID_INPUT"}
		}
		pl := filePlan{in: m}
		if idv, ok := m["id"]; ok && idv != nil {
			id, _ := idOf(idv, "MediaImage")
			if pl.keep = s.st.files[id]; pl.keep == nil {
				return nil, true, &uerr{field: at("id"), msg: "File does not exist", code: "INVALID_INPUT"}
			}
			if seen[pl.keep] {
				return nil, true, &uerr{field: at("id"), msg: "The file is given twice", code: "DUPLICATED_VALUE"}
			}
			seen[pl.keep] = true
		}
		src := strings.TrimSpace(argStr(m["originalSource"]))
		if pl.keep == nil && src == "" {
			return nil, true, &uerr{field: at("originalSource"), msg: "Original source can't be blank", code: "INVALID_INPUT"}
		}
		if src != "" {
			if u, err := url.Parse(src); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, true, &uerr{field: at("originalSource"), msg: "Original source must be an http(s) URL", code: "INVALID_INPUT"}
			}
		}
		plans = append(plans, pl)
	}
	return plans, true, nil
}

// applyFiles makes the plans the product's media.
func (s *Server) applyFiles(ec *execCtx, p *product, plans []filePlan, now time.Time) {
	var list []*mediaFile
	for _, pl := range plans {
		f := pl.keep
		src := strings.TrimSpace(argStr(pl.in["originalSource"]))
		if f == nil {
			name := argStr(pl.in["filename"])
			if t := s.stagedByURL(src); t != nil && strings.TrimSpace(name) == "" {
				name = t.filename
			}
			name = fileNameOf(name, src)
			mode := argStr(pl.in["duplicateResolutionMode"])
			if old := s.st.fileByName[name]; old != nil && mode == "REPLACE" {
				f = old // its bytes give way to the new source; id and URL stay
			} else {
				f = &mediaFile{id: s.st.id(), createdAt: now, updatedAt: now}
				taken := old != nil
				f.filename = s.uniqueName(name, f, f.id)
				s.st.files[f.id] = f
				s.st.fileByName[f.filename] = f
				if taken && mode == "RAISE_ERROR" {
					f.source = src
					f.fail("DUPLICATE_FILENAME_ERROR", "A file named "+name+" already exists.", now)
					list = append(list, f)
					continue
				}
			}
		}
		if a, ok := pl.in["alt"]; ok {
			f.alt, f.updatedAt = argStr(a), now
		}
		if src != "" && (pl.keep == nil || src != f.source) {
			s.sourceFile(ec, f, src, now)
		}
		list = append(list, f)
	}
	old := p.media
	p.media = list
	for _, f := range old {
		if !s.fileShown(f) {
			delete(s.st.files, f.id)
			delete(s.st.fileByName, f.filename)
			f.fetchGen++ // a fetch still running is dropped
		}
	}
}

func (s *Server) fileShown(f *mediaFile) bool {
	for _, p := range s.st.products {
		for _, g := range p.media {
			if g == f {
				return true
			}
		}
	}
	return false
}

// sourceFile reads a new source into f: a staged upload at once, a loopback
// URL in the background (as Shopify downloads after answering); anything
// else fails, the sandbox never going to the network.
func (s *Server) sourceFile(ec *execCtx, f *mediaFile, src string, now time.Time) {
	f.source = src
	f.fetchGen++
	delay := s.opts.MediaProcessing
	if t := s.stagedByURL(src); t != nil {
		if !t.uploaded {
			f.fail("IMAGE_DOWNLOAD_FAILURE", "Image could not be downloaded: nothing was uploaded to the staged target.", now)
		} else {
			f.setBytes(bytes.Clone(t.data), now, delay)
		}
		f.readyAt = now.Add(delay)
		return
	}
	u, _ := url.Parse(src)
	switch {
	case strings.HasPrefix(u.Path, "/staged-uploads/"):
		f.fail("INVALID_SIGNED_URL", "Media could not be processed because the signed URL was invalid.", now)
	case !isLoopback(u.Hostname()):
		f.fail("IMAGE_DOWNLOAD_FAILURE", "Image could not be downloaded: the sandbox fetches loopback URLs only.", now)
	default:
		f.fetching = true
		gen := f.fetchGen
		s.mediaWG.Add(1)
		go s.fetchSource(f, gen, src)
		return
	}
	f.readyAt = now.Add(delay)
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fetchSource downloads a loopback source without holding the lock.
func (s *Server) fetchSource(f *mediaFile, gen int, src string) {
	defer s.mediaWG.Done()
	data, err := fetchLoopback(s.mediaCtx, src)
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.fetchGen != gen {
		return
	}
	now := s.opts.Now()
	if err != nil {
		f.fail("IMAGE_DOWNLOAD_FAILURE", "Image could not be downloaded: "+err.Error(), now)
		f.readyAt = now.Add(s.opts.MediaProcessing)
		return
	}
	f.setBytes(data, now, s.opts.MediaProcessing)
}

var errNotLoopback = errors.New("redirect away from loopback")

func fetchLoopback(ctx context.Context, src string) ([]byte, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) > 5 || !isLoopback(r.URL.Hostname()) {
			return errNotLoopback
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxImageBytes+1))
}
