package ongoing

import (
	"context"
	"fmt"
	"strconv"
)

// ProductCodes returns every article number of the goods owner with its
// articleSystemId (GET /articles, page by page): what the warehouse holds of
// the shop's SKUs, for the dashboard's product sync page.
func (c *Client) ProductCodes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := c.Articles(ctx, nil, func(items []Article, _ []error) error {
		for _, a := range items {
			out[string(a.ArticleNumber)] = strconv.Itoa(int(a.ArticleSystemID))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ongoing %s: listing articles: %w", c.name, err)
	}
	return out, nil
}
