package shopify

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// SchemaFile is the introspected Admin API schema this sandbox validates against,
// relative to the shared folder that sits beside the ferry checkout.
const SchemaFile = "data/shopify/admin-2025-01.graphql"

// rootTypes names the operation types: the introspected SDL has no schema
// block, and gqlparser finds roots only by the names Query and Mutation.
const rootTypes = "schema { query: QueryRoot mutation: Mutation }"

var schemaCache sync.Map // path → *loadedSchema

type loadedSchema struct {
	once   sync.Once
	schema *ast.Schema
	err    error
}

// loadSchema parses the SDL at path once per process (about half a second for
// the 2.5 MB file); every server with the same path shares the result, which is
// read-only after loading.
func loadSchema(path string) (*ast.Schema, error) {
	v, _ := schemaCache.LoadOrStore(path, &loadedSchema{})
	ls := v.(*loadedSchema)
	ls.once.Do(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			ls.err = fmt.Errorf("shopify sandbox: reading the schema: %w", err)
			return
		}
		// gqlparser adds its prelude (built-in scalars and @skip, @include,
		// @deprecated, @oneOf …); the file redeclares @oneOf, which the prelude
		// allows for its own directives.
		s, err := gqlparser.LoadSchema(&ast.Source{Name: filepath.Base(path), Input: string(b)}, &ast.Source{Name: "roots", Input: rootTypes})
		if err != nil {
			ls.err = fmt.Errorf("shopify sandbox: loading the schema %s: %w", path, err)
			return
		}
		ls.schema = s
	})
	return ls.schema, ls.err
}

// FindSchema looks for shared/data/shopify/admin-2025-01.graphql in the
// directories above dir (and dir itself): the shared folder sits beside the
// checkout (<dir>/main and <dir>/shared in CI, /work/shared for a worktree).
func FindSchema(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("shopify sandbox: finding the schema: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", SchemaFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("shopify sandbox: no shared/%s above %s; pass the schema path", SchemaFile, abs)
}

// gqlErr is one entry of a GraphQL answer's "errors".
type gqlErr struct {
	Message    string   `json:"message"`
	Locations  []srcPos `json:"locations,omitempty"`
	Path       []any    `json:"path,omitempty"`
	Extensions *omap    `json:"extensions,omitempty"`
}

// srcPos is a line and column in the query.
type srcPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// parseAndValidate parses the operation and validates it against the schema.
// Validation errors come back in Shopify's (graphql-ruby's) words where the
// reference or the samples give them; see shopifyError.
func parseAndValidate(schema *ast.Schema, query string) (*ast.QueryDocument, []gqlErr) {
	doc, err := parser.ParseQuery(&ast.Source{Name: "query", Input: query})
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			return nil, []gqlErr{parseError(ge)}
		}
		return nil, []gqlErr{{Message: err.Error()}}
	}
	list := validator.Validate(schema, doc)
	if len(list) == 0 {
		return doc, nil
	}
	paths := fieldPaths(doc)
	out := make([]gqlErr, 0, len(list))
	seen := map[string]bool{}
	for _, ge := range list {
		// gqlparser reports an error in a fragment once per spread.
		if k := ge.Error(); !seen[k] {
			seen[k] = true
			out = append(out, shopifyError(ge, paths))
		}
	}
	return nil, out
}

// parseError mirrors graphql-ruby: `Parse error on "}" (RCURLY) at [1, 20]`.
// The token names are gqlparser's, not Ruby's [U].
func parseError(ge *gqlerror.Error) gqlErr {
	e := gqlErr{Message: ge.Message}
	if len(ge.Locations) > 0 {
		l := ge.Locations[0]
		e.Locations = []srcPos{{l.Line, l.Column}}
		e.Message = fmt.Sprintf("Parse error: %s at [%d, %d]", strings.TrimSuffix(ge.Message, "."), l.Line, l.Column)
	}
	e.Extensions = newOmap("code", "parseError")
	return e
}

