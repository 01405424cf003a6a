package normalize

import (
	"errors"
	"strings"
	"testing"
)

// wantCode fails unless err is an *Error with the given code.
func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v; want code %s", err, code)
	}
	return e
}

func TestURL(t *testing.T) {
	tests := []struct{ rule, in, want, code string }{
		{"https", "https://example.com/a?b=c#d", "https://example.com/a?b=c#d", ""},
		{"http with port", " http://Example.COM:8080/Path ", "http://example.com:8080/Path", ""},
		{"scheme lower-cased", "HTTPS://WWW.Example.com", "https://www.example.com", ""},
		{"path kept as given", "https://x.org/%7Euser/A B", "", CodeInvalidURL},
		{"escaped path kept", "https://x.org/%7Euser/Ä", "https://x.org/%7Euser/Ä", ""},
		{"no scheme", "www.example.com", "", CodeInvalidURL},
		{"no scheme with port", "example.com:8080/x", "", CodeInvalidURL},
		{"ftp", "ftp://example.com", "", CodeInvalidURL},
		{"mailto", "mailto:bob@example.com", "", CodeInvalidURL},
		{"no host", "https:///path", "", CodeInvalidURL},
		{"relative", "/about", "", CodeInvalidURL},
		{"empty", "", "", CodeInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got, err := URL(tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("URL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	t.Run("suggests https", func(t *testing.T) {
		_, err := URL("www.example.com")
		if e := wantCode(t, err, CodeInvalidURL); !strings.Contains(e.Message, "https://www.example.com") {
			t.Errorf("message %q does not suggest https://", e.Message)
		}
	})
}

func TestCheckbox(t *testing.T) {
	for _, s := range []string{"yes", "YES", " true ", "1", "y", "On", "x", "X", "checked", "✓",
		"ano", "Ano", "예", "네", "是", "是的", "ja", "JA", "oui", "sí", "si", "はい", "da", "sim", "tak", "evet", "да"} {
		if !Checkbox(s) {
			t.Errorf("Checkbox(%q) = false; want true", s)
		}
	}
	for _, s := range []string{"", " ", "no", "false", "0", "n", "off", "ne", "nein", "non", "아니요", "否", "maybe", "yes please", "2"} {
		if Checkbox(s) {
			t.Errorf("Checkbox(%q) = true; want false", s)
		}
	}
}

func TestTags(t *testing.T) {
	tests := []struct{ rule, in, want string }{
		{"comma", "vip, lead ,partner", "vip|lead|partner"},
		{"full-width comma", "고객，VIP", "고객|VIP"},
		{"ideographic comma", "客户、重要", "客户|重要"},
		{"drops empties", " ,a,, ,b, ", "a|b"},
		{"dedupes keeping first spelling", "VIP, vip, Lead, LEAD", "VIP|Lead"},
		{"empty", "", ""},
		{"google labels", "* myContacts ::: * starred ::: Friends ::: Work, Lead", "starred|Friends|Work|Lead"},
		{"semicolons and bars", "zákazník;VIP | partner", "zákazník|VIP|partner"},
		{"mailchimp's quotes", `"VIP","Newsletter"`, "VIP|Newsletter"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			if got := strings.Join(Tags(tc.in), "|"); got != tc.want {
				t.Fatalf("Tags(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestChoice(t *testing.T) {
	choices := []string{"Lead", "Customer", "Partner"}
	t.Run("case and space insensitive", func(t *testing.T) {
		if got, err := Choice("  customer ", choices); err != nil || got != "Customer" {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("unknown lists choices", func(t *testing.T) {
		_, err := Choice("vendor", choices)
		e := wantCode(t, err, CodeInvalidChoice)
		if e.Message != `"vendor" is not one of the allowed values: "Lead", "Customer", "Partner"` {
			t.Errorf("message %q", e.Message)
		}
	})
	t.Run("long list truncated", func(t *testing.T) {
		var many []string
		for i := range 25 {
			many = append(many, strings.Repeat("c", i+1))
		}
		_, err := Choice("zzz", many)
		e := wantCode(t, err, CodeInvalidChoice)
		if !strings.HasSuffix(e.Message, "and 15 more") {
			t.Errorf("message %q", e.Message)
		}
	})
}

func TestDate(t *testing.T) {
	layout := func(s string) DateLayout {
		l, err := ParseDateLayout(s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		rule   string
		layout DateLayout
		in     string
		want   string
		code   string
	}{
		{"iso", DateLayout{}, "2024-03-05", "2024-03-05", ""},
		{"iso with time", DateLayout{}, "2024-03-05T10:20:30Z", "2024-03-05", ""},
		{"iso with space time", DateLayout{}, "2024-03-05 10:20", "2024-03-05", ""},
		{"iso leap day", DateLayout{}, "2024-02-29", "2024-02-29", ""},
		{"no feb 30", DateLayout{}, "2024-02-30", "", CodeInvalidDate},
		{"no feb 29 in 2023", DateLayout{}, "2023-02-29", "", CodeInvalidDate},
		{"1900 not leap", DateLayout{}, "1900-02-29", "", CodeInvalidDate},
		{"month 13", DateLayout{}, "2024-13-01", "", CodeInvalidDate},
		{"unpadded year first reads one way", DateLayout{}, "2024-3-5", "2024-03-05", ""},
		{"dotted without layout", DateLayout{}, "5.3.2024", "", CodeAmbiguousDate},
		{"slashes without layout", DateLayout{}, "05/03/2024", "", CodeAmbiguousDate},
		{"only day-month reads", DateLayout{}, "31/12/2024", "2024-12-31", ""},
		{"only month-day reads", DateLayout{}, "10/26/1945", "1945-10-26", ""},
		{"ISO alone", ISO, "10/26/1945", "", CodeInvalidDate},
		{"garbage", DateLayout{}, "next tuesday", "", CodeInvalidDate},
		{"DD.MM.YYYY", layout("DD.MM.YYYY"), "05.03.2024", "2024-03-05", ""},
		{"DD.MM.YYYY unpadded", layout("DD.MM.YYYY"), "5.3.2024", "2024-03-05", ""},
		{"D.M.YYYY", layout("D.M.YYYY"), "15.11.2024", "2024-11-15", ""},
		{"MM/DD/YYYY", layout("MM/DD/YYYY"), "03/05/2024", "2024-03-05", ""},
		{"DD/MM/YYYY", layout("DD/MM/YYYY"), "03/05/2024", "2024-05-03", ""},
		{"YYYY/MM/DD", layout("YYYY/MM/DD"), "2024/03/05", "2024-03-05", ""},
		{"DD-MM-YYYY", layout("DD-MM-YYYY"), "05-03-2024", "2024-03-05", ""},
		{"YYYYMMDD", layout("YYYYMMDD"), "20240305", "2024-03-05", ""},
		{"YYYYMMDD wrong width", layout("YYYYMMDD"), "2024035", "", CodeInvalidDate},
		{"layout with time", layout("MM/DD/YYYY"), "3/5/2024 14:00", "2024-03-05", ""},
		{"wrong separator", layout("DD.MM.YYYY"), "05/03/2024", "", CodeInvalidDate},
		{"calendar with layout", layout("DD.MM.YYYY"), "31.04.2024", "", CodeInvalidDate},
		{"year zero", layout("DD.MM.YYYY"), "01.01.0000", "", CodeInvalidDate},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got, err := Date(tc.in, tc.layout)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Date(%q, %s) = %q, %v; want %q", tc.in, tc.layout, got, err, tc.want)
			}
		})
	}
	t.Run("ambiguous message", func(t *testing.T) {
		_, err := Date("05/03/2024", DateLayout{})
		if err == nil || err.Error() != `date "05/03/2024" is ambiguous; set the date format, e.g. --date-format DD/MM/YYYY` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad layouts", func(t *testing.T) {
		for _, s := range []string{"", "YYYY-MM", "DD.MM.YY", "YYYY-MM-DD-HH", "DD.DD.YYYY", "MM/DD-YYYY", "YYYYDDMM", "foo"} {
			if _, err := ParseDateLayout(s); err == nil {
				t.Errorf("ParseDateLayout(%q) accepted", s)
			} else {
				wantCode(t, err, CodeInvalidLayout)
			}
		}
		if l := layout("dd.mm.yyyy"); l.String() != "dd.mm.yyyy" {
			t.Errorf("String() = %q", l.String())
		}
	})
}

func TestNumber(t *testing.T) {
	good := map[string]int64{"0": 0, "42": 42, "-17": -17, "+8": 8, " 1234 ": 1234, "9223372036854775807": 1<<63 - 1,
		// Grouped where no locale reads it otherwise.
		"1 000": 1000, "1\u00a0234\u00a0567": 1234567, "1.234.567": 1234567, "1,234,567": 1234567, "1'234": 1234, "-12 345": -12345}
	for in, want := range good {
		if got, err := Number(in); err != nil || got != want {
			t.Errorf("Number(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// A single comma or dot may be a decimal separator: no guess.
	for _, in := range []string{"", "-", "1.5", "1,000", "1 00", "12 3456", "1_000", "12a", "0x10", "9223372036854775808", "--1", "1.234,5"} {
		_, err := Number(in)
		wantCode(t, err, CodeInvalidNumber)
	}
}

func TestDecimal(t *testing.T) {
	good := map[string]string{"1234.5": "1234.5", "-0.25": "-0.25", "1234,5": "1234.5", "+01234.50": "1234.5",
		"0": "0", "-0.0": "0", "10": "10", "0,125": "0.125",
		// Grouped where no locale reads it otherwise.
		"1.234,5": "1234.5", "1,234.5": "1234.5", "1 234 567,89": "1234567.89", "1\u00a0234,5": "1234.5",
		"1,234,567.89": "1234567.89", "1'234.5": "1234.5", "-1.234.567": "-1234567"}
	for in, want := range good {
		if got, err := Decimal(in); err != nil || got != want {
			t.Errorf("Decimal(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".5", "12,34.5", "1.23,5", "1,2,3", "1e5", "abc", "1.2.3", "- 1", "7.", "1 23,5", "1,234.5.6"} {
		_, err := Decimal(in)
		wantCode(t, err, CodeInvalidDecimal)
	}
}

func TestText(t *testing.T) {
	if err := Text("héllo", 5); err != nil {
		t.Errorf("5 runes within 5: %v", err)
	}
	if err := Text("", 0); err != nil {
		t.Errorf("empty within 0: %v", err)
	}
	e := wantCode(t, Text("héllo!", 5), CodeTooLong)
	if !strings.Contains(e.Message, "is 6 characters long; the maximum is 5") {
		t.Errorf("message %q", e.Message)
	}
}

func TestInferDateLayout(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"10/26/1945", "MM/DD/YYYY"},
		{"26/10/1945", "DD/MM/YYYY"},
		{"3/24/1910", "MM/DD/YYYY"},
		{"24.12.2024", "DD.MM.YYYY"},
		{"2024/03/05", "YYYY/MM/DD"},
		{" 12-31-2024 10:00", "MM-DD-YYYY"},
		{"7/2/1992", ""},   // both readings are dates
		{"12/12/2024", ""}, // the same date either way, but which order the column uses is still unknown
		{"31/31/2024", ""}, // none is
		{"10/26/45", ""},   // a two-digit year would be a guess at the century
		{"1945", ""},
		{"", ""},
	} {
		l, ok := InferDateLayout(tc.in)
		if got := l.String(); ok != (tc.want != "") || ok && got != tc.want {
			t.Errorf("InferDateLayout(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// Dates read without a format are real ISO dates, read again as themselves.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2024-03-05", "10/26/1945", "7/2/1992", "31.12.2024", "2024/3/5", "12-31-2024 10:00", "0/0/0000", "99/99/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Date(s, DateLayout{})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		again, err := Date(out, ISO)
		if err != nil || again != out {
			t.Fatalf("Date(%q) = %q, which reads as %q, %v", s, out, again, err)
		}
		if l, ok := InferDateLayout(s); ok {
			if via, err := Date(s, l); err != nil || via != out {
				t.Fatalf("Date(%q) = %q, but its only layout %s reads %q, %v", s, out, l, via, err)
			}
		}
	})
}

// Chinese, Japanese and Korean dates with their units need no layout.
func TestEastAsianDates(t *testing.T) {
	dmy, err := ParseDateLayout("DD.MM.YYYY")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"2024年12月31日":     "2024-12-31",
		"1985年4月1日":       "1985-04-01",
		"2024년 12월 31일":   "2024-12-31",
		"2024 년 3 월 5 일":  "2024-03-05",
		"2024年3月5日 10:00": "2024-03-05",
		"2024年2月30日":      "",
		"24年3月5日":         "",
		"2024年3月":         "",
	} {
		for _, layout := range []DateLayout{{}, dmy} {
			got, err := Date(in, layout)
			if want == "" && err == nil || want != "" && (err != nil || got != want) {
				t.Errorf("Date(%q, %q) = %q, %v; want %q", in, layout, got, err, want)
			}
		}
	}
}

// TestWebsite: a company website given as a bare host gets https://; what
// URL refuses for other reasons is still refused.
func TestWebsite(t *testing.T) {
	for in, want := range map[string]string{
		"acme.example":               "https://acme.example",
		"www.Acme.example/about?x=1": "https://www.acme.example/about?x=1",
		"http://acme.example":        "http://acme.example",
		"HTTPS://WWW.acme.example":   "https://www.acme.example",
		"acme.example:8080/x":        "https://acme.example:8080/x",
	} {
		if got, err := Website(in); err != nil || got != want {
			t.Errorf("Website(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"not a url", "acme", "ann@acme.example", "ftp://acme.example", "acme.", ".example"} {
		if got, err := Website(in); err == nil {
			t.Errorf("Website(%q) = %q, want an error", in, got)
		}
	}
}
