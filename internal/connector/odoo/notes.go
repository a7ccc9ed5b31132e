package odoo

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
)

type messageRow struct {
	ID   Int `json:"id"`
	Body Str `json:"body"`
}

// postNote logs text as an internal note (the chatter's "Log note":
// message_type comment, subtype mail.mt_note) on one record, unless the
// record has a note of that text already, so that a repeated call posts it
// once. 16 (and 17, as the sandbox assumes) keeps a str body as HTML, so the
// text is escaped there; 18 and later escape a str body themselves.
func (c *Client) postNote(ctx context.Context, model string, id int64, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	have, err := SearchRead[messageRow](ctx, c, "mail.message", Query{Domain: []any{[]any{"model", "=", model}, []any{"res_id", "=", id}, []any{"message_type", "=", "comment"}}, Fields: []string{"body"}})
	if err != nil {
		return fmt.Errorf("reading the notes of %s %d: %w", model, id, err)
	}
	want := strings.Join(strings.Fields(text), " ")
	for _, m := range have {
		if plainText(string(m.Body)) == want {
			return nil
		}
	}
	version, err := c.Version(ctx)
	if err != nil {
		return err
	}
	body := text
	if version < 18 {
		body = html.EscapeString(text)
	}
	if _, err := c.Call(ctx, model, "message_post", []int64{id}, map[string]any{"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_note"}); err != nil {
		return fmt.Errorf("posting a note on %s %d: %w", model, id, err)
	}
	return nil
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainText is a stored body as a person reads it: tags dropped, entities
// decoded (twice, should a version escape what ferry escaped), spaces folded.
func plainText(s string) string {
	s = tags.ReplaceAllString(s, "")
	for range 2 {
		s = html.UnescapeString(s)
	}
	return strings.Join(strings.Fields(s), " ")
}
