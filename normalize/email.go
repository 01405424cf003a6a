package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

const (
	maxEmailLocal  = 64  // RFC 5321 4.5.3.1.1, in octets
	maxEmailLength = 254 // RFC 5321 path limit (256) minus the angle brackets
	maxDomain      = 253 // RFC 1035, without the trailing dot
	maxLabel       = 63

	// MaxEmails caps how many addresses one cell may hold; more than that is
	// almost always a mis-mapped column rather than a contact's addresses.
	MaxEmails = 50
)

// Email validates one e-mail address and returns its canonical form: trimmed,
// lower-cased, and an internationalized domain in Unicode (U-label) form
// whether written in Unicode or in punycode, so "JAN@MÜLLER.DE" and
// "jan@xn--mller-kva.de" both give "jan@müller.de". That one form is what
// Roster stores, shows and keys on (see EmailKey). The local part is only
// lower-cased. A mailbox ("Bob Smith <bob@example.com>") or mailto: link
// gives its address.
//
// It accepts what mail systems deliver to in practice: a dot-atom local part
// (ASCII atext, or Unicode letters, marks and digits per RFC 6531) and a DNS
// host name, possibly internationalized. It rejects quoted local parts,
// comments, folding whitespace, IP literals and all-numeric top-level labels:
// they are legal in RFC 5322 but in a customer directory they are typos or
// junk. Single-label domains (user@localhost-style, "test@io") are accepted,
// following the isemail test suite's verdicts, since TLDs can carry MX records.
func Email(s string) (string, error) {
	s = strings.TrimFunc(s, blankRune)
	addr := s
	if a, ok := mailbox(s); ok {
		addr = a
	}
	// Lower first so the length limits apply to what we return; Unicode
	// lower-casing can change the byte length and we must stay idempotent.
	// strings.ToLower does not allocate for ASCII input that is already lower.
	addr = strings.ToLower(addr)
	at := strings.IndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", invalidEmail(s)
	}
	local, domain := addr[:at], addr[at+1:]
	if len(local) > maxEmailLocal || !validLocal(local) {
		return "", invalidEmail(s)
	}
	ascii, out, ok := emailDomain(domain)
	if !ok || len(local)+1+len(ascii) > maxEmailLength {
		return "", invalidEmail(s)
	}
	if out == domain {
		return addr, nil
	}
	return local + "@" + out, nil
}

