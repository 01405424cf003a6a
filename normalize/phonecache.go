package normalize

import (
	"hash/maphash"
	"strings"
	"sync"
)

// phoneCache is a bounded, sharded cache of recent results keyed by the raw
// (trimmed) input. Each shard keeps two generations: when the current one
// fills up it becomes the old one and the previous old one is dropped, which
// approximates LRU without per-entry bookkeeping.
type phoneCache struct {
	seed   maphash.Seed
	per    int // entries per generation per shard
	shards [16]cacheShard
}

type cacheShard struct {
	mu       sync.Mutex
	cur, old map[string]cacheEntry
}

type cacheEntry struct {
	v    string
	code uint8 // 0 valid, 1 invalid
}

// maxCachedKey keeps garbage cells from filling the cache with long keys.
const maxCachedKey = 64

func newPhoneCache(size int) *phoneCache {
	c := &phoneCache{seed: maphash.MakeSeed()}
	c.per = max(size/(2*len(c.shards)), 1)
	for i := range c.shards {
		c.shards[i].cur = make(map[string]cacheEntry)
	}
	return c
}

func (c *phoneCache) shard(k string) *cacheShard {
	return &c.shards[maphash.String(c.seed, k)%uint64(len(c.shards))]
}

func (c *phoneCache) get(k string) (string, uint8, bool) {
	if len(k) > maxCachedKey {
		return "", 0, false
	}
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cur[k]; ok {
		return e.v, e.code, true
	}
	if e, ok := s.old[k]; ok {
		s.putLocked(k, e, c.per) // still in use: promote it
		return e.v, e.code, true
	}
	return "", 0, false
}

func (c *phoneCache) put(k, v string, code uint8) {
	if len(k) > maxCachedKey {
		return
	}
	// Clone: k may be a slice of a whole CSV record we must not pin.
	k = strings.Clone(k)
	s := c.shard(k)
	s.mu.Lock()
	s.putLocked(k, cacheEntry{v, code}, c.per)
	s.mu.Unlock()
}

func (s *cacheShard) putLocked(k string, e cacheEntry, per int) {
	if len(s.cur) >= per {
		s.old, s.cur = s.cur, make(map[string]cacheEntry, per)
	}
	s.cur[k] = e
}
