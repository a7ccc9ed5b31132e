package shopify

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const stageQ = `mutation S($in: [StagedUploadInput!]!) { stagedUploadsCreate(input: $in) {
	stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`

const setFilesQ = `mutation S($in: ProductSetInput!) { productSet(input: $in) {
	product { id mediaCount { count } media(first: 10) { nodes { id alt mediaContentType status
		mediaErrors { code }
		... on MediaImage { mimeType image { url width height altText } originalSource { url fileSize } } } } }
	userErrors { field message code } } }`

const mediaQ = `query M($id: ID!) { product(id: $id) { mediaCount { count } featuredMedia { id }
	media(first: 10) { nodes { id alt status mediaErrors { code }
		... on MediaImage { image { url width height } } } } } }`

// tinyPNG is a w×h PNG in one colour.
func tinyPNG(t testing.TB, w, h int, c uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = c
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type target struct {
	URL, ResourceURL string
	Params           [][2]string
}

func (ts *testShop) stage(in ...map[string]any) []target {
	ts.t.Helper()
	list := []any{}
	for _, m := range in {
		list = append(list, m)
	}
	a := ts.gql(stageQ, map[string]any{"in": list})
	if e := dig(a.Data, "stagedUploadsCreate", "userErrors").([]any); len(e) > 0 {
		ts.t.Fatalf("userErrors: %v", e)
	}
	var out []target
	for _, x := range dig(a.Data, "stagedUploadsCreate", "stagedTargets").([]any) {
		tg := target{URL: dig(x, "url").(string), ResourceURL: dig(x, "resourceUrl").(string)}
		for _, p := range dig(x, "parameters").([]any) {
			tg.Params = append(tg.Params, [2]string{dig(p, "name").(string), dig(p, "value").(string)})
		}
		out = append(out, tg)
	}
	return out
}

func imageInput(name, method string) map[string]any {
	return map[string]any{"resource": "IMAGE", "filename": name, "mimeType": "image/png", "httpMethod": method}
}

// form is a multipart upload: the target's parameters, then the file.
func form(params [][2]string, file []byte, fileFirst bool) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	writeFile := func() {
		fw, _ := mw.CreateFormFile("file", "upload.png")
		fw.Write(file)
	}
	if fileFirst {
		writeFile()
	}
	for _, p := range params {
		mw.WriteField(p[0], p[1])
	}
	if !fileFirst {
		writeFile()
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func send(t testing.TB, method, u, contentType string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func upload(t testing.TB, tg target, data []byte) {
	t.Helper()
	var code int
	var body string
	if strings.Contains(tg.URL, "X-Goog-Signature") {
		code, body = send(t, "PUT", tg.URL, "image/png", data)
	} else {
		ct, b := form(tg.Params, data, false)
		code, body = send(t, "POST", tg.URL, ct, b)
	}
	if code != 200 && code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
}

func mediaNodes(a answer, path ...any) []any {
	n, _ := dig(a.Data, append(path, "media", "nodes")...).([]any)
	return n
}

// The whole path a client takes: stage, upload (POST form and PUT), set the
// files on a product, read them back and fetch the image from the CDN URL;
// then a second productSet keeps one by id, adds one and drops one.
func TestStagedUploadToProductMedia(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	red, blue := tinyPNG(t, 3, 2, 10), tinyPNG(t, 4, 5, 200)
	tgs := ts.stage(imageInput("red hat.png", "POST"), imageInput("blue.png", "PUT"))
	post, put := tgs[0], tgs[1]
	if !strings.HasPrefix(post.URL, ts.http.URL+"/staged-uploads/") || !strings.HasSuffix(post.ResourceURL, "/red%20hat.png") {
		t.Fatalf("POST target: %+v", post)
	}
	names := []string{}
	for _, p := range post.Params {
		names = append(names, p[0])
	}
	if strings.Join(names, ",") != "Content-Type,success_action_status,acl,key,x-goog-date,x-goog-credential,x-goog-algorithm,x-goog-signature,policy" {
		t.Errorf("POST parameters: %v", names)
	}
	if len(put.Params) != 2 || put.Params[0] != [2]string{"content_type", "image/png"} || !strings.HasPrefix(put.URL, put.ResourceURL+"?") {
		t.Errorf("PUT target: %+v", put)
	}
	upload(t, post, red)
	upload(t, put, blue)

	a := ts.gql(setFilesQ, map[string]any{"in": map[string]any{"title": "Hat", "files": []any{
		map[string]any{"originalSource": post.ResourceURL, "alt": "Red hat", "contentType": "IMAGE"},
		map[string]any{"originalSource": put.ResourceURL, "filename": "blue-hat.png"},
	}}})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	pid := dig(a.Data, "productSet", "product", "id").(string)
	nodes := mediaNodes(a, "productSet", "product")
	if len(nodes) != 2 || dig(a.Data, "productSet", "product", "mediaCount", "count") != 2.0 {
		t.Fatalf("media: %s", a.Raw)
	}
	m0 := nodes[0]
	if dig(m0, "status") != "READY" || dig(m0, "alt") != "Red hat" || dig(m0, "mediaContentType") != "IMAGE" ||
		dig(m0, "image", "width") != 3.0 || dig(m0, "image", "height") != 2.0 || dig(m0, "mimeType") != "image/png" ||
		dig(m0, "originalSource", "fileSize") != float64(len(red)) {
		t.Errorf("first media: %v", m0)
	}
	u := dig(m0, "image", "url").(string)
	if !strings.HasPrefix(u, ts.http.URL+"/cdn/shop/files/red%20hat.png?v=") {
		t.Errorf("image url %q", u)
	}
	if code, body := send(t, "GET", u, "", nil); code != 200 || body != string(red) {
		t.Errorf("CDN GET: %d, %d bytes", code, len(body))
	}
	if got := dig(nodes[1], "image", "url").(string); !strings.Contains(got, "/cdn/shop/files/blue-hat.png?v=") {
		t.Errorf("filename given: %q", got)
	}
	info, ok := ts.ProductMedia(pid)
	if !ok || len(info) != 2 || !bytes.Equal(info[1].Bytes, blue) || info[0].Filename != "red hat.png" || info[0].Alt != "Red hat" {
		t.Fatalf("ProductMedia: %+v", info)
	}

	// Keep the blue one by id (new alt), add a third, drop the red one.
	tg := ts.stage(imageInput("green.png", "POST"))[0]
	upload(t, tg, tinyPNG(t, 1, 1, 90))
	a = ts.gql(setFilesQ, map[string]any{"in": map[string]any{"id": pid, "files": []any{
		map[string]any{"id": info[1].ID, "alt": "Blue"}, map[string]any{"originalSource": tg.ResourceURL},
	}}})
	nodes = mediaNodes(a, "productSet", "product")
	if e := userErrs(a); len(e) > 0 || len(nodes) != 2 || dig(nodes[0], "id") != info[1].ID || dig(nodes[0], "alt") != "Blue" {
		t.Fatalf("second productSet: %v %s", e, a.Raw)
	}
	if code, _ := send(t, "GET", u, "", nil); code != 404 {
		t.Errorf("a dropped file is still served: %d", code)
	}
	// Without files the media stay.
	a = ts.gql(setFilesQ, map[string]any{"in": map[string]any{"id": pid, "title": "Hat 2"}})
	if len(mediaNodes(a, "productSet", "product")) != 2 {
		t.Errorf("productSet without files changed the media: %s", a.Raw)
	}
	a = ts.gql(mediaQ, map[string]any{"id": pid})
	if dig(a.Data, "product", "featuredMedia", "id") != info[1].ID || dig(a.Data, "product", "mediaCount", "count") != 2.0 {
		t.Errorf("read back: %s", a.Raw)
	}
	// The media is a node of its own.
	a = ts.gql(`query($id: ID!) { node(id: $id) { ... on MediaImage { alt image { width } } } }`, map[string]any{"id": info[1].ID})
	if dig(a.Data, "node", "alt") != "Blue" || dig(a.Data, "node", "image", "width") != 4.0 {
		t.Errorf("node: %s", a.Raw)
	}
}

// Sources that cannot be read end as FAILED media with the schema's codes;
// inputs wrong in themselves are userErrors and change nothing.
func TestProductFilesFailures(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	never := ts.stage(imageInput("never.png", "PUT"))[0]
	text := ts.stage(imageInput("text.png", "PUT"))[0]
	code, _ := send(t, "PUT", text.URL, "image/png", []byte("not an image at all"))
	if code != 200 {
		t.Fatal(code)
	}
	pic := tinyPNG(t, 2, 2, 1)
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/pic.png" {
			http.NotFound(w, r)
			return
		}
		w.Write(pic)
	}))
	defer local.Close()

	for _, c := range []struct {
		name, source, status, code string
	}{
		{"nothing uploaded", never.ResourceURL, "FAILED", "IMAGE_DOWNLOAD_FAILURE"},
		{"not an image", text.ResourceURL, "FAILED", "UNSUPPORTED_IMAGE_FILE_TYPE"},
		{"forged target", ts.http.URL + "/staged-uploads/0000/x.png", "FAILED", "INVALID_SIGNED_URL"},
		{"the network", "https://example.com/hat.png", "FAILED", "IMAGE_DOWNLOAD_FAILURE"},
		{"loopback 404", local.URL + "/missing.png", "FAILED", "IMAGE_DOWNLOAD_FAILURE"},
		{"loopback", local.URL + "/pic.png", "READY", ""},
	} {
		a := ts.gql(setFilesQ, map[string]any{"in": map[string]any{"title": c.name, "files": []any{map[string]any{"originalSource": c.source}}}})
		if e := userErrs(a); len(e) > 0 {
			t.Fatalf("%s: %v", c.name, e)
		}
		pid := dig(a.Data, "productSet", "product", "id").(string)
		// Loopback sources are read after the answer, as Shopify does.
		var info []MediaInfo
		waitFor(t, c.name, func() bool {
			info, _ = ts.ProductMedia(pid)
			return len(info) == 1 && info[0].Status != "PROCESSING"
		})
		if info[0].Status != c.status || info[0].Error != c.code {
			t.Errorf("%s: %+v", c.name, info[0])
		}
		a = ts.gql(mediaQ, map[string]any{"id": pid})
		n := mediaNodes(a, "product")
		if dig(n[0], "status") != c.status || (c.code != "" && dig(n[0], "mediaErrors", 0, "code") != c.code) {
			t.Errorf("%s over the wire: %v", c.name, n[0])
		}
		if c.status == "READY" && (!bytes.Equal(info[0].Bytes, pic) || info[0].Filename != "pic.png") {
			t.Errorf("%s: %+v", c.name, info[0])
		}
		if c.status == "FAILED" && dig(n[0], "image") != nil {
			t.Errorf("%s: a failed media has an image: %v", c.name, n[0])
		}
	}

	pid, _ := ts.Product("")
	for _, c := range []struct {
		name string
		file map[string]any
		want string
	}{
		{"no source", map[string]any{"alt": "x"}, "input.files.0.originalSource INVALID_INPUT"},
		{"unknown id", map[string]any{"id": "gid://shopify/MediaImage/1"}, "input.files.0.id INVALID_INPUT"},
		{"video", map[string]any{"originalSource": never.ResourceURL, "contentType": "VIDEO"}, "input.files.0.contentType INVALID_INPUT"},
		{"not a URL", map[string]any{"originalSource": "ftp://x/y.png"}, "input.files.0.originalSource INVALID_INPUT"},
	} {
		a := ts.gql(setFilesQ, map[string]any{"in": map[string]any{"id": pid.ID, "files": []any{c.file}}})
		if e := userErrs(a); len(e) != 1 || e[0] != c.want {
			t.Errorf("%s: %v", c.name, e)
		}
	}
	if m, _ := ts.ProductMedia(pid.ID); len(m) != 0 {
		t.Errorf("a refused productSet added media: %+v", m)
	}
}

