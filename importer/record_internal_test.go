package importer

import (
	"math/bits"
	"testing"

	"roster"
)

// Every canonical key of either kind has a bit of its own in
// record.filled: a key without one would read as blank in every row.
func TestKeyBits(t *testing.T) {
	seen := map[uint64]string{}
	for _, keys := range [][]string{roster.ContactKeys, roster.CompanyKeys} {
		for _, k := range keys {
			b := keyBits[k]
			if bits.OnesCount64(b) != 1 {
				t.Errorf("key %q: bit %#x", k, b)
			}
			if other, ok := seen[b]; ok && other != k {
				t.Errorf("keys %q and %q share bit %#x", k, other, b)
			}
			seen[b] = k
		}
	}
	r := &record{}
	r.filled |= keyBits["email"]
	if !r.has("email") || r.has("phone") || r.has("no such key") {
		t.Errorf("has: email %v, phone %v, unknown %v", r.has("email"), r.has("phone"), r.has("no such key"))
	}
}
