package web

import (
	"fmt"
	"path/filepath"
)

// Config is how a Server stores uploads and what it allows each tenant.
// The zero value is usable: WithDefaults fills in every unset part.
type Config struct {
	// DataDir keeps uploaded files: previews awaiting their import and the
	// files of import jobs, which workers read. Several processes sharing a
	// PostgreSQL database must share it too. Default "roster-data".
	DataDir string
	Limits  Limits
}

// Limits bound what one tenant may import. Every refusal names the limit.
type Limits struct {
	// MaxFileBytes is the largest file an upload may have (default 1 GiB).
	MaxFileBytes int64
	// MaxRows is the most data rows one import may have (0: no limit).
	MaxRows int
	// ImportsPerDay is how many imports a tenant may start per UTC day (0: no limit).
	ImportsPerDay int
}

// DefaultMaxFileBytes is Limits.MaxFileBytes unless set.
const DefaultMaxFileBytes = 1 << 30

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.DataDir == "" {
		c.DataDir = "roster-data"
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs // workers may run elsewhere in the process; paths must not depend on it
	}
	if c.Limits.MaxFileBytes <= 0 {
		c.Limits.MaxFileBytes = DefaultMaxFileBytes
	}
	if c.Limits.MaxRows < 0 {
		c.Limits.MaxRows = 0
	}
	if c.Limits.ImportsPerDay < 0 {
		c.Limits.ImportsPerDay = 0
	}
	return c
}

// byteSize writes n bytes for people: "1 GiB", "512 KiB", "1000 bytes".
func byteSize(n int64) string {
	units := []string{"GiB", "MiB", "KiB"}
	for i, u := range units {
		size := int64(1) << (10 * (3 - i))
		if n >= size && n%size == 0 {
			return fmt.Sprintf("%d %s", n/size, u)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
