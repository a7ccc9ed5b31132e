package shopify

import (
	"errors"
	"fmt"
	"math"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// costNode is an operation's selection tree, kept for estimating its requested
// cost before sending it (reference §1.4): a scalar costs 0, an object 1 plus
// its fields, a connection (a field with first or last) 2 + first × one node,
// each mutation root field 10. Without the schema a field with a selection is
// an object; a list that is not a connection counts once. Shopify's own figure
// (extensions.cost.requestedQueryCost) corrects the estimate (bucket.learn).
type costNode struct {
	mutation bool
	// fields are the selected fields; alts are inline fragments and spreads on
	// other types, of which the dearest counts (an interface's members).
	fields []*costField
	alts   [][]*costField
}

type costField struct {
	name string
	// first is the literal page size, or firstVar the variable holding it.
	first    int
	firstVar string
	conn     bool
	sel      *costNode
}

// parseShape reads a document's first operation into its cost tree.
func parseShape(q string) (*costNode, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		return nil, err
	}
	if len(doc.Operations) == 0 {
		return nil, errors.New("no operation")
	}
	o := doc.Operations[0]
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	n, err := shapeOf(o.SelectionSet, frags, 0)
	if err != nil {
		return nil, err
	}
	n.mutation = o.Operation == ast.Mutation
	return n, nil
}

func shapeOf(ss ast.SelectionSet, frags map[string]*ast.FragmentDefinition, depth int) (*costNode, error) {
	if depth > 50 {
		return nil, errors.New("fragments nest too deep")
	}
	n := &costNode{}
	for _, s := range ss {
		switch s := s.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				continue // scalars and enums are free
			}
			f := &costField{name: s.Name}
			for _, a := range s.Arguments {
				if a.Name != "first" && a.Name != "last" {
					continue
				}
				f.conn = true
				switch a.Value.Kind {
				case ast.Variable:
					f.firstVar = a.Value.Raw
				case ast.IntValue:
					fmt.Sscan(a.Value.Raw, &f.first)
				}
			}
			sub, err := shapeOf(s.SelectionSet, frags, depth+1)
			if err != nil {
				return nil, err
			}
			f.sel = sub
			n.fields = append(n.fields, f)
		case *ast.InlineFragment:
			sub, err := shapeOf(s.SelectionSet, frags, depth+1)
			if err != nil {
				return nil, err
			}
			n.alts = append(n.alts, sub.flat())
		case *ast.FragmentSpread:
			fd, ok := frags[s.Name]
			if !ok {
				return nil, fmt.Errorf("fragment %s is not defined", s.Name)
			}
			sub, err := shapeOf(fd.SelectionSet, frags, depth+1)
			if err != nil {
				return nil, err
			}
			// A spread on the same type simply adds its fields.
			n.fields = append(n.fields, sub.fields...)
			n.alts = append(n.alts, sub.alts...)
		}
	}
	return n, nil
}

// flat folds a fragment's alternatives into a field list (dearest kept by cost).
func (n *costNode) flat() []*costField {
	out := append([]*costField(nil), n.fields...)
	if len(n.alts) > 0 {
		best, bestCost := []*costField(nil), -1.0
		for _, a := range n.alts {
			if c := fieldsCost(a, nil); c > bestCost {
				best, bestCost = a, c
			}
		}
		out = append(out, best...)
	}
	return out
}

// estimate is the requested cost of the tree under vars.
func (n *costNode) estimate(vars map[string]any) float64 {
	if n.mutation {
		return 10 * float64(len(n.fields)+len(n.alts))
	}
	return fieldsCost(n.flat(), vars)
}

func fieldsCost(fs []*costField, vars map[string]any) float64 {
	var sum float64
	for _, f := range fs {
		sum += f.cost(vars)
	}
	return sum
}

func (f *costField) cost(vars map[string]any) float64 {
	if f.name == "pageInfo" {
		return 0
	}
	if !f.conn {
		return 1 + fieldsCost(f.sel.flat(), vars)
	}
	size := float64(f.first)
	if f.firstVar != "" {
		size = numberOf(vars[f.firstVar])
	}
	// One node: the nodes list or edges { node } inside the connection.
	var node float64
	conn := false
	for _, c := range f.sel.flat() {
		switch c.name {
		case "nodes":
			conn = true
			node = max(node, 1+fieldsCost(c.sel.flat(), vars))
		case "edges":
			conn = true
			for _, e := range c.sel.flat() {
				if e.name == "node" {
					node = max(node, 1+fieldsCost(e.sel.flat(), vars))
				}
			}
		}
	}
	if !conn {
		// A list with a first argument (Order.refunds) is no connection: it
		// costs its element once, as any list.
		return 1 + fieldsCost(f.sel.flat(), vars)
	}
	return 2 + size*node
}

func numberOf(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float64:
		return math.Floor(v)
	}
	return 0
}
