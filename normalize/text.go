package normalize

import "unicode/utf8"

// Text returns a too_long error if s has more than max characters (runes).
func Text(s string, max int) error {
	// len(s) bounds the rune count from above, so short strings skip counting.
	if len(s) <= max {
		return nil
	}
	if n := utf8.RuneCountInString(s); n > max {
		return errorf(CodeTooLong, "text %q is %d characters long; the maximum is %d", truncate(s, 40), n, max)
	}
	return nil
}

// truncate shortens s to at most n runes for quoting in messages.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