// The bucket's contract: errors in its XML shape, the form's file last, the
// size limit, the signed content type, expiry and the 503 fault.
func TestUploadBucketErrors(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ts := newShop(t, Options{Orders: -1, Products: 1, Now: now})
	pic := tinyPNG(t, 2, 2, 5)
	small := map[string]any{"resource": "PRODUCT_IMAGE", "filename": "s.png", "mimeType": "image/png", "httpMethod": "POST", "fileSize": "10"}
	tgs := ts.stage(imageInput("a.png", "POST"), imageInput("b.png", "PUT"), small, imageInput("late.png", "POST"))
	post, put, tiny, late := tgs[0], tgs[1], tgs[2], tgs[3]
	withParam := func(name, value string) [][2]string {
		out := append([][2]string{}, post.Params...)
		for i := range out {
			if out[i][0] == name {
				out[i][1] = value
			}
		}
		return out
	}
	for _, c := range []struct {
		name            string
		method, url, ct string
		body            []byte
		wantCode        int
		wantXML         string
	}{
		{"unknown target", "PUT", ts.http.URL + "/staged-uploads/feedbeef", "image/png", pic, 404, "<Code>NoSuchUpload</Code>"},
		{"file before the parameters", "POST", post.URL, "", nil, 400, "<Code>InvalidArgument</Code>"},
		{"a parameter changed", "POST", post.URL, "", nil, 403, "<Code>AccessDenied</Code>"},
		{"over fileSize", "POST", tiny.URL, "", nil, 400, "<Code>EntityTooLarge</Code>"},
		{"not a form", "POST", post.URL, "image/png", pic, 400, "<Code>InvalidArgument</Code>"},
		{"PUT with another type", "PUT", put.URL, "image/jpeg", pic, 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"PUT unsigned", "PUT", put.ResourceURL, "image/png", pic, 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"POST to a PUT target", "POST", put.URL, "image/png", pic, 405, "<Code>MethodNotAllowed</Code>"},
		{"reading it back", "GET", put.ResourceURL, "", nil, 403, "<Code>AccessDenied</Code>"},
	} {
		ct, body := c.ct, c.body
		switch c.name {
		case "file before the parameters":
			ct, body = form(post.Params, pic, true)
		case "a parameter changed":
			ct, body = form(withParam("key", "tmp/other.png"), pic, false)
		case "over fileSize":
			ct, body = form(tiny.Params, pic, false)
		}
		code, got := send(t, c.method, c.url, ct, body)
		if code != c.wantCode || !strings.Contains(got, c.wantXML) || !strings.HasPrefix(got, "<?xml") {
			t.Errorf("%s: %d %s", c.name, code, got)
		}
	}
	if _, ok := ts.StagedUpload(post.ResourceURL); ok {
		t.Error("a refused upload stored bytes")
	}
	// One 503, then the same request goes through.
	ts.FailNextUploads(1)
	ct, body := form(post.Params, pic, false)
	if code, got := send(t, "POST", post.URL, ct, body); code != 503 || !strings.Contains(got, "ServiceUnavailable") {
		t.Errorf("fault: %d %s", code, got)
	}
	if code, got := send(t, "POST", post.URL, ct, body); code != 201 || !strings.Contains(got, "<PostResponse>") {
		t.Errorf("retry: %d %s", code, got)
	}
	if b, ok := ts.StagedUpload(post.ResourceURL); !ok || !bytes.Equal(b, pic) {
		t.Error("the uploaded bytes are not stored")
	}
	mu.Lock()
	clock = clock.Add(2 * time.Hour)
	mu.Unlock()
	ct, body = form(late.Params, pic, false)
	if code, got := send(t, "POST", late.URL, ct, body); code != 403 || !strings.Contains(got, "expired") {
		t.Errorf("expired: %d %s", code, got)
	}
}

func TestStagedUploadsCreateUserErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	for _, c := range []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"resource": "IMAGE", "filename": " ", "mimeType": "image/png"}, "input.0.filename"},
		{map[string]any{"resource": "IMAGE", "filename": "a.png", "mimeType": ""}, "input.0.mimeType"},
		{map[string]any{"resource": "PRODUCT_IMAGE", "filename": "a.txt", "mimeType": "text/plain"}, "input.0.mimeType"},
		{map[string]any{"resource": "VIDEO", "filename": "a.mp4", "mimeType": "video/mp4"}, "input.0.fileSize"},
		{map[string]any{"resource": "IMAGE", "filename": "a.png", "mimeType": "image/png", "fileSize": "30000000"}, "input.0.fileSize"},
	} {
		a := ts.gql(stageQ, map[string]any{"in": []any{c.in}})
		if e := userErrs(a); len(e) != 1 || e[0] != c.want || dig(a.Data, "stagedUploadsCreate", "stagedTargets") != nil {
			t.Errorf("%v: %v %s", c.in, e, a.Raw)
		}
	}
}

// Media cost as the model says: product 1, the connection 2 + first × (node
// 1 + image 1), mediaCount 1.
func TestMediaQueryCost(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	p, _ := ts.Product("")
	a := ts.gql(`query($id: ID!) { product(id: $id) { mediaCount { count } media(first: 5) { nodes { id ... on MediaImage { image { url } } } } } }`,
		map[string]any{"id": p.ID})
	if a.Extensions.Cost.Requested != 1+1+2+5*2 || *a.Extensions.Cost.Actual != 1+1+2 {
		t.Errorf("cost: requested %d actual %d", a.Extensions.Cost.Requested, *a.Extensions.Cost.Actual)
	}
}

