package shopify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// stagedUploadsCreate and the bucket it points at. Real Shopify answers
// targets on a Google Cloud Storage bucket (POST: a policy form; PUT: a
// signed URL); here the bucket is the sandbox itself under /staged-uploads/,
// with the same contract: the parameters must come back unchanged, the form's
// file field last, the bytes no larger than fileSize. Its answers are the
// bucket's XML errors, not Shopify JSON [U: codes chosen from GCS's set].

const (
	// stagedTTL is how long a target takes uploads [U: GCS signed URLs of
	// Shopify last about a week; a short life makes expiry testable].
	stagedTTL = time.Hour
	// maxImageBytes is Shopify's image limit (20 MB) and the bucket's cap
	// when no fileSize is given [U for the cap].
	maxImageBytes = 20 << 20
	// maxImagePixels is Shopify's 25 megapixel limit (5000 × 5000).
	maxImagePixels = 25_000_000
)

// stagedTarget is one target handed out by stagedUploadsCreate.
type stagedTarget struct {
	token, filename, mime, resource, method string
	fileSize                                int64 // 0: not given
	expires                                 time.Time
	params                                  [][2]string // name, value in the order answered
	resourceURL, sig                        string
	data                                    []byte
	uploaded                                bool
}

var imageResources = map[string]bool{"IMAGE": true, "PRODUCT_IMAGE": true, "SHOP_IMAGE": true, "COLLECTION_IMAGE": true}

func (s *Server) stagedUploadsCreate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "StagedUploadsCreatePayload", "stagedTargets": nil, "userErrors": []any{}}
	list := argList(args["input"])
	// Check every input first: a mutation with userErrors hands out nothing.
	var errs []any
	for i, x := range list {
		in := argMap(x)
		f := func(name string) []string { return []string{"input", strconv.Itoa(i), name} }
		res, mt := argStr(in["resource"]), strings.TrimSpace(argStr(in["mimeType"]))
		size, hasSize := argInt(in["fileSize"])
		switch {
		case strings.TrimSpace(argStr(in["filename"])) == "":
			errs = append(errs, userError(f("filename"), "Filename can't be blank", ""))
		case mt == "":
			errs = append(errs, userError(f("mimeType"), "Mime type can't be blank", ""))
		case imageResources[res] && !strings.HasPrefix(mt, "image/"):
			errs = append(errs, userError(f("mimeType"), "Mime type must be an image type for "+res, ""))
		case (res == "VIDEO" || res == "MODEL_3D") && !hasSize:
			// The schema: fileSize "is required when the request's resource
			// property is set to VIDEO or MODEL_3D".
			errs = append(errs, userError(f("fileSize"), "File size is required for "+res, ""))
		case hasSize && size < 0:
			errs = append(errs, userError(f("fileSize"), "File size must be greater than or equal to 0", ""))
		case imageResources[res] && size > maxImageBytes:
			errs = append(errs, userError(f("fileSize"), "File size must be at most 20 MB for images", ""))
		}
	}
	if len(errs) > 0 {
		payload["userErrors"] = errs
		return payload, nil
	}
	targets := []any{}
	for _, x := range list {
		in := argMap(x)
		t := s.newTarget(ec, argStr(in["resource"]), strings.TrimSpace(argStr(in["filename"])),
			strings.TrimSpace(argStr(in["mimeType"])), argStr(in["httpMethod"]), in["fileSize"])
		params := []any{}
		for _, p := range t.params {
			params = append(params, obj{"__typename": "StagedUploadParameter", "name": p[0], "value": p[1]})
		}
		u := ec.base + "/staged-uploads/" + t.token
		if t.method == "PUT" {
			u = t.resourceURL + "?" + t.signedQuery()
		}
		targets = append(targets, obj{"__typename": "StagedMediaUploadTarget", "url": u, "resourceUrl": t.resourceURL, "parameters": params})
	}
	payload["stagedTargets"] = targets
	return payload, nil
}

func (s *Server) newTarget(ec *execCtx, resource, filename, mimeType, method string, size any) *stagedTarget {
	if method == "" {
		method = "PUT" // the schema's default
	}
	id := s.st.id()
	t := &stagedTarget{token: fmt.Sprintf("%016x", uint64(id)*0x9e3779b97f4a7c15), filename: filename, mime: mimeType,
		resource: resource, method: method, expires: ec.now.Add(stagedTTL)}
	if n, ok := argInt(size); ok {
		t.fileSize = int64(n)
	}
	t.resourceURL = ec.base + "/staged-uploads/" + t.token + "/" + url.PathEscape(filename)
	sig := s.uploadSignature(t)
	t.sig = sig
	if method == "PUT" {
		t.params = [][2]string{{"content_type", mimeType}, {"acl", "private"}}
	} else {
		date := ec.now.UTC().Format("20060102T150405Z")
		policy := fmt.Sprintf(`{"conditions":[{"Content-Type":%q},{"success_action_status":"201"},{"acl":"private"},["content-length-range",1,%d],{"bucket":"ferry-sandbox-staged-uploads"},{"key":%q}],"expiration":%q}`,
			mimeType, t.limit(), t.key(), t.expires.UTC().Format(time.RFC3339))
		t.params = [][2]string{{"Content-Type", mimeType}, {"success_action_status", "201"}, {"acl", "private"}, {"key", t.key()},
			{"x-goog-date", date}, {"x-goog-credential", "sandbox-uploads/" + date[:8] + "/auto/storage/goog4_request"},
			{"x-goog-algorithm", "GOOG4-HMAC-SHA256"}, {"x-goog-signature", sig}, {"policy", base64.StdEncoding.EncodeToString([]byte(policy))}}
	}
	if s.st.staged == nil {
		s.st.staged = map[string]*stagedTarget{}
	}
	s.st.staged[t.token] = t
	return t
}

