package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"roster"
)

// eventPoll is how often the events stream looks at the journal.
const eventPoll = 250 * time.Millisecond

// progressEvent is the data of a progress event.
type progressEvent struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	RowsDone  int    `json:"rows_done"`
	RowsTotal int    `json:"rows_total"`
}

// ended reports whether an import's status is final for the events stream.
func ended(status string) bool {
	return status != roster.ImportQueued && status != roster.ImportRunning
}

// importEvents streams an import's progress as server-sent events: a
// progress event whenever rows done or the status change, then one done
// event with the import as GET /imports/{id} returns it, then the end.
func (s *Server) importEvents(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	imp, err := s.findImport(r, c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no") // proxies must not buffer the stream
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	var last progressEvent
	lastSent := time.Time{}
	for {
		if ended(imp.Status) {
			send("done", imp)
			return
		}
		p := progressEvent{ID: imp.ID, Status: imp.Status, RowsDone: imp.Counts.Rows, RowsTotal: imp.RowsTotal}
		if imp.Status == roster.ImportRunning {
			// The lock has the heartbeat's count, fresher inside a long batch.
			if lock, err := s.store.FindImportLock(ctx, c.tenant.ID); err == nil && lock.ImportID == imp.ID {
				p.RowsDone = max(p.RowsDone, lock.RowsDone)
			}
		}
		if p != last || time.Since(lastSent) > 15*time.Second { // and a keep-alive
			if !send("progress", p) {
				return
			}
			last, lastSent = p, time.Now()
		}
		select {
		case <-ctx.Done(): // the client went away
			return
		case <-tick.C:
		}
		if imp, err = s.store.FindImport(ctx, c.tenant.ID, imp.ID); err != nil {
			if ctx.Err() == nil {
				s.log.Error("import events", "import", imp, "err", err)
			}
			return
		}
	}
}
