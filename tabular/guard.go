package tabular

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// guardedText decodes a text file whose detection left rival encodings
// that read everything it examined the same way: plain ASCII, which every
// candidate reads alike, or German that windows-1250 reads as windows-1252
// does. The file's bytes are watched until the first one a rival would
// read differently; the encoding is chosen again there, from the lines
// that follow, and the reading goes on in it. Everything before that byte
// reads the same either way, so nothing decoded so far changes. When the
// lines there read as well in two encodings, the file is refused, as it
// would have been had they come first.
type guardedText struct {
	raw      *bufio.Reader
	enc      textEncoding
	dec      transform.Transformer // enc's decoder, when single-byte
	alive    []textEncoding        // rivals not yet told apart from enc
	stop     [256]bool             // the bytes that tell enc from one of alive
	tail     []byte                // the current line's bytes read so far
	lines    int                   // line ends read: LF, CRLF or CR alone
	lastCR   bool                  // the bytes read so far end in CR
	out      []byte                // decoded, not yet returned: in obuf
	obuf     []byte                // decoding's buffer, reused
	fast     io.Reader             // once no rival is left: the plain decoding
	onSwitch func(textEncoding)
}

// guardTail bounds the bytes of the current line kept as evidence.
const guardTail = 4 << 10

// guardChunk bounds the bytes decoded at a time.
const guardChunk = 32 << 10

// newGuardedText reads r, detected as d, and calls switched whenever the
// encoding changes. size is r's length when known (the sample was the
// whole file), else 0: a small file needs no buffer of a whole window.
func newGuardedText(r io.Reader, size int, d detection, switched func(textEncoding)) io.Reader {
	if len(d.alive) == 0 {
		return decoded(r, d.enc)
	}
	buf := sniffBytes
	if size > 0 {
		buf = min(size, buf)
	}
	g := &guardedText{raw: bufio.NewReaderSize(r, buf), enc: d.enc, onSwitch: switched}
	g.watch(d.alive)
	return g
}

func decoded(r io.Reader, e textEncoding) io.Reader {
	if e.enc == nil {
		return r
	}
	return transform.NewReader(r, e.enc.NewDecoder())
}

// watch sets the rivals still alive and the bytes that would tell them.
func (g *guardedText) watch(alive []textEncoding) {
	g.alive, g.stop = alive, [256]bool{}
	cur, _ := g.enc.enc.(*charmap.Charmap)
	if cur != nil {
		g.dec = cur.NewDecoder()
	}
	for b := utf8.RuneSelf; b < 256; b++ {
		if cur == nil { // UTF-8 over plain ASCII: any other byte
			g.stop[b] = true
			continue
		}
		for _, a := range alive {
			if cm, ok := a.enc.(*charmap.Charmap); !ok || cm.DecodeByte(byte(b)) != cur.DecodeByte(byte(b)) {
				g.stop[b] = true
			}
		}
	}
}

func (g *guardedText) Read(p []byte) (int, error) {
	for len(g.out) == 0 {
		if g.fast != nil {
			return g.fast.Read(p)
		}
		n, err := g.step(p)
		if n > 0 || err != nil {
			return n, err
		}
	}
	n := copy(p, g.out)
	g.out = g.out[n:]
	return n, nil
}

// step decodes the buffered bytes up to the next telling one, into p when
// they are ASCII read as UTF-8 and into g.out otherwise, or chooses the
// encoding again at that byte.
func (g *guardedText) step(p []byte) (int, error) {
	if len(g.alive) == 0 {
		g.fast = decoded(g.raw, g.enc)
		return 0, nil
	}
	if g.raw.Buffered() == 0 {
		if _, err := g.raw.Peek(1); err != nil {
			return 0, err
		}
	}
	chunk, _ := g.raw.Peek(min(g.raw.Buffered(), guardChunk))
	cm, _ := g.enc.enc.(*charmap.Charmap)
	var i int
	if cm == nil {
		i = min(asciiPrefix(chunk), len(p))
	} else {
		for i < len(chunk) && !g.stop[chunk[i]] {
			i++
		}
	}
	if i == 0 {
		return 0, g.decide()
	}
	b := chunk[:i]
	n := 0
	if cm == nil {
		n = copy(p, b)
	} else {
		// A byte decodes to at most 3 bytes of UTF-8, and alone. The
		// buffer is reused: a new one per chunk cost thrice the file.
		if len(g.obuf) < 3*len(b) {
			g.obuf = make([]byte, 3*len(b))
		}
		nd, _, _ := g.dec.Transform(g.obuf, b, true)
		g.out = g.obuf[:nd]
	}
	g.passed(b)
	return n, nil
}

// asciiPrefix returns the length of b's leading ASCII bytes.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// passed reads past b, decoded, keeping the line count and the current
// line's bytes.
func (g *guardedText) passed(b []byte) {
	// Lines end as the parser ends them, in LF, CRLF or a CR alone (old
	// Mac exports), so that a refusal names the line the parser numbers.
	g.lines += bytes.Count(b, []byte{'\n'})
	if bytes.IndexByte(b, '\r') >= 0 {
		g.lines += bytes.Count(b, []byte{'\r'}) - bytes.Count(b, []byte("\r\n"))
	}
	if g.lastCR && b[0] == '\n' {
		g.lines-- // the LF of a CRLF split between reads
	}
	g.lastCR = b[len(b)-1] == '\r'
	if nl := max(bytes.LastIndexByte(b, '\n'), bytes.LastIndexByte(b, '\r')); nl >= 0 {
		g.tail = append(g.tail[:0], b[nl+1:]...)
	} else {
		g.tail = append(g.tail, b...)
	}
	if len(g.tail) > guardTail {
		g.tail = append(g.tail[:0], g.tail[len(g.tail)-guardTail:]...)
	}
	g.raw.Discard(len(b))
}

// decide chooses the encoding again from the line of a telling byte and
// those after it.
func (g *guardedText) decide() error {
	// A buffer smaller than that holds all that is left.
	ahead, err := g.raw.Peek(sniffBytes - guardTail)
	truncated := err == nil
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return err
	}
	window := append(append([]byte(nil), g.tail...), ahead...)
	var d detection
	var rivals []string
	var ok bool
	if g.enc.enc == nil {
		d, rivals, ok = chooseText(window, truncated)
	} else {
		d, rivals, ok = chooseAmong(window, truncated, precedence(append([]textEncoding{g.enc}, g.alive...)))
	}
	switch {
	case len(rivals) > 0:
		return ambiguousEncoding(rivals, fmt.Sprintf("from line %d ", g.lines+1))
	case !ok:
		// No reading is clean: the bad bytes fail their rows, as a
		// stray byte does.
		d = detection{enc: g.enc}
	}
	if d.enc != g.enc {
		g.enc = d.enc
		g.onSwitch(d.enc)
	}
	g.watch(d.alive)
	if len(g.alive) > 0 && g.stop[ahead[0]] {
		// The rivals left read this window alike: its telling byte
		// cannot tell them, but the check must still move on.
		g.watch(nil)
	}
	return nil
}

// precedence orders encodings as legacyCandidates does, which breaks ties.
func precedence(es []textEncoding) []textEncoding {
	var out []textEncoding
	for _, c := range legacyCandidates {
		for _, e := range es {
			if e == c {
				out = append(out, c)
				break
			}
		}
	}
	return out
}
