package normalize

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

const isemailVectors = "../../shared/testdata/email/isemail-js-skeggse/tests.json"

// TestEmailIsemailVectors checks every isemail (skeggse/isemail, BSD-3)
// vector. We agree with all "valid" verdicts and all err* verdicts. We
// deliberately differ as follows:
//
//   - Surrounding whitespace (cfwsFWS, errFWSCRLFEnd, errCRNoLF and the like
//     when the CR/LF/space is only at the ends) is trimmed, as for every cell,
//     so such a vector gets the verdict of its trimmed form.
//
//   - Everything RFC 5322/5321 allows but no customer directory needs is
//     rejected: quoted local parts (rfc5321QuotedString), address and domain
//     literals (rfc5321AddressLiteral, rfc5322DomainLiteral*, rfc5322IPv6*),
//     comments and folding whitespace (cfwsComment, deprecated*), general
//     domain syntax (rfc5322Domain) and numeric TLDs (rfc5321TLDNumeric).
//
//   - Single-label domains ("test@io", "test@org") are accepted, as isemail
//     does.
//
//   - One "valid" vector's domain starts with U+103FF, an unassigned code
//     point that IDNA (UTS #46, which we validate domains with) disallows; no
//     registry can issue such a name, so we reject it.
//
// Go's JSON decoder turns the lone surrogates of the errMalformedUnicode
// vectors into U+FFFD, which we reject like the malformed input it stands for.
func TestEmailIsemailVectors(t *testing.T) {
	data, err := os.ReadFile(isemailVectors)
	if err != nil {
		t.Fatalf("email vectors missing (shared/testdata must sit beside the repo): %v", err)
	}
	var vectors [][2]string
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 200 {
		t.Fatalf("only %d vectors", len(vectors))
	}
	valid := 0
	for _, v := range vectors {
		addr, verdict := v[0], v[1]
		t.Run(verdict, func(t *testing.T) {
			got, err := Email(addr)
			if trimmed := strings.TrimSpace(addr); trimmed != addr {
				want, werr := Email(trimmed)
				if got != want || (err == nil) != (werr == nil) {
					t.Errorf("Email(%q) = %q, %v; want the verdict for %q: %q, %v", addr, got, err, trimmed, want, werr)
				}
				return
			}
			if verdict == "valid" && strings.HasPrefix(addr, "test@\U000103ff") {
				valid++
				if err == nil {
					t.Errorf("Email(%q) = %q; want the unassigned code point rejected", addr, got)
				}
				return
			}
			if verdict == "valid" {
				valid++
				if err != nil {
					t.Errorf("Email(%q): %v; isemail says valid", addr, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidEmail {
				t.Errorf("Email(%q) = %q, %v; isemail says %s, want invalid_email", addr, got, err, verdict)
			}
		})
	}
	if valid != 20 {
		t.Errorf("checked %d valid vectors, want 20", valid)
	}
}

func TestEmail(t *testing.T) {
	tests := []struct {
		rule, in, want string // want "" means invalid
	}{
		{"lower-cases", "Bob.Smith@Example.COM", "bob.smith@example.com"},
		{"trims", "  bob@example.com\t", "bob@example.com"},
		{"zero-width space before", "\u200bbob@example.com", "bob@example.com"},
		{"zero-width space after", "bob@example.com\u200b", "bob@example.com"},
		{"BOM and word joiner around", "\ufeff bob@example.com\u2060", "bob@example.com"},
		{"zero-width space within", "b\u200bob@example.com", ""},
		{"plus tag", "bob+crm@example.co.uk", "bob+crm@example.co.uk"},
		{"unicode local part lower-cased", "ÉLODIE@example.fr", "élodie@example.fr"},
		{"idn domain kept in unicode", "info@Bücher.DE", "info@bücher.de"},
		{"ideographic full stop mapped", "a@例え。テスト", "a@例え.テスト"},
		{"punycode domain given in unicode", "a@xn--bcher-kva.de", "a@bücher.de"},
		{"upper-case punycode", "A@XN--BCHER-KVA.DE", "a@bücher.de"},
		{"punycode label among ascii ones", "a@mail.xn--bcher-kva.de", "a@mail.bücher.de"},
		{"punycode tld", "a@xn--80aafi6cg.xn--p1ai", "a@правда.рф"},
		{"local part is not punycode-decoded", "xn--bcher-kva@example.com", "xn--bcher-kva@example.com"},
		{"unicode local part is not mapped", "Straße@bücher.de", "straße@bücher.de"},
		{"xn-- inside a label is no a-label", "a@abxn--c.com", "a@abxn--c.com"},
		{"invalid punycode", "jan@xn--zz.de", ""},
		{"punycode of a disallowed name", "a@xn--0.com", ""},
		{"single label domain", "root@localhost", "root@localhost"},
		{"mailbox with display name", "Bob Smith <Bob@Example.com>", "bob@example.com"},
		{"quoted display name", `"Smith, Bob" <bob@example.com>`, "bob@example.com"},
		{"bare angle brackets", "<bob@example.com>", "bob@example.com"},
		{"mailto link", "MAILTO:bob@example.com?subject=Hi", "bob@example.com"},
		{"mailbox with a bad address", "Bob <bob@@example.com>", ""},
		{"nested brackets", "<<bob@example.com>>", ""},
		{"mailto alone", "mailto:", ""},
		{"double at", "bob@@x", ""},
		{"two addresses", "a@b.com b@c.com", ""},
		{"no at", "bob.example.com", ""},
		{"leading dot", ".bob@example.com", ""},
		{"trailing dot", "bob.@example.com", ""},
		{"double dot", "bo..b@example.com", ""},
		{"space inside", "bob smith@example.com", ""},
		{"quoted local part", `"bob"@example.com`, ""},
		{"ip literal", "bob@[127.0.0.1]", ""},
		{"comment", "bob(x)@example.com", ""},
		{"underscore in domain", "bob@ex_ample.com", ""},
		{"hyphen label start", "bob@-example.com", ""},
		{"numeric tld", "bob@1.2.3.4", ""},
		{"broken punycode", "a@xn--a.com", ""},
		{"emoji local part", "😆@example.com", ""},
		{"invalid utf-8", "bo\xffb@example.com", ""},
		{"local part 65 octets", strings.Repeat("a", 65) + "@example.com", ""},
		{"local part 64 octets", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{"total over 254", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63), ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got, err := Email(tc.in)
			if tc.want == "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != CodeInvalidEmail {
					t.Fatalf("Email(%q) = %q, %v; want invalid_email", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Email(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	t.Run("message names the value", func(t *testing.T) {
		_, err := Email("bob@@x")
		if err == nil || err.Error() != `not a valid email address: "bob@@x"` {
			t.Fatalf("got %v", err)
		}
	})
}

// The spellings of one mailbox normalize to one address, the key Roster
// stores and matches on; EmailKey gives the same key for a stored address.
func TestEmailOneMailboxOneKey(t *testing.T) {
	for _, set := range [][]string{
		{"jan@müller.de", "jan@xn--mller-kva.de", "JAN@MÜLLER.DE", "Jan@XN--MLLER-KVA.de", "Jan <jan@Müller.De>", "mailto:jan@xn--mller-kva.de", "jan@mu\u0308ller.de"},
		{"info@例え.テスト", "info@例え。テスト", "INFO@xn--r8jz45g.xn--zckzah"},
	} {
		want := set[0]
		for _, in := range set {
			got, err := Email(in)
			if err != nil || got != want {
				t.Errorf("Email(%q) = %q, %v; want %q", in, got, err, want)
			}
			if !strings.HasPrefix(in, "mailto:") && !strings.Contains(in, "<") {
				if k := EmailKey(in); k != want {
					t.Errorf("EmailKey(%q) = %q; want %q", in, k, want)
				}
			}
		}
	}
}

func TestEmailKey(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"ascii lower-cased", " Bob@Example.COM ", "bob@example.com"},
		{"punycode decoded", "jan@xn--mller-kva.de", "jan@müller.de"},
		{"unicode mapped", "JAN@MÜLLER.DE", "jan@müller.de"},
		{"local part left alone but lower-cased", "XN--MLLER-KVA@xn--mller-kva.de", "xn--mller-kva@müller.de"},
		{"invalid punycode left as is", "Jan@XN--ZZ.de", "jan@xn--zz.de"},
		{"disallowed domain left as is", "a@\U000103ff.com", "a@\U000103ff.com"},
		{"no at", "Not An Email", "not an email"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			if got := EmailKey(tc.in); got != tc.want {
				t.Fatalf("EmailKey(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestEmails(t *testing.T) {
	tests := []struct {
		rule, in string
		want     []string
		code     string
	}{
		{"comma", "a@x.com, b@x.com", []string{"a@x.com", "b@x.com"}, ""},
		{"semicolon", "a@x.com;b@x.com", []string{"a@x.com", "b@x.com"}, ""},
		{"double pipe", "a@x.com || b@x.com", []string{"a@x.com", "b@x.com"}, ""},
		{"single pipe is atext", "a|b@x.com", []string{"a|b@x.com"}, ""},
		{"drops empties", " ; a@x.com,, ;", []string{"a@x.com"}, ""},
		{"dedupes case-insensitively", "A@x.com, a@X.com, b@x.com", []string{"a@x.com", "b@x.com"}, ""},
		{"dedupes punycode and unicode spellings", "jan@müller.de; jan@xn--mller-kva.de, JAN@MÜLLER.DE", []string{"jan@müller.de"}, ""},
		{"mailboxes", `"Smith, Bob" <bob@x.com>; Ann <ann@x.com>, mailto:cid@x.com`, []string{"bob@x.com", "ann@x.com", "cid@x.com"}, ""},
		{"empty cell", "  ", nil, ""},
		{"bad one named", "a@x.com, bob@@x", nil, CodeInvalidEmail},
		{"too many", strings.Repeat("a@x.com,b@x.com,", 0) + manyEmails(MaxEmails+1), nil, CodeTooManyEmails},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got, err := Emails(tc.in)
			if tc.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.code {
					t.Fatalf("Emails(%q) = %v, %v; want %s", tc.in, got, err, tc.code)
				}
				if tc.code == CodeInvalidEmail && !strings.Contains(e.Message, "bob@@x") {
					t.Errorf("message %q does not name the bad address", e.Message)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("Emails(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func manyEmails(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("u")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString("@example.com,")
	}
	return b.String()
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"bob@example.com", "Ä@Bücher.de", "a@例え。テスト", "x@xn--bcher-kva.de", `"q"@x.com`, "a@b", "İ@x.com", "\u023a@x.com"} {
		f.Add(s)
	}
	if data, err := os.ReadFile(isemailVectors); err == nil {
		var vectors [][2]string
		if json.Unmarshal(data, &vectors) == nil {
			for _, v := range vectors {
				f.Add(v[0])
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Email(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		again, err := Email(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: Email(%q) = %q; Email(%q) = %q, %v", s, out, out, again, err)
		}
		if k := EmailKey(out); k != out {
			t.Fatalf("EmailKey(%q) = %q, not the address Email gave for %q", out, k, s)
		}
		if !utf8.ValidString(out) || strings.Count(out, "@") != 1 {
			t.Fatalf("Email(%q) = %q is malformed", s, out)
		}
	})
}

var benchEmails = []string{"bob.smith@example.com", "Alice+crm@Sub.Example.co.uk", "  x@y.io ", "jörg@bücher.de", "bad@@x"}

func BenchmarkEmail(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Email(benchEmails[i%4])
	}
}

func BenchmarkEmailASCII(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Email("bob.smith@example.com")
	}
}
