package flow

import "strings"

// Match reports whether name matches pattern, where "*" in the pattern stands
// for any run of characters (also none) and everything else matches itself,
// ignoring case and surrounding spaces: "DHL*" matches "DHL-1" and "DHL-test",
// "D*L" matches "DtestL" and "DYL" (the rule of the warehouse integrations users
// know, seed 001).
func Match(pattern, name string) bool {
	p := strings.ToLower(strings.TrimSpace(pattern))
	n := strings.ToLower(strings.TrimSpace(name))
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == n
	}
	if !strings.HasPrefix(n, parts[0]) {
		return false
	}
	n = n[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(n, mid)
		if i < 0 {
			return false
		}
		n = n[i+len(mid):]
	}
	return strings.HasSuffix(n, last)
}

// Rule maps the source names matching Match to a target value.
type Rule struct {
	// Match is the source name pattern, with "*" wildcards.
	Match string `yaml:"match" json:"match"`
	// To is the target value (a carrier name, a journal, a warehouse code).
	To string `yaml:"to" json:"to"`
}

// Lookup returns the target of the most specific rule matching name: an exact
// rule wins over a wildcard one, and among wildcard rules the one with more
// literal characters wins; ties go to the earlier rule.
func Lookup(rules []Rule, name string) (string, bool) {
	i := RuleFor(rules, name)
	if i < 0 {
		return "", false
	}
	return rules[i].To, true
}

// RuleFor returns the index of the rule Lookup applies to name, or -1, so
// that a page can say which rule links a name.
func RuleFor(rules []Rule, name string) int {
	best, bestScore := -1, -1
	for i, r := range rules {
		if !Match(r.Match, name) {
			continue
		}
		score := len(strings.ReplaceAll(r.Match, "*", ""))
		if !strings.Contains(r.Match, "*") {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}
