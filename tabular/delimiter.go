package tabular

import (
	"bytes"
	"unicode/utf8"
)

// delimiterCandidates are tried in this order; the order breaks ties.
var delimiterCandidates = []byte{',', ';', '\t', '|'}

// sniffLines splits decoded text into at most max records, honouring quotes
// (a quoted field may hold line breaks) and LF, CRLF and lone CR line ends.
// A last record cut by the end of a truncated sample is dropped.
func sniffLines(b []byte, max int, truncated bool) [][]byte {
	var lines [][]byte
	start, inQuote := 0, false
	for i := 0; i < len(b) && len(lines) < max; i++ {
		switch c := b[i]; {
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == '\n' || c == '\r'):
			if i > start {
				lines = append(lines, b[start:i])
			}
			if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if !truncated && start < len(b) && len(lines) < max {
		lines = append(lines, b[start:])
	}
	return lines
}

// countOutsideQuotes counts delim in line, ignoring quoted text.
func countOutsideQuotes(line []byte, delim byte) int {
	n, inQuote := 0, false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
		} else if c == delim && !inQuote {
			n++
		}
	}
	return n
}

// detectDelimiter picks the candidate whose per-line count is most
// consistent with the first line's, preferring more columns on ties of
// consistency. Text without any candidate is read as one comma column.
func detectDelimiter(lines [][]byte) byte {
	best, bestScore := byte(','), 0.0
	for _, d := range delimiterCandidates {
		if len(lines) == 0 {
			break
		}
		h := countOutsideQuotes(lines[0], d)
		if h == 0 {
			continue
		}
		same := 0
		for _, l := range lines[1:] {
			if countOutsideQuotes(l, d) == h {
				same++
			}
		}
		consistency := 1.0
		if len(lines) > 1 {
			consistency = float64(same) / float64(len(lines)-1)
		}
		// Consistency dominates; the column count only separates close calls.
		score := consistency*100 + min(float64(h), 50)/10
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// sepLine recognises Excel's "sep=X" first line and returns X and the
// line's length including its line end.
func sepLine(b []byte) (delim rune, n int, ok bool) {
	end := bytes.IndexAny(b, "\r\n")
	if end < 0 {
		end = len(b)
	}
	// Spaces only: "sep=\t" names a TAB. A spreadsheet that saves the
	// line again pads it with the delimiter to the sheet's width
	// ("sep=;;;").
	line := bytes.Trim(b[:end], " ")
	line = bytes.Trim(line, `"`)
	if len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, 0, false
	}
	r, size := utf8.DecodeRune(line[4:])
	if r >= utf8.RuneSelf || r == '"' || r == ' ' || len(bytes.Trim(line[4+size:], string(r))) > 0 {
		return 0, 0, false
	}
	n = end
	if n < len(b) && b[n] == '\r' {
		n++
	}
	if n < len(b) && b[n] == '\n' {
		n++
	}
	return r, n, true
}
