package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a config file, at a position when it has one.
type Error struct {
	File string
	Line int
	Col  int
	// Path is the key path ("routes.orders.schedule"); empty when Msg names it.
	Path string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads, decodes, overrides from the process environment, and validates the
// config file at path.
func Load(path string, s Schemas) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return ParseEnv(path, data, s, environ())
}

// LoadSkippingCredentials is Load for commands that use only ferry's store
// (users): credentials that name an unset environment variable are left
// empty rather than refused, since the command does not use them.
func LoadSkippingCredentials(path string, s Schemas) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parseEnv(path, data, s, environ(), true)
}

// Parse is Load for a file already read, named name in errors.
func Parse(name string, data []byte, s Schemas) (*Config, error) {
	return ParseEnv(name, data, s, environ())
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// ParseEnv is Parse with the environment given as a map, for tests.
func ParseEnv(name string, data []byte, s Schemas, env map[string]string) (*Config, error) {
	return parseEnv(name, data, s, env, false)
}

func parseEnv(name string, data []byte, s Schemas, env map[string]string, skipCreds bool) (*Config, error) {
	p := &parser{file: name, nodes: map[string]*yaml.Node{}, schemas: s, skipCreds: skipCreds}
	cfg := Default()
	cfg.Path = name
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlErrors(err)
	}
	var root *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	if root != nil && !(root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
		if root.Kind != yaml.MappingNode {
			return nil, Errors{p.at(root, "", "the config must be a mapping of keys (data_dir, connections, routes, …)")}
		}
		// Unknown keys are reported and decoding goes on, so that one run shows
		// every problem.
		p.checkKeys(root, reflect.TypeOf(Config{}), "")
		if err := root.Decode(cfg); err != nil {
			p.errs = append(p.errs, p.yamlErrors(err)...)
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				sortErrs(p.errs)
				return nil, p.errs
			}
			// A value of the wrong type leaves its default; the rest is
			// decoded and checked too, so that one run shows every problem.
		}
	}
	if cfg.Connections == nil {
		cfg.Connections = map[string]*Connection{}
	}
	if cfg.Routes == nil {
		cfg.Routes = map[string]*Route{}
	}
	p.applyEnv(cfg, env)
	p.finish(cfg)
	if err := cfg.Validate(); err != nil {
		var verrs Errors
		errors.As(err, &verrs)
		for _, e := range verrs {
			if n := p.nodeFor(e.Path); n != nil {
				e.Line, e.Col = n.Line, n.Column
			}
			p.errs = append(p.errs, e)
		}
	}
	if len(p.errs) > 0 {
		sortErrs(p.errs)
		return nil, p.errs
	}
	return cfg, nil
}

func sortErrs(es Errors) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
}

type parser struct {
	file    string
	errs    Errors
	nodes   map[string]*yaml.Node
	schemas Schemas
	// skipCreds leaves credentials whose variable is unset empty.
	skipCreds bool
}

func (p *parser) at(n *yaml.Node, path, format string, args ...any) *Error {
	e := &Error{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

func (p *parser) add(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, p.at(n, path, format, args...))
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlErrors turns a yaml.v3 error ("yaml: line 3: …", or a TypeError listing
// several) into file:line errors.
func (p *parser) yamlErrors(err error) Errors {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	}
	var out Errors
	for _, msg := range msgs {
		e := &Error{File: p.file, Msg: msg}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &e.Line)
			e.Col = 1
			e.Msg = strings.Replace(msg, m[0], "", 1)
			// Name the key whose value is on that line.
			if path, n := p.valueAt(e.Line); n != nil {
				e.Path, e.Col = path, n.Column
				e.Msg = typeMsg(e.Msg)
			}
		}
		out = append(out, e)
	}
	return out
}

// valueAt finds the deepest scalar value recorded on line, with its path.
func (p *parser) valueAt(line int) (string, *yaml.Node) {
	var best string
	var node *yaml.Node
	for path, n := range p.nodes {
		if n.Kind == yaml.ScalarNode && n.Line == line && len(path) > len(best) {
			best, node = path, n
		}
	}
	return best, node
}

