package normalize

// The fast path re-implements, for a restricted input alphabet, exactly the
// steps of phonenumbers.Parse + IsValidNumber + Format(E164) (nyaruka
// phonenumbers v1.8.1, parseHelper and friends), using the same metadata and
// the same regular-expression strings, compiled once per region. What it
// skips is the work that cannot change the outcome for such input: the
// extension, RFC 3966 and viability regexps (which need letters, '#', ',',
// ';' or fewer than three digits to matter) and the per-call regexp cache
// look-ups with string concatenation. Anything else goes to the slow path.
// TestPhoneFastPathIdentical checks the equivalence on every example number
// in several written forms, on garbage, and on random inputs.

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// numDesc is a compiled PhoneNumberDesc.
type numDesc struct {
	re      *regexp.Regexp // "^(?:" + pattern + ")$", as libphonenumber builds it
	lengths []int32
	present bool // false for a missing desc, which never matches
}

// match mirrors isNumberMatchingDesc.
func (d *numDesc) match(n string) bool {
	if !d.present {
		return false
	}
	if len(d.lengths) > 0 {
		found := false
		for _, l := range d.lengths {
			if int32(len(n)) == l {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return d.re.MatchString(n)
}

// fastMeta is one region's (or non-geographic entity's) metadata with its
// patterns compiled.
type fastMeta struct {
	id        string
	cc        int
	ccStr     string
	idd       *regexp.Regexp
	npfp      *regexp.Regexp // nil if the region has no national prefix for parsing
	transform string
	general   numDesc
	fixed     numDesc
	mobile    numDesc
	same      bool      // same mobile and fixed-line pattern
	others    []numDesc // premium rate .. voicemail
	leading   *regexp.Regexp
	lengths   []int32 // general possible lengths
	local     []int32 // general local-only lengths
}

func compileDesc(d *phonenumbers.PhoneNumberDesc) numDesc {
	if d == nil {
		return numDesc{}
	}
	return numDesc{
		re:      regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$"),
		lengths: d.PossibleLength,
		present: true,
	}
}

func compileMeta(m *phonenumbers.PhoneMetadata) *fastMeta {
	f := &fastMeta{
		id:        m.GetId(),
		cc:        int(m.GetCountryCode()),
		transform: m.GetNationalPrefixTransformRule(),
		general:   compileDesc(m.GetGeneralDesc()),
		fixed:     compileDesc(m.GetFixedLine()),
		mobile:    compileDesc(m.GetMobile()),
		same:      m.GetSameMobileAndFixedLinePattern(),
		lengths:   m.GetGeneralDesc().GetPossibleLength(),
		local:     m.GetGeneralDesc().GetPossibleLengthLocalOnly(),
	}
	f.ccStr = strconv.Itoa(f.cc)
	f.idd = regexp.MustCompile(m.GetInternationalPrefix())
	if p := m.GetNationalPrefixForParsing(); p != "" {
		f.npfp = regexp.MustCompile("^(?:" + p + ")")
	}
	if ld := m.GetLeadingDigits(); ld != "" {
		f.leading = regexp.MustCompile("^(?:" + ld + ")")
	}
	for _, d := range []*phonenumbers.PhoneNumberDesc{
		m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(), m.GetVoip(),
		m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(),
	} {
		f.others = append(f.others, compileDesc(d))
	}
	return f
}

var (
	metaOnce   sync.Once
	regionRaw  map[string]*phonenumbers.PhoneMetadata
	nonGeoRaw  map[int]*phonenumbers.PhoneMetadata
	compiled   sync.Map // *phonenumbers.PhoneMetadata -> *fastMeta
	supportedR map[string]bool
)

func loadMeta() {
	regionRaw = map[string]*phonenumbers.PhoneMetadata{}
	nonGeoRaw = map[int]*phonenumbers.PhoneMetadata{}
	supportedR = phonenumbers.GetSupportedRegions()
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		panic(err) // the library itself panics at init on the same error
	}
	for _, m := range coll.GetMetadata() {
		if m.GetId() == "001" {
			nonGeoRaw[int(m.GetCountryCode())] = m
		} else {
			regionRaw[m.GetId()] = m
		}
	}
}

// compile returns the compiled form of m, compiling it on first use so that
// only regions actually seen pay for their regexps.
func compile(m *phonenumbers.PhoneMetadata) *fastMeta {
	if m == nil {
		return nil
	}
	if f, ok := compiled.Load(m); ok {
		return f.(*fastMeta)
	}
	f, _ := compiled.LoadOrStore(m, compileMeta(m))
	return f.(*fastMeta)
}

// fastMetaForRegion mirrors getMetadataForRegion.
func fastMetaForRegion(region string) *fastMeta {
	metaOnce.Do(loadMeta)
	if region == "" || !supportedR[region] {
		return nil
	}
	return compile(regionRaw[region])
}

// fastMetaForRegionOrCallingCode mirrors getMetadataForRegionOrCallingCode.
func fastMetaForRegionOrCallingCode(cc int, region string) *fastMeta {
	metaOnce.Do(loadMeta)
	if region == "001" {
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) == 0 {
			return nil
		}
		return compile(nonGeoRaw[cc])
	}
	return fastMetaForRegion(region)
}

// validationResult values, as in testNumberLength.
const (
	lenPossible = iota
	lenLocalOnly
	lenTooShort
	lenInvalid
	lenTooLong
)

// testLength mirrors testNumberLength(number, metadata, UNKNOWN).
func (m *fastMeta) testLength(n string) int {
	pl := m.lengths
	if len(pl) == 0 || pl[0] == -1 {
		return lenInvalid
	}
	l := int32(len(n))
	for _, x := range m.local {
		if x == l {
			return lenLocalOnly
		}
	}
	switch {
	case pl[0] == l:
		return lenPossible
	case pl[0] > l:
		return lenTooShort
	case pl[len(pl)-1] < l:
		return lenTooLong
	}
	for _, x := range pl[1:] {
		if x == l {
			return lenPossible
		}
	}
	return lenInvalid
}

// stripNationalPrefix mirrors maybeStripNationalPrefixAndCarrierCode (the
// carrier code is not needed for E.164).
func (m *fastMeta) stripNationalPrefix(n string) string {
	if len(n) == 0 || m.npfp == nil {
		return n
	}
	groups := m.npfp.FindStringSubmatchIndex(n)
	if groups == nil {
		return n
	}
	viableOriginal := m.general.re.MatchString(n)
	numOfGroups := len(groups)/2 - 1
	if m.transform == "" || groups[numOfGroups*2] < 0 {
		if viableOriginal && !m.general.re.MatchString(n[groups[1]:]) {
			return n
		}
		return n[groups[1]:]
	}
	t := m.npfp.ReplaceAllString(n, m.transform)
	if viableOriginal && !m.general.re.MatchString(t) {
		return n
	}
	return t
}

// typeKnown mirrors getNumberTypeHelper(n, m) != UNKNOWN; the checks are
// reordered (common types first), which cannot change a disjunction.
func (m *fastMeta) typeKnown(n string) bool {
	if !m.general.match(n) {
		return false
	}
	if m.fixed.match(n) || (!m.same && m.mobile.match(n)) {
		return true
	}
	for i := range m.others {
		if m.others[i].match(n) {
			return true
		}
	}
	return false
}

// validNSN mirrors IsValidNumber for a country code and national
// significant number.
func validNSN(cc int, nsn string) bool {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	region := ""
	switch len(regions) {
	case 0:
		return false
	case 1:
		region = regions[0]
	default:
		for _, r := range regions {
			m := fastMetaForRegion(r)
			if m == nil {
				continue
			}
			if m.leading != nil {
				if m.leading.MatchString(nsn) {
					region = r
					break
				}
			} else if m.typeKnown(nsn) {
				region = r
				break
			}
		}
	}
	m := fastMetaForRegionOrCallingCode(cc, region)
	if m == nil || (region != "001" && cc != m.cc) {
		return false
	}
	return m.typeKnown(nsn)
}

// extractCountryCode mirrors extractCountryCode: the longest-first loop in
// libphonenumber is shortest-first, and so is this one.
func extractCountryCode(full string) (int, string) {
	if len(full) == 0 || full[0] == '0' {
		return 0, ""
	}
	for i := 1; i <= 3 && i <= len(full); i++ {
		cc, _ := strconv.Atoi(full[:i])
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 0 {
			return cc, full[i:]
		}
	}
	return 0, ""
}

// fastE164 returns (e164, true) or ("", true) for an invalid number when it
// can decide, and ok=false when the input needs the full parser.
func (p *Phones) fastE164(s string) (e164 string, ok bool) {
	s = p.prepare(s)
	if len(s) > 64 {
		return "", false
	}
	var buf [24]byte
	n := 0
	plus, started := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(buf) {
				return "", false
			}
			buf[n] = c
			n++
			started = true
		case c == '+':
			// Only one '+', before any digit: that is where
			// extractPossibleNumber starts the number.
			if started {
				return "", false
			}
			plus, started = true, true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return "", false
		}
	}
	if n < 3 {
		// The viability pattern treats two-digit input specially.
		return "", false
	}
	digits := string(buf[:n])
	def := p.meta // nil without a default region

	var cc int
	var national string
	fromDefault := false
	switch {
	case plus:
		if len(digits) <= 2 {
			return "", true // ErrTooShortAfterIDD
		}
		cc, national = extractCountryCode(digits)
		if cc == 0 {
			return "", false // libphonenumber retries without the '+'
		}
	case def == nil:
		return "", true // no region and no '+': ErrInvalidCountryCode
	default:
		if loc := def.idd.FindStringIndex(digits); loc != nil && loc[0] == 0 &&
			(loc[1] == len(digits) || digits[loc[1]] != '0') {
			full := digits[loc[1]:]
			if len(full) <= 2 {
				return "", true
			}
			cc, national = extractCountryCode(full)
			if cc == 0 {
				return "", true // ErrInvalidCountryCode, no '+' to retry without
			}
			break
		}
		if strings.HasPrefix(digits, def.ccStr) {
			pot := def.stripNationalPrefix(digits[len(def.ccStr):])
			fullValid := def.general.re.MatchString(digits)
			natValid := def.general.re.MatchString(pot)
			if (!fullValid && natValid) || def.testLength(digits) == lenTooLong {
				cc, national = def.cc, pot
				break
			}
		}
		cc, national, fromDefault = def.cc, digits, true
	}
	if len(national) < 2 {
		return "", true // ErrTooShortNSN
	}
	meta := def
	if !fromDefault {
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != p.slowRegion() {
			meta = fastMetaForRegionOrCallingCode(cc, r)
		}
	}
	if meta != nil {
		pot := meta.stripNationalPrefix(national)
		switch meta.testLength(pot) {
		case lenTooShort, lenLocalOnly, lenInvalid:
		default:
			national = pot
		}
	}
	if len(national) < 2 || len(national) > 17 {
		return "", true
	}
	if !validNSN(cc, national) {
		return "", true
	}
	return "+" + strconv.Itoa(cc) + national, true
}

// slowRegion is the region string handed to phonenumbers.Parse.
func (p *Phones) slowRegion() string {
	if p.region == "" {
		return "ZZ"
	}
	return p.region
}
