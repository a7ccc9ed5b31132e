package shopify

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// bulkOp is a bulk query operation (reference §1.6): CREATED on the mutation,
// RUNNING after half of Options.BulkDelay, COMPLETED with a JSONL file after
// all of it.
type bulkOp struct {
	id                     int64
	status                 string
	query                  string
	doc                    *ast.QueryDocument
	createdAt, completedAt time.Time
	objects, roots         int
	file                   []byte
	key                    string // the file URL's secret
	base                   string
	timers                 []*time.Timer
}

// bulkInProgress is the userErrors of
// samples/shopify/bulk/bulkOperationRunQuery-already-running.airbyte.json:
// an entry with an empty message, then the one that says why. One query
// operation may run per shop before 2026-01 (§1.6); the sandbox keeps that
// limit for every version.
func bulkInProgress(running *bulkOp) []any {
	return []any{
		obj{"__typename": "BulkOperationUserError", "field": nil, "message": "", "code": nil},
		obj{"__typename": "BulkOperationUserError", "field": nil, "code": "OPERATION_IN_PROGRESS",
			"message": "A bulk query operation for this app and shop is already in progress: " + gid("BulkOperation", running.id) + "."},
	}
}

func (s *Server) bulkOperationRunQuery(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "BulkOperationRunQueryPayload", "bulkOperation": nil, "userErrors": []any{}}
	for _, b := range s.st.bulk {
		if b.status == "CREATED" || b.status == "RUNNING" || b.status == "CANCELING" {
			payload["userErrors"] = bulkInProgress(b)
			return payload, nil
		}
	}
	q := argStr(args["query"])
	invalid := func(msg string) (any, error) {
		payload["userErrors"] = []any{obj{"__typename": "BulkOperationUserError", "field": []any{"query"}, "message": msg, "code": "INVALID"}}
		return payload, nil
	}
	doc, errs := parseAndValidate(s.schema, q)
	if errs != nil {
		return invalid("Invalid bulk query: " + errs[0].Message)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Query {
		return invalid("Invalid bulk query: a bulk query must be a single query operation.")
	}
	if err := ec.bulkAccess(doc); err != nil {
		return invalid(err.Error()) // as a userError [U]
	}
	if !ec.hasConnection(doc.Operations[0].SelectionSet, s.schema.Query) {
		return invalid("Bulk queries must contain at least one connection.")
	}
	now := s.st.touch(ec.now)
	b := &bulkOp{id: s.st.id(), status: "CREATED", query: q, doc: doc, createdAt: now, base: ec.base}
	b.key = fmt.Sprintf("%x", b.id*2654435761)
	s.st.bulk = append(s.st.bulk, b)
	s.st.bulkByID[b.id] = b
	b.timers = append(b.timers,
		time.AfterFunc(s.opts.BulkDelay/2, func() { s.bulkStep(b, false) }),
		time.AfterFunc(s.opts.BulkDelay, func() { s.bulkStep(b, true) }))
	payload["bulkOperation"] = s.bulkObj(b)
	return payload, nil
}

// hasConnection reports whether sel selects a connection anywhere.
func (ec *execCtx) hasConnection(sel ast.SelectionSet, def *ast.Definition) bool {
	for _, g := range ec.collect(sel, def, nil, map[string]bool{}) {
		fd := def.Fields.ForName(g.fields[0].Name)
		if fd == nil {
			continue
		}
		named := fd.Type
		for named.Elem != nil {
			named = named.Elem
		}
		t := ec.schema.Types[named.NamedType]
		if t == nil || t.Kind != ast.Object {
			continue
		}
		if isConnection(t) || ec.hasConnection(merged(g.fields), t) {
			return true
		}
	}
	return false
}

// bulkStep moves b to RUNNING, or completes it: it runs the query over every
// record and writes the JSONL.
func (s *Server) bulkStep(b *bulkOp, done bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case b.status == "CANCELING":
		if done {
			b.status, b.completedAt = "CANCELED", s.st.touch(s.opts.Now())
		}
		return
	case b.status != "CREATED" && b.status != "RUNNING":
		return
	case !done:
		b.status = "RUNNING"
		return
	}
	ec := &execCtx{s: s, schema: s.schema, doc: b.doc, vars: map[string]any{}, now: s.opts.Now(), bulk: true, base: b.base}
	data, _ := ec.selectObject(b.doc.Operations[0].SelectionSet, s.schema.Query, s.queryRoot, nil)
	var out bytes.Buffer
	if data != nil {
		for _, v := range data.vals {
			if m, ok := v.(*omap); ok {
				b.roots += flattenBulk(&out, m, "", &b.objects, true)
			}
		}
	}
	b.file = out.Bytes()
	b.status, b.completedAt = "COMPLETED", s.st.touch(s.opts.Now())
	s.emit("bulk_operations/finish", func() *omap {
		return newOmap("admin_graphql_api_id", gid("BulkOperation", b.id), "completed_at", restTime(b.completedAt),
			"created_at", restTime(b.createdAt), "error_code", nil, "status", "completed", "type", "query")
	})
}

