package tabular

import (
	"bufio"
	"errors"
	"io"
	"os"
)

// sstMemBytes is how much shared-string text a workbook keeps in memory.
// Excel writes every text cell's text to the shared string table, so a
// large sheet's table holds millions of strings: 3M strings took 110 MB
// as Go strings, on top of an import's own memory. Past this, the table
// goes to a temporary file. A variable for tests.
var sstMemBytes = 16 << 20

// sstWindow is how much of a table in a file is read at once. A writer
// adds each string as it first meets it, row after row, so the strings a
// row uses are nearly all at the end of what the rows before it used:
// reading on through the file serves them. A variable for tests.
var sstWindow = 1 << 20

// sstRecent bounds the strings kept that were read outside the window:
// those a row uses again, such as a company named before or a tag. A
// variable for tests.
var sstRecent = 1 << 16

// sharedStrings is a workbook's shared string table, in memory while it
// is small and in a temporary file beyond sstMemBytes.
type sharedStrings struct {
	mem  []string // the strings, while in memory
	text int      // bytes of text in mem

	file   *os.File // the text, once in a file, with ends:
	ends   []uint32 // where each string ends in the file (the XML is at most maxSharedStrings bytes)
	w      *bufio.Writer
	win    []byte // a window of the file, from winAt
	winAt  int64
	recent map[int]string // strings read outside the window
}

func (t *sharedStrings) len() int {
	if t.file != nil {
		return len(t.ends)
	}
	return len(t.mem)
}

// add appends the next string.
func (t *sharedStrings) add(s string) error {
	if t.file == nil {
		if t.text+len(s) <= sstMemBytes {
			t.mem = append(t.mem, s)
			t.text += len(s)
			return nil
		}
		if err := t.spill(); err != nil {
			return err
		}
	}
	return t.write(s)
}

// write appends s to the file.
func (t *sharedStrings) write(s string) error {
	if _, err := t.w.WriteString(s); err != nil {
		return err
	}
	end := uint32(len(s))
	if n := len(t.ends); n > 0 {
		end += t.ends[n-1]
	}
	t.ends = append(t.ends, end)
	return nil
}

// spill moves the table to a temporary file, removed at once where the
// system allows (it then goes with the process, however that ends) and
// else by close.
func (t *sharedStrings) spill() error {
	f, err := os.CreateTemp("", "roster-shared-strings-*")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	mem := t.mem
	t.file, t.w = f, bufio.NewWriterSize(f, 256<<10)
	t.ends, t.mem, t.text = make([]uint32, 0, 2*len(mem)), nil, 0
	for _, s := range mem {
		if err := t.write(s); err != nil {
			return err
		}
	}
	return nil
}

// done ends the adding.
func (t *sharedStrings) done() error {
	if t.w == nil {
		return nil
	}
	err := t.w.Flush()
	t.w = nil
	return err
}

var errNoSharedString = errors.New("no such shared string")

// get returns string i.
func (t *sharedStrings) get(i int) (string, error) {
	if t.file == nil {
		if i < 0 || i >= len(t.mem) {
			return "", errNoSharedString
		}
		return t.mem[i], nil
	}
	if i < 0 || i >= len(t.ends) {
		return "", errNoSharedString
	}
	start, end := int64(0), int64(t.ends[i])
	if i > 0 {
		start = int64(t.ends[i-1])
	}
	if s, ok := t.inWindow(start, end); ok {
		return s, nil
	}
	if s, ok := t.recent[i]; ok {
		return s, nil
	}
	if start >= t.winAt {
		// Ahead of the window, or across its end: read on from a little
		// before the string, where the rest of its row's strings are.
		if err := t.read(max(start-int64(sstWindow/16), 0)); err != nil {
			return "", err
		}
		if s, ok := t.inWindow(start, end); ok {
			return s, nil
		}
	}
	b := make([]byte, end-start)
	if _, err := t.file.ReadAt(b, start); err != nil {
		return "", err
	}
	if len(t.recent) >= sstRecent {
		clear(t.recent) // the ones still in use come back at once
	}
	if t.recent == nil {
		t.recent = make(map[int]string)
	}
	s := string(b)
	t.recent[i] = s
	return s, nil
}

// empty reports whether string i is empty, without reading it; an
// error is errNoSharedString.
func (t *sharedStrings) empty(i int) (bool, error) {
	if t.file == nil {
		if i < 0 || i >= len(t.mem) {
			return false, errNoSharedString
		}
		return t.mem[i] == "", nil
	}
	if i < 0 || i >= len(t.ends) {
		return false, errNoSharedString
	}
	var start uint32
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.ends[i] == start, nil
}

// inWindow returns the text from start to end if the window holds it.
func (t *sharedStrings) inWindow(start, end int64) (string, bool) {
	if start < t.winAt || end > t.winAt+int64(len(t.win)) {
		return "", false
	}
	return string(t.win[start-t.winAt : end-t.winAt]), true
}

// read fills the window from the file at offset at.
func (t *sharedStrings) read(at int64) error {
	if t.win == nil {
		t.win = make([]byte, sstWindow)
	}
	t.win = t.win[:cap(t.win)]
	n, err := t.file.ReadAt(t.win, at)
	if err != nil && err != io.EOF {
		t.win = t.win[:0]
		return err
	}
	t.win, t.winAt = t.win[:n], at
	return nil
}

// rewind makes the window follow a new pass over the rows, from the first.
func (t *sharedStrings) rewind() {
	t.win, t.winAt = t.win[:0], 0
	clear(t.recent)
}

// close removes the file, if any.
func (t *sharedStrings) close() {
	if t.file != nil {
		t.file.Close()
		os.Remove(t.file.Name())
		t.file = nil
	}
}
