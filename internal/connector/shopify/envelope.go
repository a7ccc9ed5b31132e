package shopify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Response is a GraphQL answer: data, errors and the cost extension.
type Response struct {
	Data       json.RawMessage `json:"data"`
	Errors     GQLErrors       `json:"errors"`
	Extensions struct {
		Cost *Cost `json:"cost"`
	} `json:"extensions"`
}

// Cost is extensions.cost. actualQueryCost is absent (or null) when the query
// did not run (THROTTLED); numbers may come as 2000.0 or 2000.
type Cost struct {
	RequestedQueryCost float64         `json:"requestedQueryCost"`
	ActualQueryCost    *float64        `json:"actualQueryCost"`
	ThrottleStatus     *ThrottleStatus `json:"throttleStatus"`
}

// ThrottleStatus is the bucket as the shop saw it after the query (points,
// points/second).
type ThrottleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable float64 `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

// GQLError is one entry of "errors".
type GQLError struct {
	Message   string `json:"message"`
	Locations []struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"locations,omitempty"`
	Path       []any `json:"path,omitempty"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// GQLErrors is "errors": a list of GQLError, or a bare string (the 401 body
// {"errors":"[API] Invalid API key …"}) or an object of strings (REST style).
type GQLErrors []GQLError

// UnmarshalJSON reads every shape "errors" takes.
func (e *GQLErrors) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		*e = nil
		return nil
	case strings.HasPrefix(s, "["):
		var l []GQLError
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*e = l
		return nil
	case strings.HasPrefix(s, `"`):
		var m string
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		*e = GQLErrors{{Message: m}}
		return nil
	case strings.HasPrefix(s, "{"):
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for k, v := range m {
			*e = append(*e, GQLError{Message: fmt.Sprintf("%s: %v", k, v)})
		}
		return nil
	}
	return errors.New("errors is neither a list, a string nor an object")
}

// has reports whether an error carries code.
func (e GQLErrors) has(code string) bool {
	for _, x := range e {
		if x.Extensions.Code == code {
			return true
		}
	}
	return false
}

// DecodeResponse reads a GraphQL answer body.
func DecodeResponse(b []byte) (*Response, error) {
	var r Response
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UserError is one entry of a mutation payload's userErrors (HTTP 200).
type UserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code,omitempty"`
}
