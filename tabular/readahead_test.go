package tabular

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// Read ahead, a reader gives exactly what it read, in order, then the
// error that ended it, whatever sizes the caller asks for.
func TestReadAhead(t *testing.T) {
	src := make([]byte, 3*aheadBlockSize+12345)
	for i := range src {
		src[i] = byte(i * 7 % 251)
	}
	for _, r := range []io.Reader{bytes.NewReader(src), iotest.HalfReader(bytes.NewReader(src)), iotest.OneByteReader(bytes.NewReader(src[:100000]))} {
		ra := newReadAhead(r)
		got, err := io.ReadAll(iotest.HalfReader(ra))
		ra.Close()
		want := src
		if len(got) == 100000 {
			want = src[:100000]
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("read %d bytes (%v), want %d", len(got), err, len(want))
		}
	}
	boom := errors.New("zip bomb")
	ra := newReadAhead(io.MultiReader(bytes.NewReader(src[:aheadBlockSize+10]), iotest.ErrReader(boom)))
	got, err := io.ReadAll(ra)
	ra.Close()
	if !errors.Is(err, boom) || !bytes.Equal(got, src[:aheadBlockSize+10]) {
		t.Fatalf("read %d bytes, error %v: want the bytes before the error, then the error", len(got), err)
	}
	// Closed before the end: the goroutine stops, whether reading or waiting.
	for _, n := range []int{0, 1, aheadBlockSize + 1} {
		ra := newReadAhead(bytes.NewReader(src))
		io.ReadFull(ra, make([]byte, n))
		ra.Close()
		ra.Close()
	}
}