// Options.MediaProcessing keeps new media PROCESSING (image null) for a
// while; duplicate filenames get a UUID, or fail with RAISE_ERROR.
func TestMediaProcessingAndDuplicateNames(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ts := newShop(t, Options{Orders: -1, Products: 1, Now: now, MediaProcessing: 5 * time.Second})
	tg := ts.stage(imageInput("same.png", "PUT"))[0]
	upload(t, tg, tinyPNG(t, 2, 2, 3))
	files := []any{map[string]any{"originalSource": tg.ResourceURL}, map[string]any{"originalSource": tg.ResourceURL},
		map[string]any{"originalSource": tg.ResourceURL, "duplicateResolutionMode": "RAISE_ERROR"}}
	a := ts.gql(setFilesQ, map[string]any{"in": map[string]any{"title": "Dup", "files": files}})
	n := mediaNodes(a, "productSet", "product")
	if dig(n[0], "status") != "PROCESSING" || dig(n[0], "image") != nil {
		t.Errorf("before processing: %v", n[0])
	}
	mu.Lock()
	clock = clock.Add(6 * time.Second)
	mu.Unlock()
	info, _ := ts.ProductMedia(dig(a.Data, "productSet", "product", "id").(string))
	if info[0].Status != "READY" || info[0].Filename != "same.png" {
		t.Errorf("first: %+v", info[0])
	}
	if info[1].Status != "READY" || !strings.HasPrefix(info[1].Filename, "same_") || !strings.HasSuffix(info[1].Filename, ".png") {
		t.Errorf("APPEND_UUID: %+v", info[1])
	}
	if info[2].Status != "FAILED" || info[2].Error != "DUPLICATE_FILENAME_ERROR" {
		t.Errorf("RAISE_ERROR: %+v", info[2])
	}
}

