package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Phones normalizes phone numbers to E.164 with libphonenumber semantics for
// one default region. It is safe for concurrent use by many goroutines.
//
// Extensions ("x123", "ext. 12") are dropped, as libphonenumber's E.164
// format does: the number itself is still reachable, and rejecting it would
// lose the whole value.
type Phones struct {
	region string // ISO 3166 alpha-2, upper case; "" means no default
	meta   *fastMeta
	cache  *phoneCache
}

// phoneCacheSize bounds the per-Phones cache of recent results.
const phoneCacheSize = 1 << 16

// NewPhones returns a normalizer that reads numbers without a country prefix
// as numbers of defaultRegion ("KR", "US", ...). With "" every number must
// start with "+" or "00" and a country code.
func NewPhones(defaultRegion string) (*Phones, error) {
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	p := &Phones{region: region, cache: newPhoneCache(phoneCacheSize)}
	if region == "" {
		return p, nil
	}
	if region == "001" || !phonenumbers.GetSupportedRegions()[region] {
		return nil, errorf(CodeInvalidRegion, "unknown phone region %q; use an ISO 3166 alpha-2 code such as US, GB or KR", defaultRegion)
	}
	p.meta = fastMetaForRegion(region)
	return p, nil
}

// Region returns the default region, "" if none.
func (p *Phones) Region() string { return p.region }

// E164 parses s and returns it in E.164 form ("+821012345678") if it is a
// valid number according to libphonenumber's metadata.
func (p *Phones) E164(s string) (string, error) {
	s = spaces(strings.TrimSpace(s))
	if v, code, ok := p.cache.get(s); ok {
		return p.result(s, v, code)
	}
	v, ok := p.fastE164(s)
	if !ok {
		v = p.slowE164(s)
	}
	code := uint8(0)
	if v == "" {
		code = 1
	}
	p.cache.put(s, v, code)
	return p.result(s, v, code)
}

func (p *Phones) result(s, v string, code uint8) (string, error) {
	if code == 0 {
		return v, nil
	}
	if excelShortened(s) {
		return "", errorf(CodeInvalidPhone, "phone number %q is in scientific notation: a spreadsheet took it for a number and dropped digits; save the column as text and export again", s)
	}
	switch t := strings.TrimSpace(s); {
	case strings.HasPrefix(t, "+") || p.region == "" && strings.HasPrefix(t, "00"):
		// It has its country code: the region played no part.
		return "", errorf(CodeInvalidPhone, "phone number %q is not a valid number", s)
	case p.region == "":
		return "", errorf(CodeInvalidPhone, "phone number %q is not valid; write it with its country code, e.g. +44 20 7946 0958", s)
	}
	return "", errorf(CodeInvalidPhone, "phone number %q is not valid for region %s", s, p.region)
}

// spaces writes every space separator in s (a narrow no-break space
// grouping digits in French, a thin space) as a space: libphonenumber
// reads a space or a no-break space between digits, not the others.
func spaces(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Map(func(r rune) rune {
				if r != '\u00a0' && unicode.Is(unicode.Zs, r) {
					return ' '
				}
				return r
			}, s)
		}
	}
	return s
}

// prepare applies the one rule we add to libphonenumber: without a default
// region, a leading "00" is read as "+" (with a region, libphonenumber's own
// per-region international prefix rules apply instead).
func (p *Phones) prepare(s string) string {
	if p.region == "" && strings.HasPrefix(s, "00") {
		return "+" + s[2:]
	}
	return s
}

// slowE164 is the reference: plain libphonenumber. It returns "" if s is
// not a valid number.
func (p *Phones) slowE164(s string) string {
	num, err := phonenumbers.Parse(p.prepare(s), p.slowRegion())
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// Extension returns the extension libphonenumber reads in s ("123" of
// "+1 201 555 0123 x123"), "" if none. E164 leaves it out, as E.164 has
// no room for one; the caller can tell the person it did.
func (p *Phones) Extension(s string) string {
	// Every extension libphonenumber knows is marked by a letter, '#',
	// ',' or ';': plain numbers skip the parse.
	if !strings.ContainsFunc(s, func(r rune) bool {
		return r == '#' || r == ',' || r == ';' || r > 0x7f || r|0x20 >= 'a' && r|0x20 <= 'z'
	}) {
		return ""
	}
	num, err := phonenumbers.Parse(p.prepare(strings.TrimSpace(s)), p.slowRegion())
	if err != nil {
		return ""
	}
	return num.GetExtension()
}

// excelShortened reports whether s is how a spreadsheet writes a long
// number it took for a float, 4.20601E+11: the digits past the sixth
// are gone, and no rule can bring them back.
func excelShortened(s string) bool {
	mantissa, exp, ok := strings.Cut(strings.ToUpper(s), "E+")
	if !ok {
		return false
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	return allDigits(whole) && (frac == "" || allDigits(frac)) && allDigits(exp)
}
