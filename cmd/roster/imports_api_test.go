package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/storetest"
)

// startServeEnv is startServe with an environment, for the API's data
// directory and limits (nil: none). The server runs its import workers (--workers 1).
func startServeEnv(t *testing.T, backend, db string, env map[string]string) *apiServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), stdout, stderr
	m.Getenv = func(k string) string { return env[k] }
	m.Ready = ready
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before listening:\n%s", code, stderr)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("serve did not get ready:\n%s", stderr)
	}
	s := &apiServer{backend: backend, db: db, base: "http://" + addr, client: &http.Client{Timeout: 30 * time.Second}, mu: &sync.Mutex{}, seen: map[[3]string]bool{}, stdout: stdout}
	t.Cleanup(func() {
		s.checkDocumented(t)
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("serve returned %d after its context was cancelled, want 0:\n%s", code, stderr)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not shut down within 30s of its context being cancelled")
		}
	})
	s.token = tokenRE.FindString(stdout.String())
	if s.token == "" {
		t.Fatalf("serve printed no first-start token; stdout:\n%s", stdout)
	}
	return s
}

// upload sends a multipart request: fields and, if name is not "", a file.
func (s *apiServer) upload(t *testing.T, method, path string, fields map[string]string, name string, file []byte) *response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(method, s.base+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.seen[[3]string{method, req.URL.Path, strconv.Itoa(res.StatusCode)}] = true
	s.mu.Unlock()
	return &response{status: res.StatusCode, header: res.Header, body: data}
}

// importJob queues an import of a file and returns the 202's import.
func (s *apiServer) importJob(t *testing.T, fields map[string]string, name string, file []byte) *roster.Import {
	t.Helper()
	r := s.upload(t, "POST", "/api/v1/imports", fields, name, file)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST /api/v1/imports: %d, want 202\n%s", r.status, r.body)
	}
	var imp roster.Import
	r.decode(t, &imp)
	if imp.ID <= 0 || imp.Status != roster.ImportQueued {
		t.Fatalf("queued import: %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("/api/v1/imports/%d", imp.ID) {
		t.Errorf("Location = %q", loc)
	}
	return &imp
}

// waitImport polls the import until it has ended.
func (s *apiServer) waitImport(t *testing.T, id int64) *roster.Import {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var imp roster.Import
		s.call(t, "GET", fmt.Sprintf("/api/v1/imports/%d", id), nil, http.StatusOK).decode(t, &imp)
		if imp.Status != roster.ImportQueued && imp.Status != roster.ImportRunning {
			return &imp
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %d is still %s after 60s", id, imp.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type sseEvent struct {
	name string
	data string
}

// events reads the import's event stream until it ends; before, if set,
// runs once the first event has arrived.
func (s *apiServer) events(t *testing.T, id int64, first func()) []sseEvent {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/imports/%d/events", s.base, id), nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := (&http.Client{Timeout: 90 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	s.mu.Lock()
	s.seen[[3]string{"GET", req.URL.Path, strconv.Itoa(res.StatusCode)}] = true
	s.mu.Unlock()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var out []sseEvent
	var ev sseEvent
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[len("data: "):]
		case line == "" && ev.name != "":
			out = append(out, ev)
			ev = sseEvent{}
			if len(out) == 1 && first != nil {
				first()
			}
		}
	}
	if len(out) == 0 || out[len(out)-1].name != "done" {
		t.Fatalf("the event stream ended without a done event: %v", out)
	}
	for _, e := range out[:len(out)-1] {
		if e.name != "progress" {
			t.Errorf("event %q before done, want progress", e.name)
		}
	}
	return out
}

