package tabular

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlTok is a small, fast, lenient XML tokenizer for the fixed shapes of
// worksheet and shared-string parts. encoding/xml allocates per token and
// reads a large sheet at a small fraction of the speed of this loop.
// It does not check well-formedness; structure is checked by its callers.
type xmlTok struct {
	br      *bufio.Reader
	scratch []byte // holds a token longer than the bufio buffer
	limit   int    // longest token accepted
	pending bool   // a '<' was consumed and a tag follows
	// discard makes next skip text without buffering it: text outside
	// the elements a caller reads must not count against the token limit.
	discard bool
}

type tokKind uint8

const (
	tokText  tokKind = iota // data: raw text (entities not yet decoded)
	tokStart                // name, attrs
	tokEnd                  // name
	tokEmpty                // self-closing: name, attrs
	tokCDATA                // data: literal text
)

type token struct {
	kind  tokKind
	name  []byte // local name, prefix removed
	attrs []byte
	data  []byte
}

var errTokenTooLong = errors.New("XML token too long")

func newXMLTok(br *bufio.Reader, limit int) *xmlTok {
	return &xmlTok{br: br, limit: limit}
}

// readUntil returns the bytes before delim, consuming delim. The slice is
// valid until the next call.
func (x *xmlTok) readUntil(delim byte) ([]byte, error) {
	b, err := x.br.ReadSlice(delim)
	if err == nil {
		return b[:len(b)-1], nil
	}
	if err != bufio.ErrBufferFull {
		return b, err
	}
	x.scratch = append(x.scratch[:0], b...)
	for {
		b, err = x.br.ReadSlice(delim)
		x.scratch = append(x.scratch, b...)
		if len(x.scratch) > x.limit {
			return nil, errTokenTooLong
		}
		if err == nil {
			return x.scratch[:len(x.scratch)-1], nil
		}
		if err != bufio.ErrBufferFull {
			return x.scratch, err
		}
	}
}

// skipUntil consumes input through delim.
func (x *xmlTok) skipUntil(delim byte) error {
	for {
		_, err := x.br.ReadSlice(delim)
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

// buffered returns the input read but not yet consumed, without reading
// more; valid until the next call. Only between tokens: a caller that
// takes from it says how much with skip.
func (x *xmlTok) buffered() []byte {
	if x.pending {
		return nil
	}
	b, _ := x.br.Peek(x.br.Buffered())
	return b
}

// skip consumes n bytes that buffered returned.
func (x *xmlTok) skip(n int) { x.br.Discard(n) }

// next returns the next token; io.EOF at the end of input.
func (x *xmlTok) next() (token, error) {
	for {
		if !x.pending && x.discard {
			if err := x.skipUntil('<'); err != nil {
				return token{}, err
			}
			x.pending = true
		}
		if !x.pending {
			text, err := x.readUntil('<')
			if err != nil {
				return token{}, err
			}
			x.pending = true
			if len(text) > 0 {
				return token{kind: tokText, data: text}, nil
			}
		}
		x.pending = false
		tag, err := x.readUntil('>')
		if err != nil {
			if err == io.EOF {
				return token{}, errUnexpectedEOF
			}
			return token{}, err
		}
		if len(tag) == 0 {
			continue
		}
		switch tag[0] {
		case '?':
			continue
		case '!':
			if bytes.HasPrefix(tag, []byte("![CDATA[")) {
				tag, err = x.readToSuffix(tag, "]]")
				if err != nil {
					return token{}, err
				}
				return token{kind: tokCDATA, data: tag[8 : len(tag)-2]}, nil
			}
			if bytes.HasPrefix(tag, []byte("!--")) {
				if _, err = x.readToSuffix(tag, "--"); err != nil {
					return token{}, err
				}
			}
			continue
		case '/':
			return token{kind: tokEnd, name: localName(bytes.TrimSpace(tag[1:]))}, nil
		}
		kind := tokStart
		if tag[len(tag)-1] == '/' {
			kind = tokEmpty
			tag = tag[:len(tag)-1]
		}
		i := bytes.IndexAny(tag, " \t\r\n")
		if i < 0 {
			return token{kind: kind, name: localName(tag)}, nil
		}
		return token{kind: kind, name: localName(tag[:i]), attrs: tag[i+1:]}, nil
	}
}

var errUnexpectedEOF = errors.New("XML ends in the middle of a tag")

// readToSuffix extends a tag that was cut at a '>' inside a comment or
// CDATA section until it ends with suffix.
func (x *xmlTok) readToSuffix(tag []byte, suffix string) ([]byte, error) {
	if bytes.HasSuffix(tag, []byte(suffix)) && len(tag) >= 3+len(suffix) {
		return tag, nil
	}
	buf := append([]byte(nil), tag...)
	for {
		more, err := x.readUntil('>')
		if err != nil {
			return nil, errUnexpectedEOF
		}
		buf = append(append(buf, '>'), more...)
		if len(buf) > x.limit {
			return nil, errTokenTooLong
		}
		if bytes.HasSuffix(buf, []byte(suffix)) {
			return buf, nil
		}
	}
}

func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// attr returns the value of the attribute with the given local name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for len(attrs) > 0 {
		key, val, rest, ok := nextAttr(attrs)
		if !ok {
			return nil, false
		}
		if string(key) == name {
			return val, true
		}
		attrs = rest
	}
	return nil, false
}

// nextAttr splits the first attribute off attrs: its local name, its
// value (entities not decoded) and the attributes after it.
func nextAttr(attrs []byte) (key, val, rest []byte, ok bool) {
	eq := bytes.IndexByte(attrs, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = localName(bytes.TrimSpace(attrs[:eq]))
	rest = trimXMLSpace(attrs[eq+1:])
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, rest[1 : 1+end], rest[end+2:], true
}

// trimXMLSpace drops leading XML white space (bytes.TrimLeft builds its
// set on every call, which showed in profiles of large sheets).
func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// appendUnescaped appends text with XML entities and character references
// decoded. An unknown entity is kept as written.
func appendUnescaped(dst, src []byte) []byte {
	for {
		i := bytes.IndexByte(src, '&')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		semi := bytes.IndexByte(src, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		ent := src[1:semi]
		switch string(ent) {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			var n uint64
			var err error
			if len(ent) > 2 && ent[0] == '#' && (ent[1] == 'x' || ent[1] == 'X') {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else if len(ent) > 1 && ent[0] == '#' {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			} else {
				err = errors.New("unknown entity")
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				dst = append(dst, src[:semi+1]...)
			} else {
				dst = utf8.AppendRune(dst, rune(n))
			}
		}
		src = src[semi+1:]
	}
}

// unescapeOOXML decodes the _xHHHH_ escapes Office uses for characters XML
// cannot carry (e.g. _x000D_ for CR); _x005F_ escapes an underscore.
func unescapeOOXML(s string) string {
	if !stringsContainsX(s) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b = utf8.AppendRune(b, rune(n))
				i += 7
				continue
			}
		}
		b = append(b, s[i])
		i++
	}
	return string(b)
}

func stringsContainsX(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '_' && s[i+1] == 'x' {
			return true
		}
	}
	return false
}