// typeMsg turns yaml's "cannot unmarshal !!str `lots` into int" into words.
func typeMsg(msg string) string {
	m := yamlType.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{"int": "a whole number", "float64": "a number", "bool": "true or false", "string": "text",
		"config.Duration": "a duration like 30s or 5m"}[m[3]]
	if want == "" {
		want = m[3]
	}
	return fmt.Sprintf("%q is not %s", m[2], want)
}

var yamlType = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")

var (
	yamlNodeType  = reflect.TypeOf(yaml.Node{})
	unmarshalType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
)

// checkKeys reports every mapping key in n that t has no field for, with the
// closest known key, and records the nodes by path for later errors.
func (p *parser) checkKeys(n *yaml.Node, t reflect.Type, path string) {
	if path != "" {
		p.nodes[path] = n
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalType) || t == yamlNodeType {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			sub := join(path, k.Value)
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				where := ""
				if path != "" {
					where = " in " + path
				}
				msg := fmt.Sprintf("unknown key %q%s", k.Value, where)
				if best := closest(k.Value, names); best != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", best)
				} else {
					sort.Strings(names)
					msg += fmt.Sprintf(" (known keys: %s)", strings.Join(names, ", "))
				}
				p.add(k, "", "%s", msg)
				continue
			}
			p.nodes[sub] = v
			p.checkKeys(v, f.Type, sub)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p.checkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			p.checkKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps the YAML keys of struct t to its fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

