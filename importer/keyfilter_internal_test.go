package importer

import (
	"fmt"
	"hash/maphash"
	"testing"
)

func TestBloomHoldsEveryKeyAndFewOthers(t *testing.T) {
	seed := maphash.MakeSeed()
	const n = 100_000
	f := newBloom(n)
	for i := range n {
		f.add(maphash.String(seed, fmt.Sprintf("user%d@example.com", i)))
	}
	for i := range n {
		if !f.may(maphash.String(seed, fmt.Sprintf("user%d@example.com", i))) {
			t.Fatalf("user%d missing", i)
		}
	}
	fp := 0
	for i := range n {
		if f.may(maphash.String(seed, fmt.Sprintf("other%d@example.com", i))) {
			fp++
		}
	}
	if rate := float64(fp) / n; rate > 0.03 {
		t.Fatalf("%.1f%% of absent keys may be held", 100*rate)
	}
}