// blankRune reports whether r is space or a character that shows as
// nothing: a zero-width space or joiner, a word joiner, or a BOM, which
// text copied from web pages and documents carries around an address.
func blankRune(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// mailbox returns the address of a cell written as a mailbox, the way mail
// programs and address books export them: "Ann Lee <ann@example.com>"
// (RFC 5322's name-addr; the display name is dropped) or a mailto: link.
func mailbox(s string) (string, bool) {
	if strings.HasSuffix(s, ">") {
		if i := strings.LastIndexByte(s, '<'); i >= 0 {
			return strings.TrimSpace(s[i+1 : len(s)-1]), true
		}
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		a, _, _ := strings.Cut(s[7:], "?")
		return a, true
	}
	return "", false
}

func invalidEmail(s string) *Error {
	return errorf(CodeInvalidEmail, "not a valid email address: %q", s)
}

// atext marks the ASCII characters RFC 5322 allows in a dot-atom, minus '.'.
var atext = func() (t [128]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+/=?^_`{|}~-" {
		t[c] = true
	}
	return t
}()

// validLocal reports whether s is a dot-atom local part.
func validLocal(s string) bool {
	prevDot := true // a leading dot is as bad as a doubled one
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c == '.' {
				if prevDot {
					return false
				}
				prevDot = true
				continue
			}
			if !atext[c] {
				return false
			}
			prevDot = false
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		// U+FFFD is what broken encodings turn into; never a real address.
		if r == utf8.RuneError || !unicode.In(r, unicode.L, unicode.M, unicode.N) {
			return false
		}
		i += n
		prevDot = false
	}
	return !prevDot
}

// emailDomain validates a lower-cased host name and returns its ASCII
// (A-label) form, used for the length limits, and its canonical form, the
// one to put in the normalized address (see unicodeDomain).
func emailDomain(d string) (ascii, out string, ok bool) {
	if isASCII(d) {
		if !validHostname(d) {
			return "", "", false
		}
		// Only run IDNA for A-labels: most domains have none.
		if !hasALabel(d) {
			return d, d, true
		}
	}
	a, u, ok := unicodeDomain(d)
	if !ok || !validHostname(a) {
		return "", "", false
	}
	return a, u, true
}

// unicodeDomain returns the A-label and the U-label forms of a domain
// written either way. The Unicode form is mapped (NFC, case-folded, U+3002
// read as a dot) and A-labels are decoded, so that every spelling of a
// domain gives the same string, and the most readable one. Broken punycode
// ("xn--zz") and names IDNA disallows are not ok.
func unicodeDomain(d string) (ascii, uni string, ok bool) {
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", "", false
	}
	u, err := idna.Lookup.ToUnicode(a)
	if err != nil {
		return "", "", false
	}
	return a, u, true
}

// hasALabel reports whether an ASCII domain has a punycode label.
func hasALabel(d string) bool {
	return strings.HasPrefix(d, "xn--") || strings.Contains(d, ".xn--")
}

// EmailKey returns the canonical form of an address that is stored or
// looked up, the form Email gives, without validating it: trimmed,
// lower-cased, the domain's labels in Unicode. A domain IDNA refuses is
// left as it is, lower-cased, rather than failing, so a key always exists.
// For any address Email accepts, EmailKey(Email(s)) == Email(s).
func EmailKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	domain := s[at+1:]
	if isASCII(domain) && !hasALabel(domain) {
		return s
	}
	if _, u, ok := unicodeDomain(domain); ok && u != domain {
		return s[:at+1] + u
	}
	return s
}

// validHostname checks an ASCII, lower-case DNS name: labels of 1-63
// letters, digits and inner hyphens, and a top-level label that is not all
// digits (that would be an IPv4 address or a typo).
func validHostname(d string) bool {
	if len(d) == 0 || len(d) > maxDomain {
		return false
	}
	start := 0
	digitsOnly := true
	for i := 0; i <= len(d); i++ {
		if i == len(d) || d[i] == '.' {
			n := i - start
			if n == 0 || n > maxLabel || d[start] == '-' || d[i-1] == '-' {
				return false
			}
			if i == len(d) && digitsOnly {
				return false
			}
			start, digitsOnly = i+1, true
			continue
		}
		c := d[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c == '-':
			digitsOnly = false
		default:
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Emails splits a cell holding several addresses on ",", ";" or "||",
// validates each and returns them normalized, de-duplicated, in order.
// A lone "|" is not a separator: it is legal in a local part.
func Emails(s string) ([]string, error) {
	var out []string
	add := func(part string) error {
		if strings.TrimSpace(part) == "" {
			return nil
		}
		e, err := Email(part)
		if err != nil {
			return err
		}
		if contains(out, e) {
			return nil
		}
		if len(out) == MaxEmails {
			return errorf(CodeTooManyEmails, "too many email addresses in one value; the maximum is %d", MaxEmails)
		}
		out = append(out, e)
		return nil
	}
	start := 0
	quoted := false // inside a mailbox's quoted display name, "Smith, Bob"
	for i := 0; i < len(s); i++ {
		sep := 0
		switch {
		case s[i] == '"':
			quoted = !quoted
		case quoted:
		case s[i] == ',' || s[i] == ';':
			sep = 1
		case s[i] == '|' && i+1 < len(s) && s[i+1] == '|':
			sep = 2
		}
		if sep == 0 {
			continue
		}
		if err := add(s[start:i]); err != nil {
			return nil, err
		}
		i += sep - 1
		start = i + 1
	}
	if err := add(s[start:]); err != nil {
		return nil, err
	}
	return out, nil
}

// contains is a linear scan: cells hold a handful of addresses, so this
// beats allocating a map.
func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
