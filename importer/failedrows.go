package importer

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"roster"
)

// WriteFailedRows writes import imp's failed rows as the failed-rows file
// (the file's columns plus error, UTF-8 with a BOM, ready to fix and
// import again) to the writer start gives. start is called once the rows
// can be written, so an error returned before it is the caller's to
// report; with start called, the rows stream from the journal. Warn is
// told why the columns are counted rather than named, if they are.
func WriteFailedRows(ctx context.Context, store roster.Store, imp *roster.Import, start func() io.Writer, warn func(error)) error {
	header, herr := HeaderOf(imp)
	if herr != nil && warn != nil {
		warn(herr)
	}
	// Without a header (an import journaled before headers were), the
	// columns are counted from the rows first.
	var rows []roster.FailedRow
	if header == nil {
		width := 0
		err := store.FailedRows(ctx, imp.TenantID, imp.ID, func(fr roster.FailedRow) error {
			rows = append(rows, fr)
			width = max(width, len(fr.Cells))
			return nil
		})
		if err != nil {
			return err
		}
		for i := range width {
			header = append(header, fmt.Sprintf("column %d", i+1))
		}
	}
	w := start()
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	layout := roster.NewFailedRowsFile(header)
	cw.Write(layout.Header)
	write := func(fr roster.FailedRow) error { return cw.Write(layout.Cells(fr)) }
	var err error
	if rows == nil {
		err = store.FailedRows(ctx, imp.TenantID, imp.ID, write)
	}
	for _, fr := range rows {
		write(fr)
	}
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// HeaderOf is the header of import imp's file: journaled with it, or read
// from its file while a job keeps one; none (and why, if its file cannot
// be read) when neither gives it.
func HeaderOf(imp *roster.Import) ([]string, error) {
	if len(imp.Header) > 0 || imp.FilePath == "" {
		return imp.Header, nil
	}
	_, h, err := ReadHeader(imp.FilePath, imp.Options)
	if err != nil {
		return imp.Header, fmt.Errorf("cannot read the import's file: %w", err)
	}
	return h, nil
}
