package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"roster"
	"roster/exporter"
)

// export writes a tenant's contacts or companies as CSV or XLSX, in the
// layout 'roster import' reads back unchanged.
func (m *Main) export(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("export", "--kind contacts|companies [--format csv|xlsx] [--fields a,b] [--tag T] [--out FILE]", &c)
	kind := fs.String("kind", "", "what to export: contacts or companies (required)")
	format := fs.String("format", "", "csv or xlsx (default: xlsx if --out ends in .xlsx, else csv)")
	fields := fs.String("fields", "", "the columns to export, in order, e.g. name,email,tags (default: all, custom fields last)")
	tag := fs.String("tag", "", "only records with this tag")
	out := fs.String("out", "", "write to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export: unexpected argument %q", fs.Arg(0))
	}
	if *kind == "" {
		return usagef("export: --kind contacts or companies is required")
	}
	k, err := roster.ParseKind(*kind)
	if err != nil {
		return usagef("export: --%v", err)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = exporter.FormatCSV
		if strings.EqualFold(filepath.Ext(*out), ".xlsx") {
			f = exporter.FormatXLSX
		}
	}
	if f != exporter.FormatCSV && f != exporter.FormatXLSX {
		return usagef("export: --format must be csv or xlsx, not %q", *format)
	}
	o := exporter.Options{Kind: k, Format: f, Fields: splitComma(*fields), Tag: *tag}
	if *fields != "" && len(o.Fields) == 0 {
		return usagef("export: --fields names no field")
	}

	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *out == "" {
		_, err := exporter.Write(ctx, s, t.ID, m.Stdout, o)
		return err
	}
	rows, err := writeAtomically(*out, func(w io.Writer) (int, error) {
		return exporter.Write(ctx, s, t.ID, w, o)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "exported %d %s to %s\n", rows, k, *out)
	return nil
}

// writeAtomically writes a file through a temporary file in the same
// directory, renamed over path only once write succeeded: a failed or
// interrupted export leaves no half-written file (and keeps an old one).
func writeAtomically(path string, write func(io.Writer) (int, error)) (n int, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if n, err = write(tmp); err != nil {
		return n, err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return n, err
	}
	if err = tmp.Sync(); err != nil {
		return n, err
	}
	if err = tmp.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}
