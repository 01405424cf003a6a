package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"roster"
	"roster/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("serve", "[--addr :8080] [--workers N]", &c)
	addr := fs.String("addr", envOr(m.Getenv("ROSTER_ADDR"), ":8080"), "address to listen on (env ROSTER_ADDR)")
	workers := fs.Int("workers", 1, "import job workers to run beside the API (0: the API only; run 'roster worker' elsewhere)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workers < 0 {
		return usagef("serve: --workers must not be negative")
	}
	m.importsAtOnce(*workers)
	lease, err := m.importLease()
	if err != nil {
		return err
	}
	webCfg, err := m.webConfig(c.db)
	if err != nil {
		return err
	}
	if _, err := smtpConfig(m.Getenv); err != nil { // before serving: the workers would find it only at shutdown
		return err
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	store, err := open(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close() // when the first start fails; Serve closes it otherwise
	if err := m.firstStart(ctx, store, ln.Addr()); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           web.NewWithConfig(store, log, webCfg),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("roster serving", "addr", ln.Addr().String(), "db", redact(c.db))
	if m.Ready != nil {
		m.Ready <- ln.Addr().String()
	}
	// The workers stop with the server: a job running then pauses at its
	// next batch boundary and another worker resumes it.
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	workDone := make(chan error, 1)
	go func() {
		if *workers == 0 {
			workDone <- nil
			return
		}
		workDone <- m.runWorkers(workCtx, store, *workers, lease, log)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopWork()
		<-workDone
		return err
	case <-ctx.Done():
	}
	// Let requests in flight and the jobs' current batches finish, within reason.
	log.Info("shutting down")
	stopWork()
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	<-workDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// firstStart creates the default tenant and prints its first token when
// the database has no tenant yet, so a fresh install works at once.
func (m *Main) firstStart(ctx context.Context, store roster.Store, addr net.Addr) error {
	t, err := createFirstTenant(ctx, store)
	if err != nil || t == nil {
		return err
	}
	secret := roster.NewTokenSecret()
	if err := store.CreateToken(ctx, &roster.Token{TenantID: t.ID, Name: "first start"}, secret); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Created tenant %q. Its API token, shown only this once:\n\n    %s\n\nUse it as: curl -H 'Authorization: Bearer %s' %s/api/v1/contacts\n\n", t.Name, secret, secret, baseURL(addr))
	return nil
}

// baseURL is the address a client on this machine reaches addr at.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// createFirstTenant creates the default tenant if the database has no
// tenant at all, and returns it; nil if there was one already (or another
// process made it first).
func createFirstTenant(ctx context.Context, store roster.Store) (*roster.Tenant, error) {
	ts, err := store.ListTenants(ctx)
	if err != nil || len(ts) > 0 {
		return nil, err
	}
	t, err := store.CreateTenant(ctx, roster.DefaultTenant)
	if roster.ErrorCode(err) == roster.ECONFLICT {
		return nil, nil
	}
	return t, err
}

func envOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
