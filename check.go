package roster

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LooksLikeEmail is the structural check every write path applies to a
// stored email: one @, a non-empty local part and a dotted-or-not domain,
// no spaces, lower case. The full syntax check lives in package normalize.
func LooksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	if strings.ContainsAny(s, " \t\r\n<>,;\"") || strings.Count(s, "@") != 1 {
		return false
	}
	return s == strings.ToLower(s)
}

// IsE164 reports whether s has the E.164 shape: + and 2 to 15 digits, no leading zero.
func IsE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsHTTPURL reports whether s is an absolute http or https URL with a host.
func IsHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// LooksLikeDomain reports whether s could be a domain name: dot-separated
// labels of letters (any script), digits and hyphens.
func LooksLikeDomain(s string) bool {
	if s == "" || len(s) > 253 || strings.ContainsFunc(s, func(r rune) bool {
		return r != '.' && r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
	}
	return true
}

// checkLengths checks text fields given as name, value pairs, in the
// order given: of several fields too long, the first is reported.
func checkLengths(fields ...[2]string) error {
	for _, f := range fields {
		if n := utf8.RuneCountInString(f[1]); n > DefaultMaxLength {
			return Errorf(EINVALID, "%s is %d characters long; the maximum is %d", f[0], n, DefaultMaxLength).With("field", f[0])
		}
	}
	return nil
}

// NormalizeTags trims tags, drops empty ones and de-duplicates them
// case-insensitively, keeping the first spelling and the order.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// checkTags refuses a tag longer than the default maximum, or holding a
// comma, semicolon or bar: files list a record's tags separated by them,
// so such a tag would come back as two from the record's own export.
func checkTags(tags []string) error {
	for _, t := range tags {
		if strings.ContainsAny(t, ",;|，、") {
			return Errorf(EINVALID, "tag %q holds a comma, semicolon or bar, which separate tags in files", t).With("field", "tags")
		}
		if n := utf8.RuneCountInString(t); n > DefaultMaxLength {
			return Errorf(EINVALID, "tag %q… is %d characters long; the maximum is %d", string([]rune(t)[:32]), n, DefaultMaxLength).With("field", "tags")
		}
	}
	return nil
}
