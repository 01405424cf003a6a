package tabular

import (
	"strings"
)

// cleanHeader trims the header cells and checks they are usable column
// names. Trailing blank cells are dropped (Excel writes them for formatted
// but empty columns).
func cleanHeader(cells []string) ([]string, *FatalError) {
	h := make([]string, len(cells))
	for i, c := range cells {
		h[i] = strings.TrimSpace(strings.Trim(c, "\uFEFF"))
	}
	for len(h) > 0 && h[len(h)-1] == "" {
		h = h[:len(h)-1]
	}
	if len(h) == 0 {
		return nil, fatalf(CodeBlankHeader, "the header row is blank")
	}
	seen := make(map[string]int, len(h))
	for i, name := range h {
		if name == "" {
			return nil, fatalf(CodeBlankHeader, "header column %d is blank", i+1)
		}
		key := strings.ToLower(name)
		if j, ok := seen[key]; ok {
			return nil, fatalf(CodeDuplicateHeader, "header columns %d and %d are both named %q", j+1, i+1, name)
		}
		seen[key] = i
	}
	return h, nil
}

// allEmpty reports whether every cell is the empty string.
func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
