package shopify

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/gif" // decoders for DecodeConfig: Shopify takes GIF, JPEG, PNG and WebP
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// mediaFile is a MediaImage: a file of the shop (Files) that products show as
// media. Processing is Shopify's: after the source is read the media is
// PROCESSING until Options.MediaProcessing has passed, then READY or FAILED.
type mediaFile struct {
	id                   int64
	filename, alt        string
	mime                 string
	source               string // originalSource as given
	data                 []byte
	width, height        int
	version              int64 // ?v= of the CDN URL: moves when the bytes change
	createdAt, updatedAt time.Time
	readyAt              time.Time
	fetching             bool // an external source is being read
	fetchGen             int  // drops a fetch overtaken by a newer source
	errCode, errMsg      string
}

// status is MediaStatus (and FileStatus, which has the same values).
func (f *mediaFile) status(now time.Time) string {
	switch {
	case f.fetching || now.Before(f.readyAt):
		return "PROCESSING"
	case f.errCode != "":
		return "FAILED"
	}
	return "READY"
}

func (f *mediaFile) fail(code, msg string, now time.Time) {
	f.data, f.width, f.height, f.mime = nil, 0, 0, ""
	f.errCode, f.errMsg, f.fetching = code, msg, false
	f.readyAt, f.updatedAt = now, now
}

// setBytes processes source bytes as Shopify's image pipeline would: the
// format must be one it takes, within 20 MB and 25 megapixels.
func (f *mediaFile) setBytes(data []byte, now time.Time, delay time.Duration) {
	f.fetching = false
	if len(data) > maxImageBytes {
		f.fail("INVALID_IMAGE_FILE_SIZE", "Image exceeds the maximum file size of 20 MB.", now)
		return
	}
	w, h, mt, ok := imageConfig(data)
	switch {
	case !ok:
		f.fail("UNSUPPORTED_IMAGE_FILE_TYPE", "Image could not be processed: not a GIF, JPEG, PNG or WebP image.", now)
		return
	case w <= 0 || h <= 0:
		f.fail("IMAGE_PROCESSING_FAILURE", "Image could not be processed.", now)
		return
	case w*h > maxImagePixels:
		f.fail("INVALID_IMAGE_RESOLUTION", "Image resolution exceeds 25 megapixels.", now)
		return
	}
	f.data, f.width, f.height, f.mime = data, w, h, mt
	f.errCode, f.errMsg = "", ""
	f.version = max(f.version+1, now.Unix())
	f.readyAt, f.updatedAt = now.Add(delay), now
}

// imageConfig reads an image's size and type; WebP is read from its header,
// the standard library having no decoder for it.
func imageConfig(data []byte) (w, h int, mimeType string, ok bool) {
	if c, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		return c.Width, c.Height, "image/" + format, true
	}
	if w, h, ok := webpSize(data); ok {
		return w, h, "image/webp", true
	}
	return 0, 0, "", false
}

// webpSize reads the canvas of a RIFF WebP: VP8X, VP8 (lossy) or VP8L.
func webpSize(b []byte) (int, int, bool) {
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, false
	}
	switch string(b[12:16]) {
	case "VP8X":
		w := 1 + int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h := 1 + int(b[27]) | int(b[28])<<8 | int(b[29])<<16
		return w, h, true
	case "VP8 ":
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, false
		}
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff), true
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, false
		}
		bits := binary.LittleEndian.Uint32(b[21:25])
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, true
	}
	return 0, 0, false
}

// cdnPath is the file's URL path in Shopify's CDN form, which keeps the
// filename (cdn.shopify.com/s/files/…/files/{filename}?v={timestamp}).
func (f *mediaFile) cdnPath() string {
	return "/cdn/shop/files/" + url.PathEscape(f.filename) + "?v=" + strconv.FormatInt(f.version, 10)
}

