package shopify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// sharedDir finds the shared folder beside the checkout by walking up from
// the test's directory (<root>/main and <root>/shared, or /work/shared for a
// worktree at /work/wt-*); the test is skipped when it is not there.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FERRY_SHARED"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		c := filepath.Join(dir, "shared")
		if st, err := os.Stat(filepath.Join(c, "samples", "shopify")); err == nil && st.IsDir() {
			return c
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	t.Skip("the shared folder (shared/samples/shopify) is not here")
	return ""
}

// loadSchema loads the introspected 2025-01 Admin schema, which lacks a
// schema block (reference §1.10).
func loadSchema(t testing.TB) *ast.Schema {
	t.Helper()
	p := filepath.Join(sharedDir(t), "data", "shopify", "admin-2025-01.graphql")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("schema: %v", err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: p, Input: string(b)}, &ast.Source{Name: "root", Input: "schema { query: QueryRoot mutation: Mutation }"})
	if err != nil {
		t.Fatalf("loading %s: %v", p, err)
	}
	return s
}

func validate(s *ast.Schema, q string) error {
	_, errs := gqlparser.LoadQuery(s, q)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Every embedded operation and bulk query is valid against the real schema.
func TestOperationsValidate(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	for _, name := range OperationNames() {
		if err := validate(s, OperationText(name)); err != nil {
			t.Errorf("operation %s: %v", name, err)
		}
	}
	for name, q := range BulkQueries() {
		if err := validate(s, q); err != nil {
			t.Errorf("bulk query %s: %v", name, err)
		}
	}
}

// The check fails on a field the schema does not have (the negative case).
func TestOperationsValidateRejectsUnknownField(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	bad := strings.Replace(OperationText("Orders"), "displayFinancialStatus", "financialStatus", 1)
	err := validate(s, bad)
	if err == nil || !strings.Contains(err.Error(), `Cannot query field "financialStatus" on type "Order"`) {
		t.Fatalf("want an unknown-field error, got %v", err)
	}
}