// holdLock takes the tenant's import lock as a CLI import would, so jobs
// of the tenant stay queued until release is called.
func holdLock(t *testing.T, db, tenant string) (release func()) {
	t.Helper()
	ctx := context.Background()
	st, err := open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := st.FindTenant(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	imp := &roster.Import{TenantID: tn.ID, Kind: roster.KindContacts, FileName: "held.csv", Options: roster.ImportOptions{Kind: roster.KindContacts}, RowsTotal: 10}
	if err := st.StartImport(ctx, imp, "the test", time.Hour); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		imp.Status = roster.ImportDone
		if err := st.FinishImport(ctx, imp, "the test"); err != nil {
			t.Error(err)
		}
		st.Close()
	}
	t.Cleanup(release)
	return release
}

// A Czech export: Windows-1250, semicolons, phones without +420.
const czechCSV = "Jméno;E-mail;Telefon;Barva\r\n" +
	"Petr Novák;PETR@Example.cz;601 123 456;modrá\r\n" +
	"Jana Dvořáková;není-email;602 000 111;zelená\r\n"

func TestImportsAPI(t *testing.T) {
	t.Parallel()
	for _, backend := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "roster.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresSchema(t) }},
	} {
		t.Run(backend.name, func(t *testing.T) {
			t.Parallel()
			s := startServeEnv(t, backend.name, backend.db(t), map[string]string{"ROSTER_DATA_DIR": t.TempDir()})
			for _, tc := range []struct {
				name string
				run  func(t *testing.T, s *apiServer)
			}{
				{"PreviewThenImport", testPreviewThenImport},
				{"InProgressAndQueue", testImportInProgress},
				{"Profiles", testImportProfiles},
				{"ImportByProfile", testImportByProfile},
				{"BadImportRequests", testBadImportRequests},
				{"DryRunJob", testDryRunJob},
				{"Warnings", testImportWarnings},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, s.inTenant(t, strings.ToLower(tc.name)))
				})
			}
			t.Run("Limits", func(t *testing.T) {
				t.Parallel()
				testImportLimits(t, backend.name, backend.db(t))
			})
		})
	}
}

