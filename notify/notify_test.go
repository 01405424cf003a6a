package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"roster"
	"roster/importer"
	"roster/notify"
	"roster/storetest"
)

// env is a store with a tenant, and an import of it that ended with one
// failed row.
type env struct {
	t      *testing.T
	ctx    context.Context
	s      roster.Store
	tenant *roster.Tenant
	imp    *roster.Import
	path   string // the imported file
	log    *syncBuffer
}

const peopleCSV = "Email,Name,Phone\nann@example.com,Ann,\nnot-an-email,Bob Brown,\nceline@example.com,Céline,\n"

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), s: storetest.OpenSQLite(t), log: &syncBuffer{}}
	var err error
	if e.tenant, err = e.s.CreateTenant(e.ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	e.path = filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(e.path, []byte(peopleCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	im := &importer.Importer{Store: e.s}
	res, err := im.Run(e.ctx, e.tenant, e.path, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.imp = res.Import
	if c := e.imp.Counts; c.Created != 2 || c.Failed != 1 || e.imp.Status != roster.ImportDone || e.imp.FinishedAt == nil {
		t.Fatalf("the test import: %+v", e.imp)
	}
	return e
}

// notifier returns a notifier over the env's store with retries in
// milliseconds, closed when the test ends.
func (e *env) notifier() *notify.Notifier {
	n := &notify.Notifier{
		Store:   e.s,
		Log:     slog.New(slog.NewTextHandler(e.log, nil)),
		Retries: 2,
		Backoff: 5 * time.Millisecond,
		Timeout: 2 * time.Second,
	}
	e.t.Cleanup(func() { n.Close() })
	return n
}

func (e *env) setWebhook(url, secret string) {
	e.t.Helper()
	if err := e.s.SetWebhook(e.ctx, &roster.Webhook{TenantID: e.tenant.ID, URL: url, Secret: secret}); err != nil {
		e.t.Fatal(err)
	}
}

// importEnded calls ImportEnded and fails if it did not return at once.
func (e *env) importEnded(n *notify.Notifier, imp *roster.Import) {
	e.t.Helper()
	start := time.Now()
	n.ImportEnded(e.ctx, imp)
	if d := time.Since(start); d >= 100*time.Millisecond {
		e.t.Fatalf("ImportEnded took %v; it must only queue", d)
	}
}

// request is what a webhook receiver got.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTP server on loopback that records every request
// and answers with status(attempt), 1-based.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newReceiver(t *testing.T, status func(attempt int, r *http.Request) int) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, request{r.Header.Clone(), body})
		n := len(rc.reqs)
		rc.mu.Unlock()
		w.WriteHeader(status(n, r))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.reqs...)
}

func TestWebhookBodyAndSignature(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNoContent })
	secret := roster.NewWebhookSecret()
	e.setWebhook(rc.URL+"/hooks/roster?k=1", secret)
	n := e.notifier()
	e.importEnded(n, e.imp)
	n.Wait()

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	// The receiver's check: HMAC-SHA256 of the raw body with the secret.
	if got, want := r.header.Get(notify.HeaderSignature), notify.Sign(secret, r.body); !hmac.Equal([]byte(got), []byte(want)) || !strings.HasPrefix(got, "sha256=") || len(got) != 7+64 {
		t.Errorf("signature %q, want %q", got, want)
	}
	if notify.Sign("another secret!!", r.body) == r.header.Get(notify.HeaderSignature) {
		t.Error("the signature does not depend on the secret")
	}
	if got := r.header.Get(notify.HeaderEvent); got != "import.ended" {
		t.Errorf("X-Roster-Event = %q", got)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if r.header.Get(notify.HeaderDelivery) == "" {
		t.Error("no delivery id")
	}
	var p struct {
		Event  string `json:"event"`
		Import struct {
			ID         int64               `json:"id"`
			Label      string              `json:"label"`
			Kind       string              `json:"kind"`
			FileName   string              `json:"file_name"`
			Status     string              `json:"status"`
			DryRun     *bool               `json:"dry_run"`
			Counts     roster.ImportCounts `json:"counts"`
			Message    *string             `json:"message"`
			StartedAt  time.Time           `json:"started_at"`
			FinishedAt *time.Time          `json:"finished_at"`
		} `json:"import"`
		Tenant struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"tenant"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	im := p.Import
	if p.Event != "import.ended" || im.ID != e.imp.ID || im.Label != e.imp.Label || im.Kind != "contacts" ||
		im.FileName != "people.csv" || im.Status != "done" || im.Counts != e.imp.Counts || im.Message == nil || im.DryRun == nil || *im.DryRun ||
		!im.StartedAt.Equal(e.imp.StartedAt) || im.FinishedAt == nil || !im.FinishedAt.Equal(*e.imp.FinishedAt) ||
		p.Tenant.ID != e.tenant.ID || p.Tenant.Name != "acme" {
		t.Errorf("payload %s\nparsed %+v", r.body, p)
	}
	if strings.Contains(e.log.String(), "/hooks/roster") || strings.Contains(e.log.String(), "k=1") {
		t.Errorf("the log shows the webhook's path or query:\n%s", e.log)
	}
}

func TestWebhookRetriesServerErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	n := e.notifier()
	n.Retries = 4
	e.importEnded(n, e.imp)
	n.Wait()
	reqs := rc.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts, want 3 (500, 500, 200)", len(reqs))
	}
	// Every attempt is the same delivery, body and signature.
	for _, r := range reqs[1:] {
		if !bytes.Equal(r.body, reqs[0].body) || r.header.Get(notify.HeaderDelivery) != reqs[0].header.Get(notify.HeaderDelivery) ||
			r.header.Get(notify.HeaderSignature) != reqs[0].header.Get(notify.HeaderSignature) {
			t.Errorf("a retry differs from the first attempt: %v vs %v", r.header, reqs[0].header)
		}
	}
	if !strings.Contains(e.log.String(), "webhook delivered") || !strings.Contains(e.log.String(), "attempts=3") {
		t.Errorf("log:\n%s", e.log)
	}
}

func TestWebhookRetriesTooManyRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		if n == 1 {
			return http.StatusTooManyRequests
		}
		return http.StatusAccepted
	})
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	n := e.notifier()
	e.importEnded(n, e.imp)
	n.Wait()
	if got := len(rc.requests()); got != 2 {
		t.Fatalf("%d attempts, want 2 (429, 202)", got)
	}
}

func TestWebhookClientErrorIsFinal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNotFound })
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	n := e.notifier()
	e.importEnded(n, e.imp)
	n.Wait()
	if got := len(rc.requests()); got != 1 {
		t.Fatalf("%d attempts at a 404, want 1", got)
	}
	if !strings.Contains(e.log.String(), "gave up") || !strings.Contains(e.log.String(), "404") {
		t.Errorf("log:\n%s", e.log)
	}
}

func TestWebhookThatHangsDoesNotBlock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var attempts atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		select { // never answers: waits for the client to give up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	e.setWebhook(srv.URL, roster.NewWebhookSecret())
	n := e.notifier()
	n.Timeout = 50 * time.Millisecond
	e.importEnded(n, e.imp)
	// A second one while the first hangs returns at once too.
	e.importEnded(n, e.imp)
	n.Wait()
	if got := attempts.Load(); got != 6 {
		t.Errorf("%d attempts, want 3 per import (1 + 2 retries)", got)
	}
	if got := strings.Count(e.log.String(), "webhook delivery failed; gave up"); got != 2 {
		t.Errorf("%d give-ups logged, want 2:\n%s", got, e.log)
	}
}

func TestWebhookRefusedGivesUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	e.setWebhook("http://"+addr+"/hook", roster.NewWebhookSecret())
	n := e.notifier()
	e.importEnded(n, e.imp)
	n.Wait()
	log := e.log.String()
	if !strings.Contains(log, "gave up") || !strings.Contains(log, "attempts=3") || !strings.Contains(log, "refused") {
		t.Errorf("log:\n%s", log)
	}
}

func TestNoWebhookNoRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusOK })
	// Another tenant's webhook is not ours.
	other, err := e.s.CreateTenant(e.ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetWebhook(e.ctx, &roster.Webhook{TenantID: other.ID, URL: rc.URL, Secret: roster.NewWebhookSecret()}); err != nil {
		t.Fatal(err)
	}
	n := e.notifier()
	e.importEnded(n, e.imp)
	n.Wait()
	if got := len(rc.requests()); got != 0 {
		t.Fatalf("%d requests without a webhook, want 0", got)
	}
	// Removed: no request either.
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	if err := e.s.DeleteWebhook(e.ctx, e.tenant.ID); err != nil {
		t.Fatal(err)
	}
	e.importEnded(n, e.imp)
	n.Wait()
	if got := len(rc.requests()); got != 0 {
		t.Fatalf("%d requests after the webhook was removed, want 0", got)
	}
}

func TestFullQueueDropsAndCloseStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	e.setWebhook(srv.URL, roster.NewWebhookSecret())
	n := e.notifier()
	n.Queue, n.Workers, n.Timeout = 1, 1, time.Minute
	// One delivery runs (hanging), one waits; the third finds the queue full.
	for range 3 {
		e.importEnded(n, e.imp)
	}
	if !strings.Contains(e.log.String(), "queue is full") {
		t.Errorf("no drop logged:\n%s", e.log)
	}
	start := time.Now()
	n.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a hanging delivery", d)
	}
	n.ImportEnded(e.ctx, e.imp) // after Close: dropped, no panic
	if !strings.Contains(e.log.String(), "the notifier is closed") {
		t.Errorf("no drop after Close logged:\n%s", e.log)
	}
	n.Wait() // nothing pending any more
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var attempts atomic.Int32
	slow := newReceiver(t, func(int, *http.Request) int {
		attempts.Add(1)
		time.Sleep(30 * time.Millisecond)
		return http.StatusOK
	})
	e.setWebhook(slow.URL, roster.NewWebhookSecret())
	n := e.notifier()
	e.importEnded(n, e.imp)
	// Time enough: the delivery in progress completes.
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	n.Shutdown(ctx)
	if got := len(slow.requests()); got != 1 || !strings.Contains(e.log.String(), "webhook delivered") {
		t.Fatalf("%d requests; log:\n%s", got, e.log)
	}

	// Not time enough for a receiver that hangs: Shutdown returns when ctx ends.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })
	e.setWebhook(hang.URL, roster.NewWebhookSecret())
	n2 := e.notifier()
	n2.Timeout = time.Minute
	e.importEnded(n2, e.imp)
	ctx2, cancel2 := context.WithTimeout(e.ctx, 100*time.Millisecond)
	defer cancel2()
	start := time.Now()
	n2.Shutdown(ctx2)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v past its deadline", d)
	}
}

// syncBuffer is a bytes.Buffer safe for the notifier's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