// key is the object's name in the bucket, as Shopify's tmp/{shop}/products/….
func (t *stagedTarget) key() string { return "tmp/548380009/products/" + t.token + "/" + t.filename }

// limit is the largest upload the target takes.
func (t *stagedTarget) limit() int64 {
	if t.fileSize > 0 {
		return t.fileSize
	}
	return maxImageBytes
}

func (s *Server) uploadSignature(t *stagedTarget) string {
	m := hmac.New(sha256.New, []byte(s.opts.APISecret))
	fmt.Fprintf(m, "%s\n%s\n%s\n%s", t.token, t.method, t.mime, t.filename)
	return hex.EncodeToString(m.Sum(nil))
}

func (t *stagedTarget) signedQuery() string {
	v := url.Values{}
	v.Set("X-Goog-Algorithm", "GOOG4-HMAC-SHA256")
	v.Set("X-Goog-Credential", "sandbox-uploads/auto/storage/goog4_request")
	v.Set("X-Goog-Expires", strconv.Itoa(int(stagedTTL.Seconds())))
	v.Set("X-Goog-SignedHeaders", "content-type;host")
	v.Set("X-Goog-Signature", t.sig)
	return v.Encode()
}

// storageError is the bucket's error answer.
type storageError struct {
	status        int
	code, message string
	details       string
}

func (e *storageError) write(w http.ResponseWriter) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0' encoding='UTF-8'?><Error><Code>")
	xml.EscapeText(&b, []byte(e.code))
	b.WriteString("</Code><Message>")
	xml.EscapeText(&b, []byte(e.message))
	b.WriteString("</Message>")
	if e.details != "" {
		b.WriteString("<Details>")
		xml.EscapeText(&b, []byte(e.details))
		b.WriteString("</Details>")
	}
	b.WriteString("</Error>")
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(e.status)
	w.Write(b.Bytes())
}

func badArgument(details string) *storageError {
	return &storageError{http.StatusBadRequest, "InvalidArgument", "Invalid argument.", details}
}

func tooLarge(limit int64) *storageError {
	return &storageError{http.StatusBadRequest, "EntityTooLarge",
		"Your proposed upload is larger than the maximum object size specified in your Policy Document.",
		fmt.Sprintf("Content-length exceeds upper bound on range (%d)", limit)}
}

// serveUpload is the bucket: POST a form or PUT the bytes to a target.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/staged-uploads/")
	token, _, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	t := s.st.staged[token]
	failing := s.uploadFailures > 0
	if failing {
		s.uploadFailures--
	}
	now := s.opts.Now()
	s.mu.Unlock()
	if failing {
		(&storageError{http.StatusServiceUnavailable, "ServiceUnavailable", "We encountered an internal error. Please try again.", ""}).write(w)
		return
	}
	switch {
	case t == nil:
		(&storageError{http.StatusNotFound, "NoSuchUpload", "The requested upload target does not exist.", "No staged upload " + token}).write(w)
		return
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		// Staged objects are private (acl=private): nobody reads them back.
		(&storageError{http.StatusForbidden, "AccessDenied", "Access denied.", "Anonymous caller does not have storage.objects.get access."}).write(w)
		return
	case r.Method != t.method:
		w.Header().Set("Allow", t.method)
		(&storageError{http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", r.Method}).write(w)
		return
	case now.After(t.expires):
		(&storageError{http.StatusForbidden, "AccessDenied", "Request has expired.", "Expired at " + t.expires.UTC().Format(time.RFC3339)}).write(w)
		return
	}
	var data []byte
	var serr *storageError
	if t.method == "PUT" {
		data, serr = s.checkPut(t, r)
	} else {
		var fields [][2]string
		fields, data, serr = parseUploadForm(r.Header.Get("Content-Type"), r.Body, t.limit())
		if serr == nil {
			serr = s.checkForm(t, fields)
		}
	}
	if serr != nil {
		serr.write(w)
		return
	}
	s.mu.Lock()
	t.data, t.uploaded = data, true
	s.mu.Unlock()
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(data))
	w.Header().Set("ETag", etag[:34]+`"`)
	if t.method == "PUT" {
		w.WriteHeader(http.StatusOK)
		return
	}
	// success_action_status 201 answers the object's location, as GCS does.
	body := fmt.Sprintf("<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>%s</Location><Bucket>ferry-sandbox-staged-uploads</Bucket><Key>%s</Key><ETag>%s</ETag></PostResponse>",
		xmlText(t.resourceURL), xmlText(t.key()), xmlText(etag[:34]+`"`))
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.Header().Set("Location", t.resourceURL)
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, body)
}

