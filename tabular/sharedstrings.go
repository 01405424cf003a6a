package tabular

import (
	"bufio"
	"encoding/binary"
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

// sstRecentBytes bounds the text of the recent strings: a string may be
// as large as a cell (1 MB by default). A variable for tests.
var sstRecentBytes = 8 << 20

// sstMemEnds is how many strings' ends a table in a file keeps in memory,
// 4 bytes each; the ends of the strings after them go to a second file.
// A table of many tiny strings (a million-row sheet's worth of <si/> fits
// in a few kilobytes of zip) must not outgrow an import's memory; a
// workbook saved by Excel holds about three strings a contact, all of
// which fit. A variable for tests.
var sstMemEnds = 4 << 20

// stringOverhead is what a string costs in memory beside its text: the
// string header in mem. Many tiny strings must spill as large ones do:
// 15M one-byte strings held 643 MB as Go strings.
const stringOverhead = 16

// sharedStrings is a workbook's shared string table, in memory while it
// is small and in a temporary file beyond sstMemBytes.
type sharedStrings struct {
	mem  []string // the strings, while in memory
	text int      // bytes of text in mem

	file  *os.File // the text, once in a file, with ends:
	n     int      // strings in the file
	ends  []uint32 // where each of the first sstMemEnds strings ends in the file (the XML is at most maxSharedStrings bytes)
	last  uint32   // where the last string ends
	w     *bufio.Writer
	win   []byte // a window of the file, from winAt
	winAt int64

	far      *os.File // the ends past sstMemEnds, 4 bytes each
	farW     *bufio.Writer
	farWin   []byte // a window of far, from entry farWinAt
	farWinAt int

	recent      map[int]string // strings read outside the window
	recentBytes int
}

func (t *sharedStrings) len() int {
	if t.file != nil {
		return t.n
	}
	return len(t.mem)
}

// add appends the next string.
func (t *sharedStrings) add(s string) error {
	if t.file == nil {
		if t.text+len(s)+stringOverhead*(len(t.mem)+1) <= sstMemBytes {
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
	t.last += uint32(len(s))
	t.n++
	if len(t.ends) < sstMemEnds {
		t.ends = append(t.ends, t.last)
		return nil
	}
	if t.far == nil {
		f, err := os.CreateTemp("", "roster-shared-strings-*")
		if err != nil {
			return err
		}
		os.Remove(f.Name())
		t.far, t.farW = f, bufio.NewWriterSize(f, 64<<10)
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], t.last)
	_, err := t.farW.Write(b[:])
	return err
}

// farEnds is how many ends a window of the far ends holds.
const farEnds = 16 << 10

// end returns where string i, one of the file's, ends.
func (t *sharedStrings) end(i int) (int64, error) {
	if i < len(t.ends) {
		return int64(t.ends[i]), nil
	}
	j := i - len(t.ends)
	if k := j - t.farWinAt; k >= 0 && 4*k < len(t.farWin) {
		return int64(binary.LittleEndian.Uint32(t.farWin[4*k:])), nil
	}
	if j >= t.farWinAt {
		// Ahead: the rows read on through the table.
		if t.farWin == nil {
			t.farWin = make([]byte, 4*farEnds)
		}
		at := max(j-farEnds/16, 0)
		n, err := t.far.ReadAt(t.farWin[:cap(t.farWin)], int64(4*at))
		if err != nil && err != io.EOF {
			t.farWin = t.farWin[:0]
			return 0, err
		}
		t.farWin, t.farWinAt = t.farWin[:n&^3], at
		if k := j - at; 4*k < len(t.farWin) {
			return int64(binary.LittleEndian.Uint32(t.farWin[4*k:])), nil
		}
	}
	var b [4]byte
	if _, err := t.far.ReadAt(b[:], int64(4*j)); err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint32(b[:])), nil
}

// span returns where string i, one of the file's, starts and ends.
func (t *sharedStrings) span(i int) (start, end int64, err error) {
	if i > 0 {
		if start, err = t.end(i - 1); err != nil {
			return 0, 0, err
		}
	}
	end, err = t.end(i)
	return start, end, err
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
	t.ends, t.mem, t.text = make([]uint32, 0, min(2*len(mem), sstMemEnds)), nil, 0
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
	if t.farW != nil {
		if ferr := t.farW.Flush(); err == nil {
			err = ferr
		}
		t.farW = nil
	}
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
	if i < 0 || i >= t.n {
		return "", errNoSharedString
	}
	if i >= len(t.ends) {
		if s, ok := t.recent[i]; ok {
			return s, nil // without reading its ends
		}
	}
	start, end, err := t.span(i)
	if err != nil {
		return "", err
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
	if len(t.recent) >= sstRecent || t.recentBytes+len(b) > sstRecentBytes {
		clear(t.recent) // the ones still in use come back at once
		t.recentBytes = 0
	}
	if t.recent == nil {
		t.recent = make(map[int]string)
	}
	s := string(b)
	t.recent[i] = s
	t.recentBytes += len(s)
	return s, nil
}

// size returns the length of string i, without reading it; an error is
// errNoSharedString or the file failing.
func (t *sharedStrings) size(i int) (int, error) {
	if t.file == nil {
		if i < 0 || i >= len(t.mem) {
			return 0, errNoSharedString
		}
		return len(t.mem[i]), nil
	}
	if i < 0 || i >= t.n {
		return 0, errNoSharedString
	}
	if i >= len(t.ends) {
		if s, ok := t.recent[i]; ok {
			return len(s), nil
		}
	}
	start, end, err := t.span(i)
	if err != nil {
		return 0, err
	}
	return int(end - start), nil
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
	t.farWin, t.farWinAt = t.farWin[:0], 0
	clear(t.recent)
	t.recentBytes = 0
}

// close removes the file, if any.
func (t *sharedStrings) close() {
	if t.file != nil {
		t.file.Close()
		os.Remove(t.file.Name())
		t.file = nil
	}
	if t.far != nil {
		t.far.Close()
		os.Remove(t.far.Name())
		t.far = nil
	}
}
