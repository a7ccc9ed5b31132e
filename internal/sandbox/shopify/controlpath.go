package shopify

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// refAndAction splits /_sandbox/{kind}{ref}/{action} at the last slash of the
// escaped path, so a ref may be a gid, raw (gid://…) or escaped (gid%3A%2F%2F…).
func refAndAction(r *http.Request, kind string, actions ...string) (ref, action string) {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/_sandbox/"+kind)
	if i := strings.LastIndex(rest, "/"); i >= 0 && slices.Contains(actions, rest[i+1:]) {
		return pathRef(rest[:i]), rest[i+1:]
	}
	return pathRef(rest), ""
}

// pathRef unescapes a path ref and mends a gid:// that a client's path
// cleaning folded to gid:/.
func pathRef(raw string) string {
	ref, err := url.PathUnescape(raw)
	if err != nil {
		ref = raw
	}
	if t, ok := strings.CutPrefix(ref, "gid:/"); ok && !strings.HasPrefix(t, "/") {
		ref = "gid://" + t
	}
	return ref
}
