package importer

import (
	"fmt"
	"hash/maphash"
	"testing"
)

func TestEmailIndexBuckets(t *testing.T) {
	for _, n := range []int{0, 1, 7, 9, 1000, 100_003} {
		ix := &emailIndex{seed: maphash.MakeSeed()}
		for i := range n {
			ix.entries = append(ix.entries, emailEntry{maphash.String(ix.seed, fmt.Sprintf("user%d@example.com", i)), int64(i + 1)})
		}
		ix.index()
		for i := range n {
			if id, ok := ix.candidate(fmt.Sprintf("user%d@example.com", i)); !ok || id != int64(i+1) {
				t.Fatalf("%d entries: user%d is %d, %v", n, i, id, ok)
			}
		}
		for i := range 1000 {
			if id, ok := ix.candidate(fmt.Sprintf("other%d@example.com", i)); ok {
				t.Fatalf("%d entries: other%d found as %d", n, i, id)
			}
		}
		if n > 8 && n/(len(ix.buckets)-1) > 8 {
			t.Fatalf("%d entries in %d buckets", n, len(ix.buckets)-1)
		}
	}
}

func TestEmailIndexOrKeyFilterBySample(t *testing.T) {
	for _, c := range []struct {
		name          string
		calls         [][2]int // looked, found
		index, filter bool
	}{
		{"new people", [][2]int{{600, 0}, {600, 10}, {600, 0}}, false, true},
		{"known people", [][2]int{{600, 600}, {600, 590}}, true, false},
		{"too few to tell", [][2]int{{500, 500}, {400, 0}}, false, false},
		{"known people after new ones", [][2]int{{1000, 0}, {1000, 1000}}, true, true},
		{"mostly new", [][2]int{{1000, 0}, {1000, 600}}, false, true},
	} {
		var index, filter bool
		run := &run{sampled: func(mostFound bool) {
			if mostFound {
				index = true
			} else {
				filter = true
			}
		}}
		for _, l := range c.calls {
			run.sampleEmails(l[0], l[1])
		}
		if index != c.index || filter != c.filter {
			t.Errorf("%s: index %v, filter %v; want %v, %v", c.name, index, filter, c.index, c.filter)
		}
	}
	(&run{}).sampleEmails(1000, 1000) // a run that builds none
}