// mediaObj answers a file as MediaImage (also as File).
func (s *Server) mediaObj(f *mediaFile) obj {
	status := resolver(func(ec *execCtx, _ map[string]any) (any, error) { return f.status(ec.now), nil })
	ready := func(ec *execCtx) bool { return f.status(ec.now) == "READY" }
	errs := func(typ string) resolver {
		return func(ec *execCtx, _ map[string]any) (any, error) {
			if f.status(ec.now) != "FAILED" {
				return []any{}, nil
			}
			return []any{obj{"__typename": typ, "code": f.errCode, "message": f.errMsg, "details": nil}}, nil
		}
	}
	img := resolver(func(ec *execCtx, _ map[string]any) (any, error) {
		if !ready(ec) {
			return nil, nil // "Returns null until status is READY."
		}
		return s.imageObj(ec, f), nil
	})
	return obj{"__typename": "MediaImage", "id": gid("MediaImage", f.id), "alt": f.alt, "mediaContentType": "IMAGE",
		"status": status, "fileStatus": status, "mediaErrors": errs("MediaError"), "fileErrors": errs("FileError"),
		"mediaWarnings": []any{}, "createdAt": f.createdAt, "updatedAt": f.updatedAt,
		"mimeType": resolver(func(ec *execCtx, _ map[string]any) (any, error) { return nilIfEmpty(f.mime), nil }),
		"image":    img,
		"preview": resolver(func(ec *execCtx, _ map[string]any) (any, error) {
			st := f.status(ec.now)
			var im any
			if st == "READY" {
				im = s.imageObj(ec, f)
			}
			return obj{"__typename": "MediaPreviewImage", "status": st, "image": im}, nil
		}),
		"originalSource": resolver(func(ec *execCtx, _ map[string]any) (any, error) {
			if !ready(ec) {
				return obj{"__typename": "MediaImageOriginalSource", "url": nilIfEmpty(f.source), "fileSize": nil}, nil
			}
			return obj{"__typename": "MediaImageOriginalSource", "url": ec.base + f.cdnPath(), "fileSize": len(f.data)}, nil
		}),
	}
}

func (s *Server) imageObj(ec *execCtx, f *mediaFile) obj {
	u := ec.base + f.cdnPath()
	return obj{"__typename": "Image", "id": gid("ImageSource", f.id), "url": u, "src": u, "originalSrc": u, "transformedSrc": u,
		"width": f.width, "height": f.height, "altText": nilIfEmpty(f.alt)}
}

// productMediaFields are Product's media fields.
func (s *Server) productMediaFields(p *product, o obj) {
	o["media"] = resolver(func(ec *execCtx, args map[string]any) (any, error) {
		var items []keyed
		for i, f := range p.media {
			k := keyed{val: sortNum(int64(i)), id: f.id, item: f}
			if argStr(args["sortKey"]) == "ID" {
				k.val = ""
			}
			items = append(items, k)
		}
		return ec.paginate(args, items, func(x any) any { return s.mediaObj(x.(*mediaFile)) })
	})
	o["mediaCount"] = lazy(func() any { return obj{"__typename": "Count", "count": len(p.media), "precision": "EXACT"} })
	o["featuredMedia"] = lazy(func() any {
		if len(p.media) == 0 {
			return nil
		}
		return s.mediaObj(p.media[0])
	})
	// The deprecated image fields show the READY images only.
	o["featuredImage"] = resolver(func(ec *execCtx, _ map[string]any) (any, error) {
		for _, f := range p.media {
			if f.status(ec.now) == "READY" {
				return s.imageObj(ec, f), nil
			}
		}
		return nil, nil
	})
	o["images"] = resolver(func(ec *execCtx, args map[string]any) (any, error) {
		var items []keyed
		for i, f := range p.media {
			if f.status(ec.now) == "READY" {
				items = append(items, keyed{val: sortNum(int64(i)), id: f.id, item: f})
			}
		}
		return ec.paginate(args, items, func(x any) any { return s.imageObj(ec, x.(*mediaFile)) })
	})
}

// serveCDN serves a file's bytes by filename; ?v= is ignored, as on the CDN.
func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/cdn/shop/files/"))
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	f := s.st.fileByName[name]
	var data []byte
	var mt string
	var mod time.Time
	if f != nil && err == nil && f.status(s.opts.Now()) == "READY" {
		data, mt, mod = f.data, f.mime, f.updatedAt
	}
	s.mu.Unlock()
	if data == nil {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Cache-Control", "public, max-age=31536000")
	http.ServeContent(w, r, path.Base(name), mod, bytes.NewReader(data))
}

// uniqueName applies duplicateResolutionMode APPEND_UUID: a filename in use
// by another file gets "_" and a UUID before its extension.
func (s *Server) uniqueName(name string, self *mediaFile, id int64) string {
	if g := s.st.fileByName[name]; g == nil || g == self {
		return name
	}
	ext := path.Ext(name)
	uuid := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", uint32(id*2654435761), id%0xffff, id%0xfff, (id>>12)%0xfff, id)
	return strings.TrimSuffix(name, ext) + "_" + uuid + ext
}

// fileFor names a file for its originalSource: the input's filename, else
// the last element of the URL's path.
func fileNameOf(given, source string) string {
	if n := strings.TrimSpace(given); n != "" {
		return n
	}
	if u, err := url.Parse(source); err == nil {
		if b := path.Base(u.Path); b != "." && b != "/" && b != "" {
			return b
		}
	}
	return "image"
}
