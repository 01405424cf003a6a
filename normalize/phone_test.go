package normalize

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

const exampleNumbersPath = "../../shared/testdata/phone/derived/example_numbers.tsv"

type exampleNumber struct {
	region, cc, np, typ, nsn, e164 string
}

func loadExampleNumbers(t testing.TB) []exampleNumber {
	t.Helper()
	f, err := os.Open(exampleNumbersPath)
	if err != nil {
		t.Fatalf("phone vectors missing (shared/testdata must sit beside the repo): %v", err)
	}
	defer f.Close()
	var rows []exampleNumber
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 || c[0] == "region" {
			continue
		}
		rows = append(rows, exampleNumber{c[0], c[1], c[2], c[3], c[4], c[5]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 1000 {
		t.Fatalf("only %d rows in %s", len(rows), exampleNumbersPath)
	}
	return rows
}

// writtenForms renders one number the ways people type it.
func writtenForms(r exampleNumber) []string {
	nsn := r.nsn
	spaced := nsn
	dashed := nsn
	if len(nsn) > 4 {
		spaced = nsn[:2] + " " + nsn[2:len(nsn)-2] + " " + nsn[len(nsn)-2:]
		dashed = nsn[:2] + "-" + nsn[2:len(nsn)-2] + "-" + nsn[len(nsn)-2:]
	}
	forms := []string{
		"+" + r.cc + nsn,
		"+" + r.cc + " " + spaced,
		"+" + r.cc + "-" + dashed,
		"(+" + r.cc + ") " + spaced,
		"00" + r.cc + " " + spaced,
		"011 " + r.cc + " " + spaced,
		r.cc + nsn,
		nsn,
		spaced,
		strings.ReplaceAll(spaced, " ", "."),
		"+" + r.cc + " (0) " + spaced,
	}
	if r.np != "" {
		forms = append(forms,
			r.np+nsn,
			r.np+" "+spaced,
			"("+r.np+dashed[:min(2, len(dashed))]+") "+dashed[min(2, len(dashed)):],
			r.np+"/"+nsn,
		)
	}
	return forms
}

var garbagePhones = []string{
	"", "+", "00", "0", "12", "123", "+1", "+12", "+999 123 456", "+0 123 456 789",
	"abc", "call me", "n/a", "-", "()", "+ 1 ( 2 ) 3", "1-800-FLOWERS", "+1 800 FLOWERS",
	"001-184-153-9683x1497", "+1-134-348-0265x9132", "(567)135-1918", "8352752061",
	"+44 20 7946 0958 ext. 12", "+44 20 7946 0958;ext=12", "tel:+1-201-555-0123",
	"+1 201 555 0123, +1 201 555 0124", "0000000000", "+82 0000", "11111111111111111111111",
	"++44 20 7946 0958", "+44+20 7946 0958", "44 20 7946 0958", "０１０-１２３４-５６７８",
	"+421 2 1234 5678 #", "010 1234 5678 / 010 9876 5432", "+1 (201) 555-0123 x", "٠١٠١٢٣٤٥٦٧٨",
	"+33 6 12 34 56 78", "06 12 34 56 78", "+49 (0)30 1234567", "030/1234567", "0044 20 7946 0958",
	"+800 1234 5678", "+870 773 111 632", "+979 1234 5678", "+882 1234 5678", "+1 (0) 201 555 0123",
	strings.Repeat("1", 70), strings.Repeat("9 ", 40),
}

var phoneTestRegions = []string{"", "US", "CA", "GB", "KR", "DE", "CZ", "FR", "IT", "BR", "IN", "RU", "AU", "JP", "AR", "MX", "NZ"}

func mustPhones(t testing.TB, region string) *Phones {
	t.Helper()
	p, err := NewPhones(region)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkIdentical asserts that the fast path, where it answers, gives what
// plain libphonenumber gives.
func checkIdentical(t *testing.T, p *Phones, s string, fast, total *int) {
	t.Helper()
	s = strings.TrimSpace(s)
	*total++
	got, ok := p.fastE164(s)
	if !ok {
		return
	}
	*fast++
	if want := p.slowE164(s); got != want {
		t.Errorf("region %q input %q: fast path %q, libphonenumber %q", p.region, s, got, want)
	}
}

func TestPhoneFastPathIdentical(t *testing.T) {
	rows := loadExampleNumbers(t)
	phones := map[string]*Phones{}
	get := func(r string) *Phones {
		if phones[r] == nil {
			phones[r] = mustPhones(t, r)
		}
		return phones[r]
	}
	t.Run("example numbers", func(t *testing.T) {
		fast, total := 0, 0
		for i, r := range rows {
			own := r.region
			if own == "001" { // non-geographic entity: not a default region
				own = "US"
			}
			regions := []string{own, "", phoneTestRegions[1+i%(len(phoneTestRegions)-1)]}
			for _, reg := range regions {
				for _, f := range writtenForms(r) {
					checkIdentical(t, get(reg), f, &fast, &total)
				}
			}
		}
		t.Logf("fast path answered %d of %d inputs", fast, total)
		if fast < total*9/10 {
			t.Errorf("fast path answered only %d of %d clean inputs", fast, total)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		fast, total := 0, 0
		for _, reg := range phoneTestRegions {
			for _, g := range garbagePhones {
				checkIdentical(t, get(reg), g, &fast, &total)
			}
		}
	})
	t.Run("random", func(t *testing.T) {
		// Random digit strings with punctuation, biased towards real prefixes,
		// reach branches the example numbers do not (IDD, trunk prefixes,
		// country-code-without-plus, too long/short).
		rng := rand.New(rand.NewPCG(1, 2))
		const alphabet = "0123456789012345678901234567890123456789 -.()/"
		fast, total := 0, 0
		n := 30000
		if testing.Short() {
			n = 3000
		}
		for i := 0; i < n; i++ {
			r := rows[rng.IntN(len(rows))]
			region := phoneTestRegions[rng.IntN(len(phoneTestRegions))]
			if r.region != "001" && rng.IntN(2) == 0 {
				region = r.region
			}
			var b strings.Builder
			switch rng.IntN(5) {
			case 0:
				b.WriteByte('+')
			case 1:
				b.WriteString(r.np)
				b.WriteString(r.nsn[:rng.IntN(len(r.nsn)+1)])
			case 2:
				b.WriteString("00")
			case 3:
				b.WriteString(r.cc)
				b.WriteString(r.nsn[:rng.IntN(len(r.nsn)+1)])
			}
			for k := rng.IntN(12); k > 0; k-- {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
			checkIdentical(t, get(region), b.String(), &fast, &total)
		}
		t.Logf("fast path answered %d of %d inputs", fast, total)
	})
}

func TestPhonesExtension(t *testing.T) {
	tests := []struct{ region, in, want string }{
		{"US", "+1 201 555 0123 x123", "123"},
		{"US", "(216)514-1412x9", "9"},
		{"US", "201-555-0123 ext. 45", "45"},
		{"GB", "+44 20 7946 0958;ext=12", "12"},
		{"", "tel:+1-201-555-0123;ext=7", "7"},
		{"US", "201 555 0123 #88", "88"},
		{"US", "+1 201 555 0123", ""},
		{"KR", "010-1234-5678", ""},
		{"US", "call me", ""},
		{"US", "", ""},
	}
	for _, tc := range tests {
		p := mustPhones(t, tc.region)
		if got := p.Extension(tc.in); got != tc.want {
			t.Errorf("Extension(%q) with region %q = %q, want %q", tc.in, tc.region, got, tc.want)
		}
	}
}

func TestPhonesE164(t *testing.T) {
	tests := []struct {
		name, region, in, want string
	}{
		{"korean mobile national", "KR", "010-1234-5678", "+821012345678"},
		{"korean mobile spaced", "KR", " 010 1234 5678 ", "+821012345678"},
		{"czech international", "CZ", "+420 601 123 456", "+420601123456"},
		{"czech international without region", "", "+420 601 123 456", "+420601123456"},
		{"uk national with trunk zero", "GB", "020 7946 0958", "+442079460958"},
		{"00 prefix without region", "", "0044 20 7946 0958", "+442079460958"},
		{"us with parentheses", "US", "(201) 555-0123", "+12015550123"},
		{"us with leading 1", "US", "1-201-555-0123", "+12015550123"},
		{"extension dropped", "US", "+1 201 555 0123 x123", "+12015550123"},
		{"german with (0)", "DE", "+49 (0)30 1234567", "+49301234567"},
		{"full-width digits", "KR", "０１０-１２３４-５６７８", "+821012345678"},
		{"french, narrow no-break spaces", "FR", "01\u202f23\u202f45\u202f67\u202f89", "+33123456789"},
		{"thin spaces", "FR", "01\u200923\u200945\u200967\u200989", "+33123456789"},
		{"no-break spaces", "FR", "01\u00a023\u00a045\u00a067\u00a089", "+33123456789"},
		{"invalid for region", "KR", "0301234", ""},
		{"no country code without region", "", "020 7946 0958", ""},
		{"letters", "US", "call me", ""},
		{"empty", "US", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPhones(t, tc.region)
			for range 2 { // the second call is served from the cache
				got, err := p.E164(tc.in)
				if tc.want == "" {
					var e *Error
					if !errors.As(err, &e) || e.Code != CodeInvalidPhone {
						t.Fatalf("E164(%q) = %q, %v; want invalid_phone", tc.in, got, err)
					}
					if !strings.Contains(e.Message, strings.TrimSpace(tc.in)) {
						t.Errorf("message %q does not name the value", e.Message)
					}
					continue
				}
				if err != nil || got != tc.want {
					t.Fatalf("E164(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
			}
		})
	}
	t.Run("scientific notation is named", func(t *testing.T) {
		for _, in := range []string{"4.20601E+11", "4.2e+11", "8E+12"} {
			_, err := mustPhones(t, "CZ").E164(in)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidPhone || !strings.Contains(e.Message, "scientific notation") {
				t.Errorf("E164(%q): %v; want invalid_phone naming scientific notation", in, err)
			}
		}
		for _, in := range []string{"E+11", "4.2E+", "4.2E-11", "x4E+11"} {
			if excelShortened(in) {
				t.Errorf("excelShortened(%q) = true", in)
			}
		}
	})
	t.Run("message names region", func(t *testing.T) {
		_, err := mustPhones(t, "KR").E164("0301234")
		if err == nil || err.Error() != `phone number "0301234" is not valid for region KR` {
			t.Fatalf("got %v", err)
		}
	})
	// A number with its country code is invalid whatever the region: the
	// message does not send the admin after a country code it has.
	t.Run("message with a country code", func(t *testing.T) {
		for _, tc := range []struct{ region, in string }{{"KR", "+1 999"}, {"", "+420 620406547"}, {"", "00420 12"}} {
			_, err := mustPhones(t, tc.region).E164(tc.in)
			if want := fmt.Sprintf("phone number %q is not a valid number", tc.in); err == nil || err.Error() != want {
				t.Errorf("region %q: got %v, want %s", tc.region, err, want)
			}
		}
		_, err := mustPhones(t, "").E164("0301234")
		if err == nil || !strings.Contains(err.Error(), "write it with its country code") {
			t.Errorf("no region, no country code: got %v", err)
		}
	})
}

func TestNewPhones(t *testing.T) {
	for _, r := range []string{"", "KR", "us", "CZ", "GB"} {
		if _, err := NewPhones(r); err != nil {
			t.Errorf("NewPhones(%q): %v", r, err)
		}
	}
	for _, r := range []string{"XX", "ZZ", "001", "USA", "1"} {
		_, err := NewPhones(r)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidRegion {
			t.Errorf("NewPhones(%q) = %v; want invalid_region", r, err)
		}
	}
}

func TestPhonesConcurrent(t *testing.T) {
	p := mustPhones(t, "GB")
	rows := loadExampleNumbers(t)
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- true }()
			for _, r := range rows[:200] {
				want := p.slowE164("+" + r.cc + r.nsn)
				if got, _ := p.E164("+" + r.cc + r.nsn); got != want {
					t.Errorf("got %q want %q", got, want)
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func TestPhoneCacheBounded(t *testing.T) {
	c := newPhoneCache(64)
	for i := 0; i < 10000; i++ {
		c.put(strings.Repeat("x", i%50)+string(rune('a'+i%26))+string(rune('a'+i/26%26)), "v", 0)
	}
	n := 0
	for i := range c.shards {
		n += len(c.shards[i].cur) + len(c.shards[i].old)
	}
	if n > 64+2*len(c.shards) {
		t.Fatalf("cache holds %d entries, bound is 64", n)
	}
}

// benchPhoneInputs builds n distinct inputs in mixed written forms, each
// paired with a default region.
func benchPhoneInputs(b *testing.B, n int) (inputs []string, phones []*Phones) {
	rows := loadExampleNumbers(b)
	byRegion := map[string]*Phones{}
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	for len(inputs) < n {
		r := rows[rng.IntN(len(rows))]
		region := r.region
		if region == "001" || rng.IntN(4) == 0 {
			region = ""
		}
		// Vary the last three digits so that inputs are unique.
		nsn := []byte(r.nsn)
		for k := max(0, len(nsn)-3); k < len(nsn); k++ {
			nsn[k] = byte('0' + rng.IntN(10))
		}
		r.nsn = string(nsn)
		forms := writtenForms(r)
		if region == "" {
			forms = forms[:5] // international forms only
		}
		s := forms[rng.IntN(len(forms))]
		if seen[region+s] {
			continue
		}
		seen[region+s] = true
		if byRegion[region] == nil {
			byRegion[region] = mustPhones(b, region)
		}
		inputs = append(inputs, s)
		phones = append(phones, byRegion[region])
	}
	// Warm up: compile the regions' patterns (once per process) and the
	// library's own regexp cache, so neither lands in the timings.
	for i, s := range inputs {
		phones[i].fastE164(s)
		phones[i].slowE164(s)
	}
	b.ResetTimer()
	return inputs, phones
}

// BenchmarkPhonesE164 measures unique numbers in mixed formats and regions:
// "libphonenumber" is the plain library (the baseline), "fastpath" the fast
// path with library fallback and no cache, "E164" the public method on
// unique inputs (cache misses), "E164_cached" repeated inputs.
func BenchmarkPhonesE164(b *testing.B) {
	const n = 1 << 18 // more than the cache holds, so E164 sees misses
	inputs, phones := benchPhoneInputs(b, n)
	b.Run("libphonenumber", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			phones[i%n].slowE164(inputs[i%n])
		}
	})
	b.Run("fastpath", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p, s := phones[i%n], inputs[i%n]
			if _, ok := p.fastE164(s); !ok {
				p.slowE164(s)
			}
		}
	})
	b.Run("E164", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			phones[i%n].E164(inputs[i%n])
		}
	})
	b.Run("E164_cached", func(b *testing.B) {
		const m = 1000
		for i := 0; i < b.N; i++ {
			phones[i%m].E164(inputs[i%m])
		}
	})
	b.Run("E164_parallel", func(b *testing.B) {
		var next atomicCounter
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.add() % n
				phones[i].E164(inputs[i])
			}
		})
	})
}

type atomicCounter struct{ v atomic.Int64 }

func (c *atomicCounter) add() int { return int(c.v.Add(1)) }

// Whatever the input and the default region, the fast path, where it
// answers, gives what plain libphonenumber gives.
func FuzzPhoneFastPath(f *testing.F) {
	for _, g := range garbagePhones {
		f.Add(g, uint8(0))
	}
	for i, s := range []string{"010-1234-5678", "+82 10 1234 5678", "(212) 555-0123", "020 7946 0958", "+420 601 123 456", "0049 30 123456", "1-800-555-0199"} {
		f.Add(s, uint8(i))
	}
	phones := map[string]*Phones{}
	f.Fuzz(func(t *testing.T, s string, r uint8) {
		region := phoneTestRegions[int(r)%len(phoneTestRegions)]
		p := phones[region]
		if p == nil {
			p = mustPhones(t, region)
			phones[region] = p
		}
		var fast, total int
		checkIdentical(t, p, s, &fast, &total)
	})
}