// flattenBulk writes the nodes of the connection m as JSONL lines: a node's
// nested connections come out after it as lines of their own with
// "__parentId" (samples/shopify/bulk/*.jsonl), and slashes are escaped as
// Shopify writes them. It answers the number of nodes of m; objects counts
// every line.
func flattenBulk(out *bytes.Buffer, m *omap, parent string, objects *int, top bool) int {
	if !m.conn {
		// A plain object above the connection (shop { … }): look inside.
		n := 0
		for _, v := range m.vals {
			if c, ok := v.(*omap); ok {
				n += flattenBulk(out, c, parent, objects, top)
			}
		}
		return n
	}
	var nodes []*omap
	if v, ok := m.get("edges"); ok {
		for _, e := range v.([]any) {
			if em, ok := e.(*omap); ok {
				if n, ok := em.get("node"); ok {
					if nm, ok := n.(*omap); ok {
						nodes = append(nodes, nm)
					}
				}
			}
		}
	}
	if v, ok := m.get("nodes"); ok {
		for _, n := range v.([]any) {
			if nm, ok := n.(*omap); ok {
				nodes = append(nodes, nm)
			}
		}
	}
	for _, n := range nodes {
		children := takeConnections(n)
		if parent != "" {
			n.set("__parentId", parent)
		}
		encode(out, n, true)
		out.WriteByte('\n')
		*objects++
		id, _ := n.get("id")
		ids, _ := id.(string)
		for _, c := range children {
			flattenBulk(out, c, ids, objects, false)
		}
	}
	return len(nodes)
}

// takeConnections removes the connections nested in a node (also inside its
// plain objects) and answers them.
func takeConnections(n *omap) []*omap {
	var out []*omap
	for i := 0; i < len(n.keys); i++ {
		c, ok := n.vals[i].(*omap)
		if !ok {
			continue
		}
		if c.conn {
			out = append(out, c)
			n.del(n.keys[i])
			i--
			continue
		}
		out = append(out, takeConnections(c)...)
	}
	return out
}

func (s *Server) bulkObj(b *bulkOp) obj {
	m := obj{"__typename": "BulkOperation", "id": gid("BulkOperation", b.id), "status": b.status, "errorCode": nil,
		"createdAt": b.createdAt, "completedAt": nilTime(b.completedAt), "objectCount": strconv.Itoa(b.objects),
		"rootObjectCount": strconv.Itoa(b.roots), "fileSize": nil, "url": nil, "partialDataUrl": nil, "query": b.query, "type": "QUERY"}
	if b.status == "COMPLETED" && b.objects > 0 {
		m["fileSize"] = strconv.Itoa(len(b.file))
		name := fmt.Sprintf("bulk-%d.jsonl", b.id)
		m["url"] = fmt.Sprintf("%s/_bulk/%d.jsonl?key=%s&response-content-disposition=attachment;+filename=\"%s\"&response-content-type=application/jsonl",
			b.base, b.id, b.key, name)
	}
	return m
}

func (s *Server) currentBulk(ec *execCtx, typ string) any {
	if typ == "MUTATION" {
		return nil // the sandbox runs no bulk mutations
	}
	if n := len(s.st.bulk); n > 0 {
		return s.bulkObj(s.st.bulk[n-1])
	}
	return nil
}

func (s *Server) bulkOperationCancel(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "BulkOperationCancelPayload", "bulkOperation": nil, "userErrors": []any{}}
	id, _ := idOf(args["id"], "BulkOperation")
	b := s.st.bulkByID[id]
	switch {
	case b == nil:
		payload["userErrors"] = []any{userError([]string{"id"}, "Bulk operation does not exist", "")}
	case b.status != "CREATED" && b.status != "RUNNING":
		payload["userErrors"] = []any{userError(nil, "A bulk operation cannot be canceled when it is "+strings.ToLower(b.status), "")}
		payload["bulkOperation"] = s.bulkObj(b)
	default:
		b.status = "CANCELING"
		payload["bulkOperation"] = s.bulkObj(b)
	}
	return payload, nil
}

// serveBulkFile serves /_bulk/{id}.jsonl?key=… (no access token, as the
// signed storage URLs Shopify hands out need none).
func (s *Server) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_bulk/"), ".jsonl")
	id, _ := strconv.ParseInt(name, 10, 64)
	s.mu.Lock()
	b := s.st.bulkByID[id]
	var file []byte
	ok := b != nil && b.status == "COMPLETED" && r.URL.Query().Get("key") == b.key
	if ok {
		file = b.file
	}
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>`))
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.Header().Set("Content-Length", strconv.Itoa(len(file)))
	w.Write(file)
}