// shopifyError rewrites a gqlparser validation error into the shape of
// samples/shopify/graphql/error-undefinedField…json: message, locations, a path
// that starts with the operation or fragment ("query Name", "fragment F") and
// extensions.code. Only undefinedField is shown by a sample; the other codes are
// graphql-ruby's names [U].
func shopifyError(ge *gqlerror.Error, paths map[srcPos][]any) gqlErr {
	e := gqlErr{Message: ge.Message}
	for _, l := range ge.Locations {
		e.Locations = append(e.Locations, srcPos{l.Line, l.Column})
	}
	if len(e.Locations) > 0 {
		e.Path = paths[e.Locations[0]]
	}
	var a, b string
	switch ge.Rule {
	case "FieldsOnCorrectType":
		if scanQuoted(ge.Message, &a, &b) {
			e.Message = fmt.Sprintf("Field '%s' doesn't exist on type '%s'", a, b)
			e.Extensions = newOmap("code", "undefinedField", "typeName", b, "fieldName", a)
		}
	case "KnownArgumentNames":
		if scanQuoted(ge.Message, &a, &b) {
			b = b[strings.LastIndex(b, ".")+1:]
			e.Message = fmt.Sprintf("Field '%s' doesn't accept argument '%s'", b, a)
			e.Extensions = newOmap("code", "argumentNotAccepted", "name", b, "typeName", "Field", "argumentName", a)
		}
	case "ProvidedRequiredArguments":
		if scanQuoted(ge.Message, &a, &b) {
			e.Message = fmt.Sprintf("Field '%s' is missing required arguments: %s", a, b)
			e.Extensions = newOmap("code", "missingRequiredArguments", "className", "Field", "name", a, "arguments", b)
		}
	case "KnownTypeNames":
		if scanQuoted(ge.Message, &a) {
			e.Message = fmt.Sprintf("No such type %s, so it can't be a fragment condition", a)
			e.Extensions = newOmap("code", "undefinedType", "typeName", a)
		}
	case "ScalarLeafs":
		e.Extensions = newOmap("code", "selectionMismatch")
	case "NoUnusedVariables":
		e.Extensions = newOmap("code", "variableNotUsed")
	case "NoUndefinedVariables":
		e.Extensions = newOmap("code", "undefinedVariable")
	}
	if e.Extensions == nil {
		code := "validationError"
		if ge.Rule != "" {
			code = ge.Rule
		}
		e.Extensions = newOmap("code", code)
	}
	return e
}

// scanQuoted fills dst with the double-quoted words of msg, in order.
func scanQuoted(msg string, dst ...*string) bool {
	parts := strings.Split(msg, `"`)
	if len(parts) < 2*len(dst)+1 {
		return false
	}
	for i, d := range dst {
		*d = parts[2*i+1]
	}
	return true
}

// fieldPaths maps each field's position to its validation path as graphql-ruby
// writes it: the operation ("query", "query Name", "mutation Name") or
// "fragment Name", then the response keys down to the field.
func fieldPaths(doc *ast.QueryDocument) map[srcPos][]any {
	out := map[srcPos][]any{}
	var walk func(sel ast.SelectionSet, path []any)
	walk = func(sel ast.SelectionSet, path []any) {
		for _, s := range sel {
			switch s := s.(type) {
			case *ast.Field:
				p := append(append([]any{}, path...), s.Alias)
				if s.Position != nil {
					out[srcPos{s.Position.Line, s.Position.Column}] = p
				}
				walk(s.SelectionSet, p)
			case *ast.InlineFragment:
				on := "..."
				if s.TypeCondition != "" {
					on = "... on " + s.TypeCondition
				}
				walk(s.SelectionSet, append(append([]any{}, path...), on))
			}
		}
	}
	for _, op := range doc.Operations {
		head := string(op.Operation)
		if op.Name != "" {
			head += " " + op.Name
		}
		walk(op.SelectionSet, []any{head})
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet, []any{"fragment " + f.Name})
	}
	return out
}

// coerceVariables checks and coerces the request's variables. A bad value
// answers as graphql-ruby does: "Variable $x of type T! was provided invalid
// value", with the problem in extensions [U: the exact explanation texts].
func coerceVariables(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any) (map[string]any, *gqlErr) {
	if vars == nil {
		vars = map[string]any{}
	}
	out, err := validator.VariableValues(schema, op, vars)
	if err == nil {
		return out, nil
	}
	var ge *gqlerror.Error
	name, explanation := "", err.Error()
	if errors.As(err, &ge) {
		explanation = ge.Message
		if len(ge.Path) > 1 {
			name = fmt.Sprint(ge.Path[1])
		}
	}
	e := gqlErr{Message: "Variable $" + name + " was provided invalid value"}
	for _, v := range op.VariableDefinitions {
		if v.Variable == name {
			e.Message = fmt.Sprintf("Variable $%s of type %s was provided invalid value", name, v.Type.String())
			if v.Position != nil {
				e.Locations = []srcPos{{v.Position.Line, v.Position.Column}}
			}
		}
	}
	var sub []any
	if ge != nil && len(ge.Path) > 2 {
		for _, p := range ge.Path[2:] {
			sub = append(sub, fmt.Sprint(p))
		}
	}
	if sub == nil {
		sub = []any{}
	}
	e.Extensions = newOmap("code", "INVALID_VARIABLE", "value", vars[name], "problems", []any{newOmap("path", sub, "explanation", explanation)})
	return nil, &e
}
