package odoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// Odoo answers false for every empty value, whatever the field's type. These
// types read a field's value or false.

var jsonFalse = []byte("false")

func isEmpty(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || bytes.Equal(b, jsonFalse) || bytes.Equal(b, []byte("null"))
}

// Str is a char/text/selection field: a string or false.
type Str string

// UnmarshalJSON reads a string; false and null are "".
func (s *Str) UnmarshalJSON(b []byte) error {
	if isEmpty(b) {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("want a string or false, got %s", excerpt(b))
	}
	*s = Str(v)
	return nil
}

// Num is a float/monetary/integer field: a number or false.
type Num model.Decimal

// UnmarshalJSON reads a number; false and null are 0.
func (n *Num) UnmarshalJSON(b []byte) error {
	if isEmpty(b) {
		*n = 0
		return nil
	}
	var d model.Decimal
	if err := d.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("want a number or false, got %s", excerpt(b))
	}
	*n = Num(d)
	return nil
}

// D returns the value as a model.Decimal.
func (n Num) D() model.Decimal { return model.Decimal(n) }

// Int is an integer id or false.
type Int int64

// UnmarshalJSON reads an integer; false and null are 0.
func (i *Int) UnmarshalJSON(b []byte) error {
	if isEmpty(b) {
		*i = 0
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil || f != float64(int64(f)) {
		return fmt.Errorf("want an integer or false, got %s", excerpt(b))
	}
	*i = Int(f)
	return nil
}

// String returns the id in decimal, "" for 0.
func (i Int) String() string {
	if i == 0 {
		return ""
	}
	return strconv.FormatInt(int64(i), 10)
}

// Bool is a boolean field.
type Bool bool

// UnmarshalJSON reads true/false; null is false.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		*v = true
	case "false", "null":
		*v = false
	default:
		return fmt.Errorf("want true or false, got %s", excerpt(b))
	}
	return nil
}

// Many2one is a many2one field: [id, "display name"] or false.
type Many2one struct {
	ID   int64
	Name string
}

// UnmarshalJSON reads [id, name], a bare id (JSON-2 may answer ids), or false.
func (m *Many2one) UnmarshalJSON(b []byte) error {
	*m = Many2one{}
	if isEmpty(b) {
		return nil
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		var id float64
		if err := json.Unmarshal(b, &id); err != nil {
			return fmt.Errorf("want [id, name] or false, got %s", excerpt(b))
		}
		m.ID = int64(id)
		return nil
	}
	if len(pair) < 1 {
		return nil
	}
	var id float64
	if err := json.Unmarshal(pair[0], &id); err != nil {
		return fmt.Errorf("many2one id: want a number, got %s", excerpt(pair[0]))
	}
	m.ID = int64(id)
	if len(pair) > 1 {
		var name Str
		if err := json.Unmarshal(pair[1], &name); err != nil {
			return fmt.Errorf("many2one name: %w", err)
		}
		m.Name = string(name)
	}
	return nil
}

// IDs is an x2many field: a list of ids.
type IDs []int64

// UnmarshalJSON reads [ids]; false and null are empty.
func (x *IDs) UnmarshalJSON(b []byte) error {
	*x = nil
	if isEmpty(b) {
		return nil
	}
	var fs []float64
	if err := json.Unmarshal(b, &fs); err != nil {
		return fmt.Errorf("want a list of ids, got %s", excerpt(b))
	}
	for _, f := range fs {
		*x = append(*x, int64(f))
	}
	return nil
}

// Time is a datetime ("YYYY-MM-DD HH:MM:SS", UTC) or date field, or false.
type Time struct{ time.Time }

// UnmarshalJSON reads Odoo's UTC datetimes and dates; false is zero.
func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	if isEmpty(b) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a datetime or false, got %s", excerpt(b))
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999", "2006-01-02", time.RFC3339} {
		if v, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("%q is not an Odoo datetime", s)
}

// FormatTime writes t as Odoo wants datetimes in domains and values.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func excerpt(b []byte) string {
	s := string(b)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.TrimSpace(s)
}
