package odoo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// XML-RPC (reference §1.1, §1.7): POST /xmlrpc/2/common and /xmlrpc/2/object,
// integer fault codes (1 application error, 2 UserError/ValidationError/
// MissingError, 3 AccessDenied, 4 AccessError), and the None trap: a method
// that returns None has already committed when the answer fails to marshal, so
// the caller gets fault 1 although the work is done.

func (s *Server) xmlrpc(w http.ResponseWriter, r *http.Request) {
	service := strings.TrimPrefix(r.URL.Path, "/xmlrpc/2/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	method, params, err := decodeMethodCall(body)
	if err != nil {
		writeFault(w, 1, "xml.parsers.expat.ExpatError: "+err.Error())
		return
	}
	var req rpcRequest
	req.Params.Service, req.Params.Method = service, method
	for _, p := range params {
		b, _ := jsonMarshal(p)
		req.Params.Args = append(req.Params.Args, b)
	}
	result, none, drop, err := s.dispatch(req)
	switch {
	case drop:
		dropConn(w)
	case err != nil:
		var oe *odooError
		code, msg := 1, err.Error()
		if errors.As(err, &oe) {
			msg = oe.msg
			switch {
			case strings.HasSuffix(oe.name, "AccessDenied"):
				code = 3
			case strings.HasSuffix(oe.name, "AccessError"):
				code = 4
			case strings.HasSuffix(oe.name, "UserError"), strings.HasSuffix(oe.name, "ValidationError"), strings.HasSuffix(oe.name, "MissingError"):
				code = 2
			default:
				msg = "Traceback (most recent call last):\n  ...\n" + oe.name + ": " + oe.msg
			}
		}
		writeFault(w, code, msg)
	case none:
		writeFault(w, 1, "Traceback (most recent call last):\n  ...\nTypeError: cannot marshal None unless allow_none is enabled")
	case hasRecordset(result) != "":
		// Committed, then Odoo's marshaller meets a recordset (16's reconcile
		// summary).
		writeFault(w, 1, "Traceback (most recent call last):\n  ...\nTypeError: cannot marshal <class 'odoo.api."+hasRecordset(result)+"'> objects")
	default:
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><methodResponse><params><param>`)
		encodeValue(&b, result)
		b.WriteString(`</param></params></methodResponse>`)
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, b.String())
	}
}

func writeFault(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>%d</int></value></member><member><name>faultString</name><value><string>%s</string></value></member></struct></value></fault></methodResponse>`, code, html.EscapeString(msg))
}

// decodeMethodCall reads <methodCall> into the method name and parameters as
// JSON-like values (numbers float64, arrays []any, structs map[string]any).
func decodeMethodCall(b []byte) (string, []any, error) {
	d := xml.NewDecoder(strings.NewReader(string(b)))
	var method string
	var params []any
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "methodName":
			if err := d.DecodeElement(&method, &se); err != nil {
				return "", nil, err
			}
		case "value":
			v, err := decodeValue(d)
			if err != nil {
				return "", nil, err
			}
			params = append(params, v)
		}
	}
	if method == "" {
		return "", nil, errors.New("no methodName")
	}
	return method, params, nil
}

// decodeValue reads the content of a <value> element (the start tag consumed).
func decodeValue(d *xml.Decoder) (any, error) {
	var text strings.Builder
	var out any
	typed := false
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if t.Name.Local == "value" {
				if !typed {
					return text.String(), nil // a bare value is a string
				}
				return out, nil
			}
		case xml.StartElement:
			typed = true
			switch t.Name.Local {
			case "array":
				var list []any
				for {
					tok, err := d.Token()
					if err != nil {
						return nil, err
					}
					if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "value" {
						v, err := decodeValue(d)
						if err != nil {
							return nil, err
						}
						list = append(list, v)
					}
					if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "array" {
						break
					}
				}
				if list == nil {
					list = []any{}
				}
				out = list
			case "struct":
				m := map[string]any{}
				var name string
				for {
					tok, err := d.Token()
					if err != nil {
						return nil, err
					}
					if se, ok := tok.(xml.StartElement); ok {
						switch se.Name.Local {
						case "name":
							if err := d.DecodeElement(&name, &se); err != nil {
								return nil, err
							}
						case "value":
							v, err := decodeValue(d)
							if err != nil {
								return nil, err
							}
							m[name] = v
						}
					}
					if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "struct" {
						break
					}
				}
				out = m
			case "nil":
				out = nil
				d.Skip()
			default:
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return nil, err
				}
				v, err := scalar(t.Name.Local, s)
				if err != nil {
					return nil, err
				}
				out = v
			}
		}
	}
}

func scalar(kind, s string) (any, error) {
	switch kind {
	case "int", "i4", "i8":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return float64(n), err
	case "double":
		return strconv.ParseFloat(strings.TrimSpace(s), 64)
	case "boolean":
		return strings.TrimSpace(s) == "1", nil
	case "string", "dateTime.iso8601", "base64":
		return s, nil
	}
	return nil, fmt.Errorf("unknown XML-RPC type %q", kind)
}

// encodeValue writes v as an XML-RPC <value>. Odoo's marshaller refuses None;
// the caller handles that before.
func encodeValue(b *strings.Builder, v any) {
	b.WriteString("<value>")
	switch x := v.(type) {
	case nil:
		b.WriteString("<boolean>0</boolean>")
	case bool:
		if x {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case int64:
		fmt.Fprintf(b, "<int>%d</int>", x)
	case int:
		fmt.Fprintf(b, "<int>%d</int>", x)
	case float64:
		fmt.Fprintf(b, "<double>%s</double>", strconv.FormatFloat(x, 'f', -1, 64))
	case string:
		b.WriteString("<string>" + html.EscapeString(x) + "</string>")
	case time.Time:
		b.WriteString("<string>" + x.UTC().Format("2006-01-02 15:04:05") + "</string>")
	case []int64:
		b.WriteString("<array><data>")
		for _, e := range x {
			encodeValue(b, e)
		}
		b.WriteString("</data></array>")
	case []any:
		b.WriteString("<array><data>")
		for _, e := range x {
			encodeValue(b, e)
		}
		b.WriteString("</data></array>")
	case []map[string]any:
		b.WriteString("<array><data>")
		for _, e := range x {
			encodeValue(b, e)
		}
		b.WriteString("</data></array>")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<struct>")
		for _, k := range keys {
			b.WriteString("<member><name>" + html.EscapeString(k) + "</name>")
			encodeValue(b, x[k])
			b.WriteString("</member>")
		}
		b.WriteString("</struct>")
	default:
		b.WriteString("<string>" + html.EscapeString(fmt.Sprint(x)) + "</string>")
	}
	b.WriteString("</value>")
}

// hasRecordset names the model of a recordset inside v, "" if none.
func hasRecordset(v any) string {
	switch x := v.(type) {
	case recordset:
		m, _, _ := strings.Cut(string(x), "(")
		return m
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m := hasRecordset(x[k]); m != "" {
				return m
			}
		}
	case []any:
		for _, e := range x {
			if m := hasRecordset(e); m != "" {
				return m
			}
		}
	}
	return ""
}
