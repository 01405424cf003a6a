package sqlstore

import (
	"encoding/json"
	"testing"
	"time"

	"roster"
)

// strs are texts the encoders meet: plain, other scripts, and what JSON
// escapes or json.Marshal replaces.
var strs = []string{
	"", "vip", "churn-risk", "Zákazník", "고객", "重要客户", "お得意様", "emoji 🎉", "a b\tc",
	`say "hi"`, `back\slash`, "<b>", "R&D", "1 > 0", "line\nbreak", "\x00", "\x1f", "\x7f",
	"\u2028", "\u2029", "bad \xff byte", "\xe2\x82", "caf\xc3", "ok\u00a0nbsp", "\ufffd",
}

func TestEncodeListMatchesJSON(t *testing.T) {
	lists := [][]string{nil, {}}
	for _, s := range strs {
		lists = append(lists, []string{s}, []string{"first", s}, []string{s, "last", s})
	}
	for _, l := range lists {
		want := "[]"
		if len(l) > 0 {
			b, _ := json.Marshal(l)
			want = string(b)
		}
		if got := encodeList(l); got != want {
			t.Errorf("encodeList(%q) = %s, want %s", l, got, want)
		}
	}
}

func TestEncodeCustomMatchesJSON(t *testing.T) {
	maps := []map[string]any{
		{"plan": "Pro", "vip": true, "seats": int64(277)},
		{"seats": int64(-9223372036854775808), "off": false, "tags": []string{"a", "b"}},
		{"none": []string(nil), "empty": []string{}},
		{"ratio": 0.25, "big": 1e21, "small": 1e-7}, // floats: json.Marshal writes them
		{"when": "2026-11-30", "n": 3},              // an int, not int64
		{"nil": nil},
		{"zeit": time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{"b": "1", "a": "2", "ab": "3", "B": "4", "á": "5", "_": "6"},
	}
	for _, s := range strs {
		maps = append(maps, map[string]any{"text": s}, map[string]any{s: "key"}, map[string]any{"list": []string{"x", s}})
	}
	for _, m := range maps {
		b, _ := json.Marshal(m)
		if got := encodeCustom(m); got != string(b) {
			t.Errorf("encodeCustom(%v) = %s, want %s", m, got, b)
		}
	}
}

func FuzzEncodeList(f *testing.F) {
	for _, s := range strs {
		f.Add(s, "tag")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		l := []string{a, b}
		want, _ := json.Marshal(l)
		if got := encodeList(l); got != string(want) {
			t.Errorf("encodeList(%q) = %s, want %s", l, got, want)
		}
		m := map[string]any{a: b, "n": int64(len(a)), b: []string{a}}
		want, _ = json.Marshal(m)
		if got := encodeCustom(m); got != string(want) {
			t.Errorf("encodeCustom(%v) = %s, want %s", m, got, want)
		}
	})
}

// BenchmarkContactValues is the row an import writes for a new contact.
func BenchmarkContactValues(b *testing.B) {
	c := &roster.Contact{Name: "Björn Dvořák", FirstName: "Björn", LastName: "Dvořák", Email: "user00000000@example0.com",
		Phone: "+12124014345", JobTitle: "Engineer", ExternalID: "X-00000000", Tags: []string{"churn-risk", "enterprise"},
		Custom: map[string]any{"plan": "Free", "vip": false, "seats": int64(277)}}
	b.ReportAllocs()
	for b.Loop() {
		contactValuesWithID(7, 1, c, 42)
	}
}
