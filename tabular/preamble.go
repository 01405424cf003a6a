package tabular

import (
	"bytes"
	"strings"
	"unicode"
)

// Some exports put notes above the header: LinkedIn's Connections.csv
// opens with "Notes:", a quoted paragraph and a blank line. Such a file
// would read as a one-column header ("Notes:"). A preamble is a run of
// leading records of one cell each that read as notes, followed by a
// header of three cells or more and a row as wide: the reader starts at
// that header.

// preambleRecords is how far the preamble is looked for.
const preambleRecords = 12

// preambleLines returns how many physical lines of head, read from line
// firstLine on, come before a header that follows a preamble; 0 for none.
func preambleLines(head []byte, delim byte, maxCell, firstLine int) int {
	p := newCSVParser(bytes.NewReader(head), delim, maxCell, firstLine)
	headerLine, width := 0, 0
	for range preambleRecords {
		if p.next() != nil {
			return 0 // the sample ends, or breaks, before a header and a row
		}
		n, note := 0, ""
		for i, end := range p.ends {
			start := 0
			if i > 0 {
				start = p.ends[i-1]
			}
			if end > start {
				n++
				note = string(p.rec[start:end])
			}
		}
		switch {
		case n == 0:
		case headerLine == 0 && n == 1 && prose(note):
			width = -1 // a note
		case headerLine == 0 && width == -1 && len(p.ends) >= 3:
			headerLine, width = p.startLine, len(p.ends)
		case headerLine == 0:
			return 0 // the first record is wide: it is the header
		case len(p.ends) >= width:
			return headerLine - firstLine
		default:
			return 0
		}
	}
	return 0
}

// prose reports whether a one-cell record reads as a note: words, or a
// title ending in a colon ("Notes:").
func prose(s string) bool {
	s = strings.TrimSpace(s)
	return strings.ContainsFunc(s, unicode.IsLetter) && (strings.Contains(s, " ") || strings.HasSuffix(s, ":"))
}

// skipLines returns the length of the first n physical lines of b (LF,
// CRLF or CR ends), or -1 if b holds fewer.
func skipLines(b []byte, n int) int {
	i := 0
	for ; n > 0; n-- {
		j := bytes.IndexAny(b[i:], "\r\n")
		if j < 0 {
			return -1
		}
		i += j + 1
		if b[i-1] == '\r' && i < len(b) && b[i] == '\n' {
			i++
		}
	}
	return i
}
