package shopify

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
)

// The GraphQL operations the client sends, hand-written one per file and
// validated against the 2025-01 Admin schema by TestOperationsValidate.
//
//go:embed ops/*.graphql
var opsFS embed.FS

// The inner queries of bulk operations (no first/after: a bulk operation reads
// every record).
//
//go:embed bulkops/*.graphql
var bulkFS embed.FS

// Operation is one embedded GraphQL document, named by its file.
type Operation struct {
	Name  string
	Query string
	// shape is the selection tree the cost estimate walks.
	shape *costNode
}

var operations = mustLoad(opsFS, "ops")

// bulkProductsQuery is the inner query of the products bulk operation.
var bulkProductsQuery = mustRead(bulkFS, "bulkops/Products.graphql")

func mustLoad(fs embed.FS, dir string) map[string]*Operation {
	ents, err := fs.ReadDir(dir)
	if err != nil {
		panic(err)
	}
	out := map[string]*Operation{}
	for _, e := range ents {
		name := strings.TrimSuffix(e.Name(), ".graphql")
		q := mustRead(fs, path.Join(dir, e.Name()))
		shape, err := parseShape(q)
		if err != nil {
			panic(fmt.Sprintf("shopify: operation %s: %v", name, err))
		}
		out[name] = &Operation{Name: name, Query: q, shape: shape}
	}
	return out
}

func mustRead(fs embed.FS, p string) string {
	b, err := fs.ReadFile(p)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// op returns the embedded operation name; a missing one is a programming error.
func op(name string) *Operation {
	o, ok := operations[name]
	if !ok {
		panic("shopify: no operation " + name)
	}
	return o
}

// OperationNames lists the embedded operations, sorted.
func OperationNames() []string {
	var out []string
	for n := range operations {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// OperationText returns an embedded operation's document ("" if unknown).
func OperationText(name string) string {
	if o, ok := operations[name]; ok {
		return o.Query
	}
	return ""
}

// BulkQueries returns the inner queries of bulk operations by name.
func BulkQueries() map[string]string {
	return map[string]string{"Products": bulkProductsQuery}
}
