package ongoing_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// ProductCodes pages through every article (the env's page size is 7) with
// its articleSystemId.
func TestProductCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Articles: 20}, nil)
	ctx := context.Background()
	codes, err := e.c.ProductCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = e.c.Articles(ctx, url.Values{}, func(items []ongoing.Article, _ []error) error {
		for _, a := range items {
			n++
			if got := codes[string(a.ArticleNumber)]; got != strconv.Itoa(int(a.ArticleSystemID)) {
				t.Errorf("article %s → %q, want %d", a.ArticleNumber, got, a.ArticleSystemID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 20 || len(codes) != n {
		t.Fatalf("%d codes of %d articles, want 20", len(codes), n)
	}
}
