package main

import (
	"path/filepath"
	"strconv"
	"strings"

	"roster/web"
)

// webConfig is the API's Config from the environment:
//
//	ROSTER_DATA_DIR             uploads and import job files (default: roster-data beside the SQLite file, or in the working directory)
//	ROSTER_MAX_UPLOAD_BYTES     largest upload in bytes (default 1 GiB)
//	ROSTER_MAX_IMPORT_ROWS      most rows per import (default 0: no limit)
//	ROSTER_MAX_IMPORTS_PER_DAY  imports a tenant may start per UTC day (default 0: no limit)
func (m *Main) webConfig(db string) (web.Config, error) {
	cfg := web.Config{DataDir: m.Getenv("ROSTER_DATA_DIR")}
	if cfg.DataDir == "" {
		cfg.DataDir = "roster-data"
		if !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
			cfg.DataDir = filepath.Join(filepath.Dir(db), "roster-data")
		}
	}
	if s := m.Getenv("ROSTER_MAX_UPLOAD_BYTES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return cfg, usagef("ROSTER_MAX_UPLOAD_BYTES must be a number of bytes, not %q", s)
		}
		cfg.Limits.MaxFileBytes = n
	}
	for _, v := range []struct {
		env string
		dst *int
	}{
		{"ROSTER_MAX_IMPORT_ROWS", &cfg.Limits.MaxRows},
		{"ROSTER_MAX_IMPORTS_PER_DAY", &cfg.Limits.ImportsPerDay},
	} {
		if s := m.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return cfg, usagef("%s must be a number (0: no limit), not %q", v.env, s)
			}
			*v.dst = n
		}
	}
	return cfg.WithDefaults(), nil
}
