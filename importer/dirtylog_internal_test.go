package importer

import (
	"fmt"
	"testing"

	"roster"
)

// The log answers for every batch after a plan's snapshot, committed or
// still in the open group, and forgets only what no plan can still need.
func TestDirtyLog(t *testing.T) {
	var l dirtyLog
	write := func(n int) { // batch n writes contact n with email n
		d := &dirty{}
		d.contact(&roster.Contact{ID: int64(n), Email: fmt.Sprintf("%d@x.cz", n)})
		l.add(d)
	}
	has := func(after, n int) bool {
		t.Helper()
		d, ok := l.since(after)
		if !ok {
			t.Fatalf("since(%d) forgotten at floor %d", after, l.floor)
		}
		return d.has(keyEmail, fmt.Sprintf("%d@x.cz", n)) && d.hasContact(int64(n))
	}
	// A group of ten batches, then one of one.
	for n := 1; n <= 10; n++ {
		write(n)
	}
	if !has(0, 1) || !has(0, 10) || has(5, 5) || !has(5, 6) {
		t.Fatal("a plan on the snapshot before the group must see each of its batches after the snapshot, and only those")
	}
	l.commit()
	if l.committed() != 10 {
		t.Fatalf("committed %d, want 10", l.committed())
	}
	write(11)
	l.commit()
	// A plan made before the first group committed may still serve
	// batch 12: the log keeps the group.
	if !has(0, 3) || !has(10, 11) || has(10, 10) {
		t.Fatal("the group before the last commit was forgotten too early")
	}
	for n := 12; n <= 20; n++ {
		write(n)
		l.commit()
	}
	// Now every plan's snapshot is after commit 15 at the earliest.
	if _, ok := l.since(10); ok {
		t.Fatal("since(10) still answers after ten more commits")
	}
	if !has(15, 16) || has(15, 15) || !has(l.floor, 20) {
		t.Fatal("the batches after the floor must stay known")
	}
	if _, ok := l.keys[keyEmail]["3@x.cz"]; ok {
		t.Fatal("a forgotten batch's key is still held")
	}
	if d, _ := l.since(20); !d.none() {
		t.Fatal("nothing was written after 20")
	}
}
