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