func xmlText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// checkPut checks a signed-URL upload: the signature of the URL and the
// signed Content-Type header.
func (s *Server) checkPut(t *stagedTarget, r *http.Request) ([]byte, *storageError) {
	mismatch := func(d string) *storageError {
		return &storageError{http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your Google secret key and signing method.", d}
	}
	if r.URL.Query().Get("X-Goog-Signature") != t.sig {
		return nil, mismatch("X-Goog-Signature is missing or wrong")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != t.mime {
		return nil, mismatch(fmt.Sprintf("content-type %q is signed as %q", r.Header.Get("Content-Type"), t.mime))
	}
	if acl := r.Header.Get("X-Goog-Acl"); acl != "" && acl != "private" {
		return nil, mismatch("x-goog-acl must be private")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, t.limit()+1))
	switch {
	case err != nil:
		return nil, badArgument("reading the body: " + err.Error())
	case int64(len(data)) > t.limit():
		return nil, tooLarge(t.limit())
	case len(data) == 0:
		return nil, badArgument("Empty upload")
	}
	return data, nil
}

// checkForm checks a POST policy form: every parameter answered must come
// back with its value; fields after the file are never seen.
func (s *Server) checkForm(t *stagedTarget, fields [][2]string) *storageError {
	got := map[string]string{}
	for _, f := range fields {
		got[strings.ToLower(f[0])] = f[1]
	}
	for _, p := range t.params {
		v, ok := got[strings.ToLower(p[0])]
		if !ok {
			return badArgument("Missing required field (before the file field): " + p[0])
		}
		if v != p[1] {
			return &storageError{http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed.", p[0] + " differs from the policy"}
		}
	}
	return nil
}

// parseUploadForm reads a multipart/form-data body up to its file field: the
// fields before it and the file's bytes (at most limit). Like the bucket, it
// ignores whatever follows the file.
func parseUploadForm(contentType string, body io.Reader, limit int64) ([][2]string, []byte, *storageError) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, badArgument("POST uploads need a multipart/form-data body with a boundary")
	}
	mr := multipart.NewReader(body, params["boundary"])
	var fields [][2]string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, nil, badArgument("Missing file field: the form has no field named file")
		}
		if err != nil {
			return nil, nil, badArgument("Malformed multipart body: " + err.Error())
		}
		name := part.FormName()
		if name == "file" {
			data, err := io.ReadAll(io.LimitReader(part, limit+1))
			switch {
			case err != nil:
				return nil, nil, badArgument("Malformed multipart body: " + err.Error())
			case int64(len(data)) > limit:
				return nil, nil, tooLarge(limit)
			case len(data) == 0:
				return nil, nil, badArgument("Empty file field")
			}
			return fields, data, nil
		}
		// Form fields are small; 64 KiB covers any policy.
		v, err := io.ReadAll(io.LimitReader(part, 64<<10+1))
		if err != nil || len(v) > 64<<10 {
			return nil, nil, badArgument("Malformed or oversized form field " + name)
		}
		fields = append(fields, [2]string{name, string(v)})
	}
}

// FailNextUploads makes the next n requests to the upload bucket answer 503,
// as a storage hiccup would; the target stays valid for a retry.
func (s *Server) FailNextUploads(n int) {
	s.mu.Lock()
	s.uploadFailures = max(0, n)
	s.mu.Unlock()
}

// StagedUpload answers a target's uploaded bytes by token or resourceUrl.
func (s *Server) StagedUpload(ref string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.stagedByURL(ref)
	if t == nil {
		t = s.st.staged[ref]
	}
	if t == nil || !t.uploaded {
		return nil, false
	}
	return bytes.Clone(t.data), true
}

// stagedByURL finds the target whose resourceUrl is u (query ignored).
func (s *Server) stagedByURL(u string) *stagedTarget {
	p, err := url.Parse(u)
	if err != nil {
		return nil
	}
	rest, ok := strings.CutPrefix(p.Path, "/staged-uploads/")
	if !ok {
		return nil
	}
	token, _, _ := strings.Cut(rest, "/")
	t := s.st.staged[token]
	// The path names the target; the host may be any name of the sandbox.
	if t == nil || !strings.HasSuffix(t.resourceURL, p.EscapedPath()) {
		return nil
	}
	return t
}
