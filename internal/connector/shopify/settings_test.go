package shopify

import "testing"

// base_url takes the sandbox's printed host as it takes a full Admin API root.
func TestBaseURLOfAHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                                "https://example.myshopify.com/admin/api",
		"http://127.0.0.1:8085":           "http://127.0.0.1:8085/admin/api",
		"http://127.0.0.1:8085/":          "http://127.0.0.1:8085/admin/api",
		"http://127.0.0.1:8085/admin/api": "http://127.0.0.1:8085/admin/api",
		"https://proxy.example/shopify/admin/api/": "https://proxy.example/shopify/admin/api",
	} {
		s := Settings{Shop: "example.myshopify.com", BaseURL: in}
		s.fill()
		if s.BaseURL != want {
			t.Errorf("base_url %q became %q, want %q", in, s.BaseURL, want)
		}
	}
}