func FuzzParseUploadForm(f *testing.F) {
	ct, body := form([][2]string{{"key", "k"}, {"policy", "p"}}, []byte("\x89PNG"), false)
	f.Add(ct, body)
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--\r\n"))
	f.Add("text/plain", []byte("abc"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		fields, data, err := parseUploadForm(ct, bytes.NewReader(body), 1<<16)
		if err == nil && (len(data) == 0 || len(data) > 1<<16) {
			t.Fatalf("accepted %d bytes", len(data))
		}
		if err != nil && (fields != nil || data != nil || err.status < 400) {
			t.Fatalf("an error with data: %v", err)
		}
	})
}

// The control endpoints: a product's media as JSON, and the 503 fault.
func TestMediaControlEndpoints(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	tg := ts.stage(imageInput("c.png", "PUT"))[0]
	pic := tinyPNG(t, 2, 3, 7)
	upload(t, tg, pic)
	a := ts.gql(setFilesQ, map[string]any{"in": map[string]any{"title": "Ctl", "files": []any{map[string]any{"originalSource": tg.ResourceURL, "alt": "A"}}}})
	pid := dig(a.Data, "productSet", "product", "id").(string)
	code, body := send(t, "GET", ts.http.URL+"/_sandbox/products/"+pid+"/media", "", nil)
	var got []MediaInfo
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil || len(got) != 1 || !bytes.Equal(got[0].Bytes, pic) || got[0].Alt != "A" || got[0].Height != 3 {
		t.Fatalf("media control: %d %s", code, body)
	}
	if code, _ := send(t, "POST", ts.http.URL+"/_sandbox/uploads/fail", "application/json", []byte(`{"count":1}`)); code != 200 {
		t.Fatal(code)
	}
	if code, _ := send(t, "PUT", tg.URL, "image/png", pic); code != 503 {
		t.Errorf("fault: %d", code)
	}
	if code, _ := send(t, "PUT", tg.URL, "image/png", pic); code != 200 {
		t.Errorf("after the fault: %d", code)
	}
}