func testPreviewThenImport(t *testing.T, s *apiServer) {
	file := win1250(t, czechCSV)
	r := s.upload(t, "POST", "/api/v1/imports/preview", map[string]string{"region": "cz"}, "kontakty.csv", file)
	if r.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", r.status, r.body)
	}
	var pv struct {
		UploadID  string   `json:"upload_id"`
		FileName  string   `json:"file_name"`
		Format    string   `json:"format"`
		Encoding  string   `json:"encoding"`
		Delimiter string   `json:"delimiter"`
		Header    []string `json:"header"`
		Columns   []struct{ Column, Key string }
		Unmapped  []string `json:"unmapped"`
		Warnings  []string `json:"warnings"`
		RowsTotal int      `json:"rows_total"`
		Rows      []struct {
			Row   int  `json:"row"`
			OK    bool `json:"ok"`
			Cells []struct {
				Column     string           `json:"column"`
				Key        string           `json:"key"`
				Value      string           `json:"value"`
				Normalized any              `json:"normalized"`
				Error      *roster.RowError `json:"error"`
			} `json:"cells"`
		} `json:"rows"`
		ImportError *roster.Error `json:"import_error"`
	}
	r.decode(t, &pv)
	if pv.Format != "csv" || pv.Encoding != "windows-1250" || pv.Delimiter != ";" || pv.FileName != "kontakty.csv" {
		t.Errorf("detected %s %s %q, file %q; want csv windows-1250 ';' kontakty.csv", pv.Format, pv.Encoding, pv.Delimiter, pv.FileName)
	}
	if strings.Join(pv.Header, "|") != "Jméno|E-mail|Telefon|Barva" {
		t.Errorf("header %q", pv.Header)
	}
	var keys []string
	for _, c := range pv.Columns {
		keys = append(keys, c.Column+"="+c.Key)
	}
	if got := strings.Join(keys, ","); got != "Jméno=first_name,E-mail=email,Telefon=phone,Barva=" {
		t.Errorf("mapping %s", got)
	}
	if len(pv.Unmapped) != 1 || pv.Unmapped[0] != "Barva" || len(pv.Warnings) == 0 {
		t.Errorf("unmapped %q, warnings %q; want Barva and a warning", pv.Unmapped, pv.Warnings)
	}
	if pv.RowsTotal != 2 || len(pv.Rows) != 2 || pv.ImportError != nil {
		t.Fatalf("rows_total %d, %d rows, import_error %v", pv.RowsTotal, len(pv.Rows), pv.ImportError)
	}
	row := pv.Rows[0]
	if !row.OK || row.Row != 2 || row.Cells[1].Normalized != "petr@example.cz" || row.Cells[2].Normalized != "+420601123456" ||
		row.Cells[0].Value != "Petr Novák" || row.Cells[3].Normalized != nil {
		t.Errorf("row 2: %+v", row)
	}
	bad := pv.Rows[1]
	if bad.OK || bad.Cells[1].Error == nil || bad.Cells[1].Error.Column != "E-mail" || bad.Cells[2].Normalized != "+420602000111" {
		t.Errorf("row 3 should fail on its email only: %+v", bad)
	}
	// Nothing was written.
	if ids := s.listIDs(t, s.token, "/api/v1/contacts", nil, 0); len(ids) != 0 {
		t.Errorf("preview wrote contacts %v", ids)
	}
	var hist struct{ Data []roster.Import }
	s.call(t, "GET", "/api/v1/imports", nil, http.StatusOK).decode(t, &hist)
	if len(hist.Data) != 0 {
		t.Errorf("preview journaled an import: %+v", hist.Data)
	}

	// A dry run of the previewed file leaves its upload_id for the import.
	var dry roster.Import
	s.call(t, "POST", "/api/v1/imports", map[string]any{"upload_id": pv.UploadID, "region": "CZ", "dry_run": true}, http.StatusAccepted).decode(t, &dry)
	if got := s.waitImport(t, dry.ID); got.Status != roster.ImportDone || !got.DryRun || got.Counts.Created != 1 {
		t.Errorf("dry run of the upload: %+v", got)
	}
	// Import the previewed file by its upload_id, while the tenant's lock
	// is held so the job waits and its events show it queued first.
	release := holdLock(t, s.db, "previewthenimport")
	// Refused while the lock is held (no queue=true), the upload stays usable.
	wantError(t, s.do(t, s.token, "POST", "/api/v1/imports", map[string]any{"upload_id": pv.UploadID, "region": "CZ"}), http.StatusConflict, roster.EINPROGRESS, "")
	var imp roster.Import
	r = s.call(t, "POST", "/api/v1/imports", map[string]any{"upload_id": pv.UploadID, "region": "CZ", "queue": true}, http.StatusAccepted)
	r.decode(t, &imp)
	if imp.FileName != "kontakty.csv" || imp.RowsTotal != 2 || imp.Options.Region != "CZ" || imp.Status != roster.ImportQueued {
		t.Errorf("queued import: %s", r.body)
	}
	// The upload is used up.
	wantError(t, s.do(t, s.token, "POST", "/api/v1/imports", map[string]any{"upload_id": pv.UploadID}), http.StatusNotFound, roster.ENOTFOUND, "upload_id")

	evs := s.events(t, imp.ID, release)
	var first struct {
		Status    string `json:"status"`
		RowsTotal int    `json:"rows_total"`
	}
	if err := json.Unmarshal([]byte(evs[0].data), &first); err != nil || evs[0].name != "progress" || first.Status != roster.ImportQueued || first.RowsTotal != 2 {
		t.Errorf("first event %+v, want progress of the queued import", evs[0])
	}
	var done roster.Import
	if err := json.Unmarshal([]byte(evs[len(evs)-1].data), &done); err != nil {
		t.Fatal(err)
	}
	if done.Status != roster.ImportDone || done.Counts.Rows != 2 || done.Counts.Created != 1 || done.Counts.Failed != 1 || done.FinishedAt == nil {
		t.Fatalf("done event: %s", evs[len(evs)-1].data)
	}
	ids := s.listIDs(t, s.token, "/api/v1/contacts", nil, 0)
	if len(ids) != 1 || s.getContact(t, ids[0]).Phone != "+420601123456" {
		t.Fatalf("contacts after the import: %v", ids)
	}

	// History: newest first, paged.
	var page struct {
		Data       []roster.Import `json:"data"`
		NextCursor string          `json:"next_cursor"`
	}
	s.call(t, "GET", "/api/v1/imports?limit=1", nil, http.StatusOK).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != imp.ID || page.NextCursor == "" {
		t.Fatalf("first page of history: %+v", page)
	}
	s.call(t, "GET", "/api/v1/imports?limit=1&cursor="+page.NextCursor, nil, http.StatusOK).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].FileName != "held.csv" {
		t.Errorf("second page of history: %+v", page)
	}

	// The failed rows, as a CSV to fix and import again.
	r = s.call(t, "GET", fmt.Sprintf("/api/v1/imports/%d/errors", imp.ID), nil, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("errors Content-Type %q", ct)
	}
	body, ok := bytes.CutPrefix(r.body, []byte("\ufeff"))
	if !ok {
		t.Errorf("the errors CSV has no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || strings.Join(recs[0], "|") != "Jméno|E-mail|Telefon|Barva|error" || recs[1][0] != "Jana Dvořáková" ||
		!strings.Contains(recs[1][4], "E-mail") {
		t.Errorf("errors CSV:\n%s", body)
	}

	// Undo, once.
	var undo struct {
		Import roster.Import     `json:"import"`
		Undo   roster.UndoReport `json:"undo"`
	}
	s.call(t, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", imp.ID), nil, http.StatusOK).decode(t, &undo)
	if undo.Import.Status != roster.ImportUndone || undo.Undo.Deleted != 1 {
		t.Errorf("undo: %+v", undo)
	}
	if ids := s.listIDs(t, s.token, "/api/v1/contacts", nil, 0); len(ids) != 0 {
		t.Errorf("contacts after undo: %v", ids)
	}
	wantError(t, s.do(t, s.token, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", imp.ID), nil), http.StatusConflict, roster.ECONFLICT, "")
	wantError(t, s.do(t, s.token, "GET", "/api/v1/imports/999999", nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "GET", "/api/v1/imports/999999/events", nil), http.StatusNotFound, roster.ENOTFOUND, "")
}

func testImportInProgress(t *testing.T, s *apiServer) {
	file := []byte("name,email\nAda,ada@example.com\n")
	release := holdLock(t, s.db, "inprogressandqueue")
	e := wantError(t, s.upload(t, "POST", "/api/v1/imports", nil, "a.csv", file), http.StatusConflict, roster.EINPROGRESS, "")
	if e.Error.Details["import_id"] == nil || e.Error.Details["rows_total"] == nil || e.Error.Details["status"] != roster.ImportRunning || e.Error.Details["started_at"] == nil {
		t.Errorf("409 details: %v", e.Error.Details)
	}
	queued := s.importJob(t, map[string]string{"queue": "true"}, "a.csv", file)
	second := s.importJob(t, map[string]string{"queue": "true"}, "b.csv", file)
	release()
	// A queued job is in the way too, until it has run.
	var cancelled roster.Import
	s.call(t, "POST", fmt.Sprintf("/api/v1/imports/%d/cancel", second.ID), nil, http.StatusOK).decode(t, &cancelled)
	if cancelled.Status != roster.ImportCancelled && !cancelled.CancelRequested {
		t.Errorf("cancel: %+v", cancelled)
	}
	if done := s.waitImport(t, queued.ID); done.Status != roster.ImportDone || done.Counts.Created != 1 {
		t.Errorf("the queued import: %+v", done)
	}
	if got := s.waitImport(t, second.ID); got.Status != roster.ImportCancelled && got.Status != roster.ImportDone {
		t.Errorf("the cancelled import: %+v", got)
	}
	wantError(t, s.do(t, s.token, "POST", fmt.Sprintf("/api/v1/imports/%d/cancel", queued.ID), nil), http.StatusConflict, roster.ECONFLICT, "")
	// Idle again: no 409.
	last := s.importJob(t, nil, "c.csv", file)
	if done := s.waitImport(t, last.ID); done.Status != roster.ImportDone || done.Counts.Unchanged != 1 {
		t.Errorf("import after the queue: %+v", done)
	}
	// notify names who hears of the end, as the OpenAPI document says.
	wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{"notify": "not an address"}, "d.csv", file), http.StatusBadRequest, roster.EINVALID, "notify")
	told := s.importJob(t, map[string]string{"notify": "Ops@Example.com"}, "d.csv", file)
	if told.RequestedBy != "ops@example.com" {
		t.Errorf("requested_by %q, want the notify address", told.RequestedBy)
	}
	s.waitImport(t, told.ID)
}

func testImportProfiles(t *testing.T, s *apiServer) {
	in := map[string]any{"name": "weekly", "options": map[string]any{"map": map[string]string{"Mail": "email"}, "region": "CZ"}}
	var p roster.Profile
	s.call(t, "POST", "/api/v1/import-profiles", in, http.StatusCreated).decode(t, &p)
	if p.Name != "weekly" || p.Options.Region != "CZ" || p.Options.Map["Mail"] != "email" || p.Options.Merge != "first" || !p.Options.CreateCompanies {
		t.Errorf("created profile: %+v", p)
	}
	wantError(t, s.do(t, s.token, "POST", "/api/v1/import-profiles", in), http.StatusConflict, roster.ECONFLICT, "name")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/import-profiles", map[string]any{"name": "x", "options": map[string]any{"merge": "some"}}), http.StatusBadRequest, roster.EINVALID, "")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/import-profiles", map[string]any{"options": map[string]any{}}), http.StatusBadRequest, roster.EINVALID, "name")
	// A profile that saves is one that imports: what an import would refuse
	// is refused now, naming the option.
	for field, opts := range map[string]map[string]any{
		"region":      {"region": "XX"},
		"date_format": {"date_format": "YY"},
		"encoding":    {"encoding": "bogus"},
		"map":         {"map": map[string]string{"Email": "nosuch"}},
	} {
		wantError(t, s.do(t, s.token, "POST", "/api/v1/import-profiles", map[string]any{"name": "bad", "options": opts}), http.StatusBadRequest, roster.EINVALID, field)
		wantError(t, s.do(t, s.token, "PUT", "/api/v1/import-profiles/bad", map[string]any{"options": opts}), http.StatusBadRequest, roster.EINVALID, field)
	}
	var lower roster.Profile
	s.call(t, "PUT", "/api/v1/import-profiles/lower", map[string]any{"options": map[string]any{"region": "cz"}}, http.StatusCreated).decode(t, &lower)
	if lower.Options.Region != "CZ" {
		t.Errorf("region saved as %q", lower.Options.Region)
	}
	s.call(t, "DELETE", "/api/v1/import-profiles/lower", nil, http.StatusNoContent)

	s.call(t, "GET", "/api/v1/import-profiles/weekly", nil, http.StatusOK).decode(t, &p)
	if p.Options.Region != "CZ" {
		t.Errorf("GET profile: %+v", p)
	}
	p = roster.Profile{}
	s.call(t, "PUT", "/api/v1/import-profiles/weekly", map[string]any{"options": map[string]any{"region": "SK", "kind": "contacts"}}, http.StatusOK).decode(t, &p)
	if p.Options.Region != "SK" || p.Options.Map != nil {
		t.Errorf("replaced profile: %+v", p)
	}
	s.call(t, "PUT", "/api/v1/import-profiles/orgs", map[string]any{"options": map[string]any{"kind": "companies"}}, http.StatusCreated).decode(t, &p)
	if p.Options.Match[0] != "name" {
		t.Errorf("companies profile: %+v", p)
	}
	var l struct{ Data []roster.Profile }
	s.call(t, "GET", "/api/v1/import-profiles", nil, http.StatusOK).decode(t, &l)
	if len(l.Data) != 2 || l.Data[0].Name != "orgs" || l.Data[1].Name != "weekly" {
		t.Errorf("profiles: %+v", l.Data)
	}
	s.call(t, "DELETE", "/api/v1/import-profiles/orgs", nil, http.StatusNoContent)
	wantError(t, s.do(t, s.token, "GET", "/api/v1/import-profiles/orgs", nil), http.StatusNotFound, roster.ENOTFOUND, "")
	wantError(t, s.do(t, s.token, "DELETE", "/api/v1/import-profiles/orgs", nil), http.StatusNotFound, roster.ENOTFOUND, "")
}

