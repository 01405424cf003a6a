package sqlite

import (
	"encoding/binary"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

const (
	pageSize    = 4096     // SQLite's default, which Roster's files keep
	writerCache = 64 << 20 // bytes of the writer's page cache
	// The block holds the writer's cache and 16 MB for the readers'.
	pageCacheBytes = writerCache + 16<<20
)

func init() { setUpPageCache() }

// setUpPageCache gives SQLite, before its first connection, one block
// of memory for the pages its connections cache. Without it each page
// is allocated alone: 4,096 bytes and SQLite's header take the
// allocator's next size, 8 KB, so a cache cost twice its size (a 64 MB
// writer's cache took an import's peak from 184 MB to 275 MB; in the
// block, to 223 MB). Pages that do not fit in the block are allocated
// alone, as before. The block is reserved, not touched: the system
// backs only the pages SQLite fills.
//
// SQLite takes the setting only before it starts, hence init. Should
// it fail, caches cost what they did.
func setUpPageCache() {
	tls := libc.NewTLS()
	defer tls.Close()
	args := libc.Xmalloc(tls, 3*8)
	if args == 0 {
		return
	}
	defer libc.Xfree(tls, args)
	header := libc.Xmalloc(tls, 8)
	if header == 0 {
		return
	}
	defer libc.Xfree(tls, header)
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(args, header)) != sqlite3.SQLITE_OK {
		return
	}
	slot := (pageSize + int(int32(binary.NativeEndian.Uint32(libc.GoBytes(header, 4)))) + 7) &^ 7
	n := pageCacheBytes / slot
	block := libc.Xmalloc(tls, libc.Tsize_t(n*slot))
	if block == 0 {
		return
	}
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(args, block, int32(slot), int32(n))) != sqlite3.SQLITE_OK {
		libc.Xfree(tls, block)
	}
}
