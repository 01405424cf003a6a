package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster/notify"
)

func TestCLIWebhooks(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	mustCLI(t, "tenants", "create", "default", "--db", db)
	ctx := context.Background()

	// None yet.
	if code, _, errOut := cli(t, "webhooks", "show", "--db", db); code != exitFatal || !strings.Contains(errOut, "no webhook is set") {
		t.Fatalf("show without a webhook: exit %d %q", code, errOut)
	}

	// set without --secret makes one and prints it once.
	out := mustCLI(t, "webhooks", "set", "--url", "https://hooks.example.com/roster", "--db", db)
	m := regexp.MustCompile(`(?m)^    (whsec_[0-9a-f]{48})$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "https://hooks.example.com/roster") || !strings.Contains(out, "X-Roster-Signature") {
		t.Fatalf("set printed:\n%s", out)
	}
	s := openStore(t, db)
	tn, _ := s.FindTenant(ctx, "default")
	w, err := s.FindWebhook(ctx, tn.ID)
	s.Close()
	if err != nil || w.URL != "https://hooks.example.com/roster" || w.Secret != m[1] {
		t.Fatalf("stored %+v, %v; printed secret %q", w, err, m[1])
	}

	// show never prints the secret.
	out = mustCLI(t, "webhooks", "show", "--db", db)
	if !strings.Contains(out, "https://hooks.example.com/roster") || strings.Contains(out, m[1]) {
		t.Errorf("show printed:\n%s", out)
	}
	out = mustCLI(t, "webhooks", "show", "--json", "--db", db)
	var shown map[string]any
	if err := json.Unmarshal([]byte(out), &shown); err != nil || shown["url"] != "https://hooks.example.com/roster" || strings.Contains(out, m[1]) {
		t.Errorf("show --json printed %s (%v)", out, err)
	}

	// set with --secret replaces both and does not echo the secret.
	out = mustCLI(t, "webhooks", "--db", db, "set", "--url", "http://127.0.0.1:9000/hook", "--secret", "my-own-secret-123456")
	if strings.Contains(out, "my-own-secret-123456") {
		t.Errorf("set echoed a given secret:\n%s", out)
	}
	s = openStore(t, db)
	w, err = s.FindWebhook(ctx, tn.ID)
	s.Close()
	if err != nil || w.URL != "http://127.0.0.1:9000/hook" || w.Secret != "my-own-secret-123456" {
		t.Fatalf("after set --secret: %+v, %v", w, err)
	}

	// --secret - reads it from stdin, off the command line.
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	prog := NewMain()
	prog.Stdin, prog.Stdout, prog.Stderr = strings.NewReader("secret-from-stdin-0001\n"), stdout, stderr
	prog.Getenv = func(string) string { return "" }
	if code := prog.Run(ctx, []string{"webhooks", "set", "--url", "https://x.example.com/", "--secret", "-", "--db", db}); code != exitOK {
		t.Fatalf("set --secret -: exit %d %s", code, stderr)
	}
	s = openStore(t, db)
	w, err = s.FindWebhook(ctx, tn.ID)
	s.Close()
	if err != nil || w.Secret != "secret-from-stdin-0001" {
		t.Fatalf("after set --secret -: %+v, %v", w, err)
	}

	// Bad values are refused, and the webhook stays as it was.
	for _, args := range [][]string{
		{"--url", "ftp://example.com/x"},
		{"--url", "example.com/hook"},
		{"--url", "https://example.com/", "--secret", "short"},
	} {
		code, _, errOut := cli(t, append([]string{"webhooks", "set", "--db", db}, args...)...)
		if code != exitFatal || !strings.Contains(errOut, "webhook") {
			t.Errorf("set %v: exit %d %q, want 1", args, code, errOut)
		}
	}
	for _, args := range [][]string{
		{"webhooks", "--db", db},
		{"webhooks", "set", "--db", db},
		{"webhooks", "list", "--db", db},
		{"webhooks", "show", "extra", "--db", db},
	} {
		if code, _, errOut := cli(t, args...); code != exitUsage || !strings.Contains(errOut, "webhooks") {
			t.Errorf("%v: exit %d %q, want 2", args, code, errOut)
		}
	}

	// remove, then it is gone.
	if out := mustCLI(t, "webhooks", "remove", "--db", db); !strings.Contains(out, `removed the webhook of tenant "default"`) {
		t.Errorf("remove printed %q", out)
	}
	if code, _, errOut := cli(t, "webhooks", "remove", "--db", db); code != exitFatal || !strings.Contains(errOut, "no webhook is set") {
		t.Errorf("second remove: exit %d %q", code, errOut)
	}
	if code, _, _ := cli(t, "webhooks", "show", "--db", db); code != exitFatal {
		t.Errorf("show after remove: exit %d", code)
	}
	// Per tenant: another tenant is not found.
	if code, _, errOut := cli(t, "webhooks", "show", "--tenant", "nope", "--db", db); code != exitFatal || !strings.Contains(errOut, "not found") {
		t.Errorf("unknown tenant: exit %d %q", code, errOut)
	}
}

func TestSMTPConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := smtpConfig(env(nil))
	if c != nil || err != nil {
		t.Errorf("no ROSTER_SMTP_ADDR: %+v, %v; want no email", c, err)
	}
	c, err = smtpConfig(env(map[string]string{"ROSTER_SMTP_ADDR": "smtp.example.com:587", "ROSTER_SMTP_FROM": "Roster <roster@example.com>",
		"ROSTER_SMTP_USER": "u", "ROSTER_SMTP_PASSWORD": "p"}))
	if err != nil || c.Addr != "smtp.example.com:587" || c.From != "Roster <roster@example.com>" || c.Username != "u" || c.Password != "p" {
		t.Errorf("smtpConfig = %+v, %v", c, err)
	}
	if _, err := smtpConfig(env(map[string]string{"ROSTER_SMTP_ADDR": "smtp.example.com:587"})); err == nil || !strings.Contains(err.Error(), "ROSTER_SMTP") {
		t.Errorf("no ROSTER_SMTP_FROM: %v, want an error", err)
	}
	m := NewMain()
	m.Getenv = env(map[string]string{"ROSTER_SMTP_ADDR": "127.0.0.1:25", "ROSTER_SMTP_FROM": "roster@example.com"})
	n, err := m.newNotifier(openStore(t, tempDB(t)), slog.New(slog.DiscardHandler))
	if err != nil || n.SMTP == nil || n.SMTP.Addr != "127.0.0.1:25" {
		t.Fatalf("newNotifier = %+v, %v", n, err)
	}
	n.Close()
	n.Store.Close()
}

// TestServeNotifiesWebhook runs the real server with its workers: a job
// queued through the API ends, and the tenant's webhook hears of it,
// signed with the secret the CLI printed.
func TestServeNotifiesWebhook(t *testing.T) {
	t.Parallel()
	type hit struct {
		sig  string
		body []byte
	}
	hits := make(chan hit, 10)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hits <- hit{r.Header.Get("X-Roster-Signature"), body}
	}))
	t.Cleanup(rc.Close)

	db := tempDB(t)
	s := startServeEnv(t, "sqlite", db, map[string]string{"ROSTER_DATA_DIR": t.TempDir()})
	out := mustCLI(t, "webhooks", "set", "--url", rc.URL+"/hook", "--db", db)
	secret := regexp.MustCompile(`whsec_[0-9a-f]{48}`).FindString(out)

	imp := s.importJob(t, nil, "people.csv", []byte("email,name\nann@example.com,Ann\nbad-email,Bob\n"))
	ended := s.waitImport(t, imp.ID)
	select {
	case h := <-hits:
		if h.sig != notify.Sign(secret, h.body) {
			t.Errorf("signature %q does not verify with the printed secret", h.sig)
		}
		var p notify.Payload
		if err := json.Unmarshal(h.body, &p); err != nil || p.Event != "import.ended" || p.Import.ID != imp.ID ||
			p.Import.Status != ended.Status || p.Import.Counts.Failed != 1 || p.Tenant.Name != "default" {
			t.Errorf("payload %s (%v)", h.body, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the webhook heard nothing within 30s of the import's end")
	}
}

func TestServeRefusesBadSMTPConfig(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), stdout, stderr
	env := map[string]string{"ROSTER_SMTP_ADDR": "smtp.example.com:587", "ROSTER_SMTP_FROM": "not an address"}
	m.Getenv = func(k string) string { return env[k] }
	if code := m.Run(ctx, []string{"serve", "--db", tempDB(t), "--addr", "127.0.0.1:0"}); code != exitFatal || !strings.Contains(stderr.String(), "ROSTER_SMTP") {
		t.Fatalf("serve with a bad ROSTER_SMTP_FROM: exit %d %q, want 1 before serving", code, stderr)
	}
}