func testImportByProfile(t *testing.T, s *apiServer) {
	s.call(t, "POST", "/api/v1/import-profiles", map[string]any{"name": "crm",
		"options": map[string]any{"map": map[string]string{"Mail": "email", "Who": "name"}, "region": "CZ"}}, http.StatusCreated)
	file := []byte("Who,Mail,Tel\nEva,EVA@example.com,777 888 999\n")
	r := s.upload(t, "POST", "/api/v1/imports/preview", map[string]string{"profile": "crm"}, "crm.csv", file)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"normalized":"eva@example.com"`) {
		t.Fatalf("preview by profile: %d %s", r.status, r.body)
	}
	imp := s.importJob(t, map[string]string{"profile": "crm"}, "crm.csv", file)
	if imp.Options.Map["Who"] != "name" || imp.Options.Region != "CZ" {
		t.Errorf("options of the import by profile: %+v", imp.Options)
	}
	if done := s.waitImport(t, imp.ID); done.Status != roster.ImportDone || done.Counts.Created != 1 {
		t.Fatalf("import by profile: %+v", done)
	}
	ids := s.listIDs(t, s.token, "/api/v1/contacts", nil, 0)
	if len(ids) != 1 {
		t.Fatalf("contacts: %v", ids)
	}
	if c := s.getContact(t, ids[0]); c.Email != "eva@example.com" || c.Name != "Eva" || c.Phone != "+420777888999" {
		t.Errorf("imported contact: %+v", c)
	}
	wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{"profile": "nope"}, "crm.csv", file), http.StatusBadRequest, roster.EINVALID, "profile")
}

func testBadImportRequests(t *testing.T, s *apiServer) {
	file := []byte("name,email\nAda,ada@example.com\n")
	// An option's error names it as the API does, not as the CLI's flag.
	for field, value := range map[string]string{"merge": "some", "kind": "widgets", "match": "shoe_size", "date_format": "YY", "region": "XX"} {
		e := wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{field: value}, "a.csv", file), http.StatusBadRequest, roster.EINVALID, field)
		if strings.Contains(e.Error.Message, "--") {
			t.Errorf("%s=%s: %q speaks of a flag", field, value, e.Error.Message)
		}
	}
	wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{"colour": "red"}, "a.csv", file), http.StatusBadRequest, roster.EINVALID, "colour")
	wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{"kind": "contacts"}, "", nil), http.StatusBadRequest, roster.EINVALID, "file")
	wantError(t, s.upload(t, "POST", "/api/v1/imports", nil, "a.csv", []byte("colour,size\nred,XL\n")), http.StatusBadRequest, roster.EINVALID, "")
	wantError(t, s.upload(t, "POST", "/api/v1/imports", map[string]string{"dry_run": "perhaps"}, "a.csv", file), http.StatusBadRequest, roster.EINVALID, "dry_run")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/imports", map[string]any{"upload_id": "0123456789abcdef0123456789abcdef"}), http.StatusNotFound, roster.ENOTFOUND, "upload_id")
	wantError(t, s.do(t, s.token, "POST", "/api/v1/imports", map[string]any{"upload_id": "../../etc/passwd"}), http.StatusNotFound, roster.ENOTFOUND, "upload_id")
	wantError(t, s.upload(t, "POST", "/api/v1/imports/preview", nil, "x.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")), http.StatusBadRequest, roster.EINVALID, "")
	// A preview of a file that could not import still shows it, and says why.
	r := s.upload(t, "POST", "/api/v1/imports/preview", nil, "a.csv", []byte("colour,size\nred,XL\n"))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"import_error":{"code":"invalid"`) {
		t.Errorf("preview of a file without a name column: %d %s", r.status, r.body)
	}
	// A dry run in the preview counts what the import would do.
	r = s.upload(t, "POST", "/api/v1/imports/preview", map[string]string{"dry_run": "true"}, "a.csv", file)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"dry_run":{"counts":{"rows":1,"created":1`) {
		t.Errorf("preview with dry_run: %d %s", r.status, r.body)
	}
	if ids := s.listIDs(t, s.token, "/api/v1/contacts", nil, 0); len(ids) != 0 {
		t.Errorf("a dry run wrote %v", ids)
	}
}

func testImportLimits(t *testing.T, backend, db string) {
	s := startServeEnv(t, backend, db, map[string]string{"ROSTER_DATA_DIR": t.TempDir(),
		"ROSTER_MAX_UPLOAD_BYTES": "2000", "ROSTER_MAX_IMPORT_ROWS": "3", "ROSTER_MAX_IMPORTS_PER_DAY": "2"})
	big := []byte("name,email\n" + strings.Repeat("Someone Quite Long,someone@example.com\n", 60))
	e := wantError(t, s.upload(t, "POST", "/api/v1/imports", nil, "big.csv", big), http.StatusRequestEntityTooLarge, roster.ETOOLARGE, "")
	if !strings.Contains(e.Error.Message, "2000 bytes") || e.Error.Details["max_file_bytes"] != float64(2000) {
		t.Errorf("too large: %+v", e.Error)
	}
	wantError(t, s.upload(t, "POST", "/api/v1/imports/preview", nil, "big.csv", big), http.StatusRequestEntityTooLarge, roster.ETOOLARGE, "")

	rows := []byte("name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\nD,d@example.com\n")
	e = wantError(t, s.upload(t, "POST", "/api/v1/imports", nil, "rows.csv", rows), http.StatusRequestEntityTooLarge, roster.ETOOLARGE, "")
	if !strings.Contains(e.Error.Message, "4 rows") || !strings.Contains(e.Error.Message, "at most 3 rows") {
		t.Errorf("too many rows: %+v", e.Error)
	}
	r := s.upload(t, "POST", "/api/v1/imports/preview", nil, "rows.csv", rows)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "at most 3 rows") {
		t.Errorf("preview of too many rows: %d %s", r.status, r.body)
	}

	ok := []byte("name,email\nA,a@example.com\n")
	a := s.importJob(t, map[string]string{"queue": "true"}, "1.csv", ok)
	b := s.importJob(t, map[string]string{"queue": "true"}, "2.csv", ok)
	r = s.upload(t, "POST", "/api/v1/imports", map[string]string{"queue": "true"}, "3.csv", ok)
	e = wantError(t, r, http.StatusTooManyRequests, roster.ELIMIT, "")
	if !strings.Contains(e.Error.Message, "2 per day") || r.header.Get("Retry-After") == "" {
		t.Errorf("imports per day: %+v, Retry-After %q", e.Error, r.header.Get("Retry-After"))
	}
	// A dry run does not count against the quota, and is not held by it.
	dry := s.importJob(t, map[string]string{"queue": "true", "dry_run": "true"}, "4.csv", ok)
	// The first start's token is named "first start", no address to tell.
	if a.RequestedBy != "" || dry.RequestedBy != "" {
		t.Errorf("requested_by %q, %q; want none", a.RequestedBy, dry.RequestedBy)
	}
	s.waitImport(t, a.ID)
	s.waitImport(t, b.ID)
	s.waitImport(t, dry.ID)
}

// A dry-run job counts and reports what the import would do, changes
// nothing, cannot be undone, and agrees with the real job that follows.
// A job's warnings are kept with it: GET /imports/{id} says them after it ended.
func testImportWarnings(t *testing.T, s *apiServer) {
	job := s.importJob(t, nil, "w.csv", []byte("name,email,Shoe size,phone\nAda,ada@example.com,42,+1 201 555 0123 x7\n"))
	imp := s.waitImport(t, job.ID)
	want := []string{
		`column "Shoe size" is not mapped to a field and was ignored`,
		`column "phone": the extension of 1 number was left out: E.164 has no room for one (first at row 2: "+1 201 555 0123 x7")`,
	}
	if imp.Status != roster.ImportDone || imp.Counts.Created != 1 || !reflect.DeepEqual(imp.Warnings, want) {
		t.Fatalf("import %s, counts %+v, warnings %q; want done, 1 created, warnings %q", imp.Status, imp.Counts, imp.Warnings, want)
	}
}

func testDryRunJob(t *testing.T, s *apiServer) {
	seed := s.importJob(t, nil, "seed.csv", []byte("name,email,job_title\nAda,ada@example.com,CTO\nBob,bob@example.com,\n"))
	if imp := s.waitImport(t, seed.ID); imp.Status != roster.ImportDone || imp.Counts.Created != 2 {
		t.Fatalf("seed import: %+v", imp)
	}
	before := s.call(t, "GET", "/api/v1/contacts", nil, http.StatusOK).body
	file := []byte("name,email,job_title,company\n" +
		"Ada,ada@example.com,CEO,Acme\n" + // updated
		"Bob,bob@example.com,,\n" + // unchanged
		"Cid,cid@example.com,,Acme\n" + // created, joins the Acme of row 2
		"Bad,not-an-email,,\n" + // fails
		"Cid,cid@example.com,Boss,\n") // updates row 4's Cid
	dry := s.importJob(t, map[string]string{"dry_run": "true"}, "people.csv", file)
	if !dry.DryRun {
		t.Errorf("queued dry run says dry_run false")
	}
	d := s.waitImport(t, dry.ID)
	if d.Status != roster.ImportDone || !d.DryRun {
		t.Fatalf("dry run ended %s: %+v", d.Status, d)
	}
	if got := s.call(t, "GET", "/api/v1/contacts", nil, http.StatusOK).body; !bytes.Equal(got, before) {
		t.Fatalf("the dry run changed the contacts:\n%s\nwas\n%s", got, before)
	}
	if ids := s.listIDs(t, s.token, "/api/v1/companies", nil, 0); len(ids) != 0 {
		t.Fatalf("the dry run created companies %v", ids)
	}
	r := s.call(t, "GET", fmt.Sprintf("/api/v1/imports/%d/errors", dry.ID), nil, http.StatusOK)
	if !strings.Contains(string(r.body), "not-an-email") {
		t.Errorf("the dry run's failed rows:\n%s", r.body)
	}
	e := wantError(t, s.do(t, s.token, "POST", fmt.Sprintf("/api/v1/imports/%d/undo", dry.ID), nil), http.StatusBadRequest, roster.EINVALID, "")
	if !strings.Contains(e.Error.Message, "dry run") {
		t.Errorf("undo of a dry run: %s", e.Error.Message)
	}
	real := s.waitImport(t, s.importJob(t, nil, "people.csv", file).ID)
	if real.Counts != d.Counts {
		t.Fatalf("dry run counted %+v; the real run %+v", d.Counts, real.Counts)
	}
	if c := d.Counts; c.Created != 1 || c.Updated != 2 || c.Unchanged != 1 || c.Failed != 1 || c.CompaniesCreated != 1 {
		t.Errorf("counts %+v", c)
	}
}