// closest returns the known key nearest to s by edit distance, if it is close.
func closest(s string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nodeFor returns the node of path or of its nearest ancestor.
func (p *parser) nodeFor(path string) *yaml.Node {
	for path != "" {
		if n, ok := p.nodes[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return nil
}

var envKeyRE = regexp.MustCompile(`[^A-Z0-9]+`)

func envName(s string) string { return envKeyRE.ReplaceAllString(strings.ToUpper(s), "_") }

// applyEnv applies FERRY_* overrides and resolves env: credentials.
func (p *parser) applyEnv(cfg *Config, env map[string]string) {
	for key, dst := range map[string]*string{
		"FERRY_DATA_DIR": &cfg.DataDir, "FERRY_DATABASE_URL": &cfg.DatabaseURL, "FERRY_HTTP_ADDR": &cfg.HTTP.Addr,
		"FERRY_LOG_LEVEL": &cfg.Log.Level, "FERRY_LOG_FORMAT": &cfg.Log.Format, "FERRY_SECRET_KEY": &cfg.SecretKey,
	} {
		if v, ok := env[key]; ok && v != "" {
			*dst = v
		}
	}
	for _, name := range sorted(cfg.Connections) {
		c := cfg.Connections[name]
		if c == nil {
			c = &Connection{}
			cfg.Connections[name] = c
		}
		if c.Credentials == nil {
			c.Credentials = map[string]string{}
		}
		for _, key := range sorted(c.Credentials) {
			v := c.Credentials[key]
			if ref, ok := strings.CutPrefix(v, "env:"); ok {
				path := "connections." + name + ".credentials." + key
				val, ok := env[ref]
				if !ok || val == "" {
					if p.skipCreds {
						c.Credentials[key] = ""
						continue
					}
					p.add(p.nodeFor(path), path, "environment variable %s is not set", ref)
					continue
				}
				c.Credentials[key] = val
			}
		}
		prefix := "FERRY_SECRET_" + envName(name) + "_"
		for k, v := range env {
			if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "" && v != "" {
				c.Credentials[strings.ToLower(rest)] = v
			}
		}
	}
}

// finish fills names and derived defaults and decodes the typed settings and
// options.
func (p *parser) finish(cfg *Config) {
	if cfg.SecretKeyFile == "" {
		cfg.SecretKeyFile = strings.TrimSuffix(cfg.DataDir, "/") + "/secret.key"
	}
	for _, name := range sorted(cfg.Connections) {
		c := cfg.Connections[name]
		c.Name = name
		if c.Concurrency == 0 {
			c.Concurrency = 4
		}
		if c.Kind == "" || p.schemas.Settings == nil {
			continue
		}
		path := "connections." + name
		v, ok := p.schemas.Settings(c.Kind)
		if !ok {
			p.add(p.nodeFor(path+".kind"), path+".kind", "unknown kind %q%s", c.Kind, known(p.schemas.Kinds))
			continue
		}
		c.Settings = p.decodeTyped(&c.RawSettings, v, path+".settings")
	}
	for _, name := range sorted(cfg.Routes) {
		r := cfg.Routes[name]
		if r == nil {
			r = &Route{}
			cfg.Routes[name] = r
		}
		r.Name = name
		if r.Flow == "" || p.schemas.Options == nil {
			continue
		}
		path := "routes." + name
		v, ok := p.schemas.Options(r.Flow)
		if !ok {
			p.add(p.nodeFor(path+".flow"), path+".flow", "unknown flow %q%s", r.Flow, known(p.schemas.Flows))
			continue
		}
		if v == nil {
			if r.RawOptions.Kind != 0 && !(r.RawOptions.Kind == yaml.ScalarNode && r.RawOptions.Tag == "!!null") {
				p.add(&r.RawOptions, path+".options", "flow %s takes no options", r.Flow)
			}
			continue
		}
		r.Options = p.decodeTyped(&r.RawOptions, v, path+".options")
	}
	p.checkCredentials(cfg)
	p.checkEnds(cfg)
}

// checkCredentials refuses credential keys the connection's kind does not take
// (a typo such as apikey would otherwise leave the real one unset).
func (p *parser) checkCredentials(cfg *Config) {
	if p.schemas.Credentials == nil {
		return
	}
	for _, name := range sorted(cfg.Connections) {
		c := cfg.Connections[name]
		keys := p.schemas.Credentials(c.Kind)
		if keys == nil {
			continue
		}
		for _, k := range sorted(c.Credentials) {
			if slices.Contains(keys, k) {
				continue
			}
			path := "connections." + name + ".credentials." + k
			hint := ""
			if near := closest(k, keys); near != "" {
				hint = fmt.Sprintf("; did you mean %q?", near)
			}
			p.add(p.nodeFor(path), path, "kind %s takes no credential %q%s (it takes %s)", c.Kind, k, hint, strings.Join(keys, ", "))
		}
	}
}

// checkEnds refuses routes that can never run: an end that is no connection,
// or one whose kind lacks what the flow needs of it.
func (p *parser) checkEnds(cfg *Config) {
	for _, name := range sorted(cfg.Routes) {
		r := cfg.Routes[name]
		path := "routes." + name
		from, fok := cfg.Connections[r.From]
		to, tok := cfg.Connections[r.To]
		if !fok || !tok || p.schemas.Ends == nil || r.Flow == "" {
			continue
		}
		for _, why := range p.schemas.Ends(r.Flow, from.Kind, to.Kind) {
			end, msg, _ := strings.Cut(why, ": ")
			p.add(p.nodeFor(path+"."+end), path+"."+end, "%s", msg)
		}
	}
}

func known(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (known: " + strings.Join(names, ", ") + ")"
}

// decodeTyped decodes node into v (a pointer with defaults set), rejecting
// unknown keys, and runs v's Validate.
func (p *parser) decodeTyped(node *yaml.Node, v any, path string) any {
	if node.Kind != 0 && !(node.Kind == yaml.ScalarNode && node.Tag == "!!null") {
		p.checkKeys(node, reflect.TypeOf(v), path)
		if err := node.Decode(v); err != nil {
			for _, e := range p.yamlErrors(err) {
				e.Path = path
				p.errs = append(p.errs, e)
			}
			return v
		}
	}
	if val, ok := v.(interface{ Validate() error }); ok {
		if err := val.Validate(); err != nil {
			n := p.nodeFor(path)
			if n == nil {
				n = p.nodeFor(strings.TrimSuffix(strings.TrimSuffix(path, ".settings"), ".options"))
			}
			p.add(n, path, "%v", err)
		}
	}
	return v
}

func sorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
