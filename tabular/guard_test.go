package tabular

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// repeatTo repeats line until the text is at least n bytes long.
func repeatTo(head, line string, n int) string {
	var b strings.Builder
	b.WriteString(head)
	for b.Len() < n {
		b.WriteString(line)
	}
	return b.String()
}

// TestLateEncoding: when what detection examined reads the same in
// several encodings (plain ASCII, or letters windows-1250 and -1252
// share), the first byte that would read differently decides, and the
// rows after it are read in the encoding it tells, not garbled.
func TestLateEncoding(t *testing.T) {
	ascii := repeatTo("name,city\n", "Smith,London\n", sniffBytes+1000)
	shared := repeatTo("name,city\n", "Nov\xe1k,Praha\nPokorn\xfd,Brno\n", 3*detectSampleMax)
	german := repeatTo("name,city\n", "M\xfcller,K\xf6ln\n", 3*detectSampleMax)
	for _, c := range []struct {
		name, in, enc string
		last          []string
		bad           bool // the last row fails with bad_encoding
	}{
		{"ascii, then windows-1252", ascii + "M\xfcller,K\xf6ln\n", "windows-1252", []string{"Müller", "Köln"}, false},
		{"ascii, then utf-8", ascii + "Müller,Köln\n", "utf-8", []string{"Müller", "Köln"}, false},
		{"ascii, then utf-8, then a stray byte", ascii + "Müller,Köln\n" + repeatTo("", "Smith,London\n", 1000) + "M\xfcller,K\xf6ln\n", "utf-8", []string{"M\xfcller", "K\xf6ln"}, true},
		{"ascii, then bytes no encoding reads cleanly", ascii + "\x81\x8d\x81\x8d\x9d,x\n", "utf-8", []string{"\x81\x8d\x81\x8d\x9d", "x"}, true},
		{"czech in letters 1252 shares, then its own", shared + "Dvo\xf8\xe1k,Plze\xf2\n", "windows-1250", []string{"Dvořák", "Plzeň"}, false},
		{"german, then french", german + "H\xe9l\xe8ne,Cr\xe8vec\x9cur\n", "windows-1252", []string{"Hélène", "Crèvecœur"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewCSV(strings.NewReader(c.in), Options{})
			_, rows, meta := readAll(t, r, err)
			if got := r.Info().Encoding; got != c.enc {
				t.Errorf("encoding %s, want %s", got, c.enc)
			}
			last := rows[len(rows)-1]
			if strings.Join(last, "|") != strings.Join(c.last, "|") {
				t.Errorf("last row %q, want %q", last, c.last)
			}
			for _, m := range meta[:len(meta)-1] {
				if m.Err != nil {
					t.Fatalf("row %d: %v", m.Number, m.Err)
				}
			}
			if e := meta[len(meta)-1].Err; c.bad != (e != nil && e.Code == CodeBadEncoding) {
				t.Errorf("last row error %v", e)
			}
		})
	}
}

// TestLateEncodingAmbiguous: a late line that reads as well, and
// differently, in two encodings refuses the file, naming the line as the
// parser numbers it, whatever the line ends.
func TestLateEncodingAmbiguous(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		in := repeatTo("name,city"+eol, "Smith,London"+eol, sniffBytes+1000)
		line := strings.Count(in, eol) + 1
		in += "\xc4\xe8,x" + eol
		r, err := NewCSV(strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			_, err = r.Next()
			if err != nil {
				break
			}
		}
		var fe *FatalError
		if errors.Is(err, io.EOF) || !errors.As(err, &fe) || fe.Code != CodeBadEncoding || !strings.Contains(fe.Message, fmt.Sprintf("from line %d ", line)) {
			t.Errorf("line ends %q: got %v, want a refusal naming line %d", eol, err, line)
		}
	}
}

// TestGuardedTextReadsAsItsLastEncoding: whatever the bytes, what the
// guarded reading gives is the whole input decoded in the encoding it
// ends in: the bytes before a switch read the same in both.
func TestGuardedTextReadsAsItsLastEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"Smith,London\n", "a", ",", "\n", "Nov\xe1k", "Dvo\xf8\xe1k", "M\xfcller", "H\xe9l\xe8ne", "\x9a\x9e", "\x81", "\xc3\xa9", "Jos\xc3\xa9 ", "\xb1\xe8", "\xed\xe1"}
	starts := []detection{
		{enc: encUTF8, alive: legacyCandidates},
		{enc: encWin1252, alive: []textEncoding{encWin1250, encLatin2}},
		{enc: encWin1250, alive: []textEncoding{encLatin2}},
	}
	switched, refused := 0, 0
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for n := rng.IntN(60); n >= 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		in := b.String()
		d := starts[i%len(starts)]
		last := d.enc
		out, err := io.ReadAll(newGuardedText(strings.NewReader(in), len(in)*(i%2), d, func(e textEncoding) { last = e }))
		var fe *FatalError
		if errors.As(err, &fe) {
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		want := in
		if last.enc != nil {
			w, err := last.enc.NewDecoder().String(in)
			if err != nil {
				t.Fatal(err)
			}
			want = w
		}
		if last != d.enc {
			switched++
		}
		if string(out) != want {
			t.Fatalf("%q from %s ending in %s:\n got %q\nwant %q", in, d.enc.name, last.name, out, want)
		}
	}
	t.Logf("%d switched, %d refused", switched, refused)
	if switched < 300 || refused < 100 {
		t.Errorf("%d of 3000 readings switched and %d were refused: the test no longer tries both", switched, refused)
	}
}

// TestGuardedTextMemory: watching a file for a telling byte costs about
// what reading it does. A small German file, which windows-1250 reads as
// windows-1252 does, took a buffer of a whole window (a megabyte), and a
// large one a new buffer per chunk, thrice the file in all.
func TestGuardedTextMemory(t *testing.T) {
	allocated := func(in string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := NewCSV(strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	for _, c := range []struct {
		name           string
		guarded, plain string // read guarded, and not: French tells windows-1252
	}{
		{"small", "name,city\nM\xfcller,K\xf6ln\n", "name,city\nH\xe9l\xe8ne,Paris\n"},
		{"large", repeatTo("name,city\n", "M\xfcller,K\xf6ln\n", 4<<20), repeatTo("name,city\n", "H\xe9l\xe8ne,Paris\n", 4<<20)},
	} {
		g, p := allocated(c.guarded), allocated(c.plain)
		if g > p+p/4 {
			t.Errorf("%s: guarded reading allocated %d KiB, plain %d KiB", c.name, g>>10, p>>10)
		}
	}
}
