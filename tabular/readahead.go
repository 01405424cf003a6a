package tabular

import (
	"io"
	"sync"
)

// readAhead reads r on its own goroutine, a block ahead of the caller:
// a worksheet's inflating then runs beside the parsing of what it gave.
// Close stops the goroutine and waits for it; it must not run beside Read.
type readAhead struct {
	full     chan aheadBlock // read, in order
	empty    chan []byte     // given back, to read into again
	done     chan struct{}   // closed by Close
	finished chan struct{}   // closed by the goroutine as it ends
	stop     sync.Once
	cur      aheadBlock // the block being read, from off
	off      int
}

type aheadBlock struct {
	b   []byte
	err error
}

const aheadBlockSize = 256 << 10

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{full: make(chan aheadBlock, 1), empty: make(chan []byte, 2), done: make(chan struct{}), finished: make(chan struct{})}
	ra.empty <- make([]byte, aheadBlockSize)
	ra.empty <- make([]byte, aheadBlockSize)
	go func() {
		defer close(ra.finished)
		for {
			var b []byte
			select {
			case b = <-ra.empty:
			case <-ra.done:
				return
			}
			n, err := fill(r, b[:cap(b)])
			select {
			case ra.full <- aheadBlock{b[:n], err}:
			case <-ra.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off == len(ra.cur.b) {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		if ra.cur.b != nil {
			ra.empty <- ra.cur.b
		}
		ra.cur, ra.off = <-ra.full, 0
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops reading ahead, once the read in progress, if any, is done:
// the caller may then close r.
func (ra *readAhead) Close() {
	ra.stop.Do(func() { close(ra.done) })
	<-ra.finished
}

// fill reads into b until it is full or r fails, like io.ReadFull but
// keeping r's own error: a deflated part cut short reports
// io.ErrUnexpectedEOF, which must not pass for its end.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
