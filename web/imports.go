package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"roster"
	"roster/importer"
	"roster/normalize"
)

func (s *Server) importList(w http.ResponseWriter, r *http.Request, c *caller) {
	p, err := page(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	imps, next, err := s.store.ListImports(r.Context(), c.tenant.ID, p)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[*roster.Import]{Data: imps, NextCursor: next})
}

func (s *Server) findImport(r *http.Request, c *caller) (*roster.Import, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.store.FindImport(r.Context(), c.tenant.ID, id)
}

func (s *Server) importGet(w http.ResponseWriter, r *http.Request, c *caller) {
	imp, err := s.findImport(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, imp)
}

// importCreate stores the uploaded (or previewed) file and queues its
// import; a worker runs it. One import runs at a time per tenant: while
// one is queued or running, another is refused unless queue=true.
func (s *Server) importCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	dir, err := s.tenantDir("imports", c.tenant)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, err := s.readImportForm(w, r, dir)
	if err != nil {
		s.error(w, r, err)
		return
	}
	up := f.file
	stored := false
	defer func() {
		if f.file != nil && !stored {
			os.Remove(f.file.Path)
		}
	}()
	id, hasID := f.field("upload_id")
	switch {
	case up != nil && hasID:
		s.error(w, r, roster.Errorf(roster.EINVALID, "send either a file or an upload_id, not both").With("field", "upload_id"))
		return
	case up == nil && !hasID:
		s.error(w, r, roster.Errorf(roster.EINVALID, "send the file in the multipart field \"file\", or the upload_id of a preview").With("field", "file"))
		return
	case hasID:
		if up, err = s.findUpload(c.tenant, id); err != nil {
			s.error(w, r, err)
			return
		}
	}
	opts, err := s.importOptions(ctx, c.tenant, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A dry run is a job like any other, but its batches keep what they
	// would write aside: its counts and failed rows are a real run's.
	dry, err := boolField(f, "dry_run")
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !dry { // a dry run does not count against the quota, nor is it held by it
		if err := s.checkImportsPerDay(ctx, w, c.tenant); err != nil {
			s.error(w, r, err)
			return
		}
	}
	// Who hears when it ends: an address given, else the token's name if it is one.
	notify, given := f.field("notify")
	switch {
	case given && notify != "":
		e, err := normalize.Email(notify)
		if err != nil {
			s.error(w, r, roster.Errorf(roster.EINVALID, "notify: %v", err).With("field", "notify"))
			return
		}
		notify = e
	case !given:
		notify, _ = normalize.Email(c.token.Name) // "" when the name is no address
	}
	queue, err := boolField(f, "queue")
	if err != nil {
		s.error(w, r, err)
		return
	}
	// Everything that can refuse the file is checked now, not in a failed job.
	res, err := importer.Preview(ctx, s.store, c.tenant, up.Path, opts, 0)
	if err == nil {
		err = s.checkRows(res.RowsTotal)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	if max := s.cfg.Limits.MaxRows; max > 0 && (opts.MaxRows == 0 || opts.MaxRows > max) {
		opts.MaxRows = max // the worker enforces it too
	}

	path := up.Path
	if hasID {
		// The previewed file becomes the job's: upload_id is used up,
		// except by a dry run, after which the import itself comes.
		path = filepath.Join(dir, randomID())
		move := os.Rename
		if dry {
			move = os.Link // the upload stays; the job's path is its own
		}
		if err := move(up.Path, path); err != nil {
			s.error(w, r, err)
			return
		}
	}
	imp := &roster.Import{TenantID: c.tenant.ID, Kind: opts.Kind, FileName: up.Name, FileSHA256: up.SHA256, Options: opts,
		FilePath: path, RowsTotal: res.RowsTotal, RequestedBy: notify, Header: res.Header, DryRun: dry}
	if imp.FileName == "" {
		imp.FileName = "upload"
	}
	if err := s.store.EnqueueImport(ctx, imp, !queue); err != nil {
		if hasID && !dry && roster.ErrorCode(err) == roster.EINPROGRESS {
			os.Rename(path, up.Path) // the preview's upload_id stays usable
		} else {
			os.Remove(path)
		}
		s.error(w, r, err)
		return
	}
	if hasID && !dry {
		os.Remove(up.Path + ".json")
	}
	stored = true
	w.Header().Set("Location", fmt.Sprintf("/api/v1/imports/%d", imp.ID))
	writeJSON(w, http.StatusAccepted, imp)
}

// checkImportsPerDay refuses an import beyond the tenant's daily quota.
func (s *Server) checkImportsPerDay(ctx context.Context, w http.ResponseWriter, tenant *roster.Tenant) error {
	max := s.cfg.Limits.ImportsPerDay
	if max <= 0 {
		return nil
	}
	now := time.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	n := 0
	p := roster.Page{Limit: roster.MaxLimit}
	for n < max {
		imps, next, err := s.store.ListImports(ctx, tenant.ID, p)
		if err != nil {
			return err
		}
		older := false
		for _, imp := range imps {
			at := imp.StartedAt
			if imp.QueuedAt != nil {
				at = *imp.QueuedAt
			}
			if at.Before(day) {
				older = true
				break
			}
			if !imp.DryRun {
				n++
			}
		}
		if older || next == "" {
			break
		}
		p.Cursor = next
	}
	if n < max {
		return nil
	}
	reset := day.Add(24 * time.Hour)
	w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(reset).Seconds())+1))
	return roster.Errorf(roster.ELIMIT, "this tenant has started %d imports today; this server allows %d per day (UTC), the next one from %s",
		n, max, reset.Format(time.RFC3339)).
		With("limit", "imports_per_day").With("imports_per_day", max).With("resets_at", reset)
}

func (s *Server) importCancel(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	imp, err := s.store.CancelImport(r.Context(), c.tenant.ID, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, imp)
}

// undoResponse is what undoing an import did, and the import after it.
type undoResponse struct {
	Import *roster.Import     `json:"import"`
	Undo   *roster.UndoReport `json:"undo"`
}

func (s *Server) importUndo(w http.ResponseWriter, r *http.Request, c *caller) {
	imp, err := s.findImport(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	rep, err := s.store.UndoImport(r.Context(), c.tenant.ID, imp.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if imp, err = s.store.FindImport(r.Context(), c.tenant.ID, imp.ID); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, undoResponse{Import: imp, Undo: rep})
}

// importErrors sends the failed rows as the CSV the CLI writes: the
// file's columns plus error, UTF-8 with a BOM, ready to fix and import.
func (s *Server) importErrors(w http.ResponseWriter, r *http.Request, c *caller) {
	imp, err := s.findImport(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	started := false
	err = importer.WriteFailedRows(r.Context(), s.store, imp, func() io.Writer {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-errors.csv"`, imp.ID))
		w.WriteHeader(http.StatusOK)
		return w
	}, func(err error) { s.log.Warn("failed rows: columns counted", "import", imp.ID, "err", err) })
	switch {
	case err != nil && !started:
		s.error(w, r, err)
	case err != nil:
		s.log.Error("failed rows: streaming stopped", "import", imp.ID, "err", err) // the status is sent already
	}
}
