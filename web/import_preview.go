package web

import (
	"net/http"
	"os"

	"roster"
	"roster/importer"
)

// previewRows is how many rows a preview parses and shows.
const previewRows = 10

// previewResponse is a preview: what the import would read and make of the
// file, and the upload_id that imports this same file.
type previewResponse struct {
	UploadID string `json:"upload_id"`
	upload
	*importer.PreviewResult
	// ImportError is why the import would be refused as it stands (a
	// required column is missing, too many rows); the preview still shows
	// the header and mapping so the options can be fixed.
	ImportError *roster.Error `json:"import_error,omitempty"`
	// DryRun is what the import would do to the directory (dry_run=true).
	DryRun *dryRunResult `json:"dry_run,omitempty"`
}

// dryRunResult is the outcome of a dry run: counts and the first errors.
type dryRunResult struct {
	Counts roster.ImportCounts `json:"counts"`
	Errors []roster.RowError   `json:"errors"`
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, c *caller) {
	dir, err := s.tenantDir("uploads", c.tenant)
	if err != nil {
		s.error(w, r, err)
		return
	}
	sweepUploads(dir)
	f, err := s.readImportForm(w, r, dir)
	if err != nil {
		s.error(w, r, err)
		return
	}
	up := f.file
	keep := false
	defer func() {
		if up != nil && !keep {
			os.Remove(up.Path)
		}
	}()
	if up == nil {
		s.error(w, r, roster.Errorf(roster.EINVALID, "send the file to preview in the multipart field \"file\"").With("field", "file"))
		return
	}
	opts, err := s.importOptions(r.Context(), c.tenant, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	dry, err := boolField(f, "dry_run")
	if err != nil {
		s.error(w, r, err)
		return
	}
	res, err := importer.Preview(r.Context(), s.store, c.tenant, up.Path, opts, previewRows)
	if res == nil {
		s.error(w, r, err)
		return
	}
	out := &previewResponse{UploadID: up.ID, upload: *up, PreviewResult: res}
	if err != nil {
		out.ImportError = asError(err)
	} else if err := s.checkRows(res.RowsTotal); err != nil {
		out.ImportError = asError(err)
	}
	if out.ImportError != nil {
		out.Warnings = append(out.Warnings, "the import would be refused: "+out.ImportError.Message)
	}
	if dry && out.ImportError == nil {
		im := &importer.Importer{Store: s.store}
		run, err := im.Run(r.Context(), c.tenant, up.Path, importer.Options{ImportOptions: opts, DryRun: true, FileName: up.Name})
		if err != nil {
			s.error(w, r, err)
			return
		}
		out.DryRun = &dryRunResult{Counts: run.Import.Counts, Errors: run.Errors}
		if out.DryRun.Errors == nil {
			out.DryRun.Errors = []roster.RowError{}
		}
	}
	if err := keepUpload(up); err != nil {
		s.error(w, r, err)
		return
	}
	keep = true
	writeJSON(w, http.StatusOK, out)
}

// checkRows refuses a file with more rows than the server allows.
func (s *Server) checkRows(n int) error {
	if max := s.cfg.Limits.MaxRows; max > 0 && n > max {
		return roster.Errorf(roster.ETOOLARGE, "the file has %d rows; this server imports at most %d rows per file", n, max).
			With("limit", "max_rows").With("max_rows", max).With("rows", n)
	}
	return nil
}

// asError returns err as a *roster.Error, hiding internal errors.
func asError(err error) *roster.Error {
	if e, ok := err.(*roster.Error); ok {
		return e
	}
	return &roster.Error{Code: roster.ErrorCode(err), Message: roster.ErrorMessage(err)}
}
