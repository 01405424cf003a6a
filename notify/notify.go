// Package notify tells people that an import ended: it POSTs a signed JSON
// summary to the tenant's webhook and, when SMTP is configured, emails the
// person who asked for the import with the failed rows attached.
//
// Deliveries run in the background from a bounded queue, with retries and
// exponential backoff, so a slow or failing receiver never holds up an
// import: ImportEnded only enqueues.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"roster"
)

// Defaults of the Notifier's zero fields.
const (
	DefaultRetries = 4                // 5 attempts in all
	DefaultBackoff = time.Second      // then 2 s, 4 s, 8 s…
	DefaultTimeout = 10 * time.Second // per attempt
	DefaultQueue   = 256
	DefaultWorkers = 4
	maxBackoff     = 5 * time.Minute
)

// Notifier sends the notifications of ended imports. Set its fields, then
// call ImportEnded for each import that ends and Close when done; the zero
// value of each optional field means its default.
type Notifier struct {
	Store roster.Store
	// Client sends webhooks; nil means one that does not follow redirects.
	Client *http.Client
	// SMTP is the mail server to email through; nil means no email.
	SMTP *SMTPConfig
	// Log receives a line per delivery given up or dropped; nil discards.
	Log *slog.Logger
	// Retries is how many times a failed delivery is tried again
	// (DefaultRetries when 0, none when negative). Network errors, time-outs,
	// HTTP 5xx and 429 and SMTP 4xx are retried; other refusals are final.
	Retries int
	// Backoff is the wait before the first retry, doubled for each next one.
	Backoff time.Duration
	// Timeout bounds each attempt.
	Timeout time.Duration
	// Queue is how many deliveries may wait; more are dropped with a log line.
	Queue int
	// Workers is how many deliveries run at once.
	Workers int
	// ClaimLease is how long Run's claim on an ended job lasts
	// (DefaultClaimLease when 0).
	ClaimLease time.Duration

	once    sync.Once
	queue   chan task
	ctx     context.Context // cancelled by Close
	cancel  context.CancelFunc
	workers sync.WaitGroup

	mu      sync.Mutex
	idle    *sync.Cond // signalled when pending drops to 0
	pending int        // queued or running tasks
	closed  bool
	kick    chan struct{} // Run sweeps at once
}

// task is one delivery: a webhook call or an email for one import, or
// (kind "ended") every notification of an import job Run claimed, after
// which the job is marked told.
type task struct {
	kind string // "webhook", "email" or "ended"
	imp  roster.Import
	to   *mail.Address // email
}

// DefaultClaimLease is how long Run's claim on an ended job lasts: a
// notifier that dies before telling it leaves it to another after that.
const DefaultClaimLease = 5 * time.Minute

// Run tells the end of every import job at least once, until ctx is done:
// it claims the jobs that ended and were not told yet (whichever process
// ended them: a worker, a cancel through the API, a claim that gave up)
// every interval, and at once after Kick, delivers their webhook and
// email, and marks them told. A delivery cut short by a crash or a full
// queue is claimed again once its lease ends.
func (n *Notifier) Run(ctx context.Context, interval time.Duration) {
	n.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	lease := n.ClaimLease
	if lease <= 0 {
		lease = DefaultClaimLease
	}
	for {
		imps, err := n.Store.ClaimNotifications(ctx, lease, cap(n.queue))
		if err != nil && ctx.Err() == nil {
			n.Log.Error("cannot claim the imports to tell of", "error", err)
		}
		for _, imp := range imps {
			n.enqueue(task{kind: "ended", imp: *imp})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-n.kick:
		}
	}
}

// Kick makes Run look for ended jobs at once (a worker just ended one).
func (n *Notifier) Kick() {
	n.init()
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

func (n *Notifier) init() {
	n.once.Do(func() {
		if n.Log == nil {
			n.Log = slog.New(slog.DiscardHandler)
		}
		if n.Client == nil {
			n.Client = &http.Client{
				// A webhook answers where it was set up; following a redirect
				// would turn the POST into a GET elsewhere.
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
		}
		size, workers := n.Queue, n.Workers
		if size <= 0 {
			size = DefaultQueue
		}
		if workers <= 0 {
			workers = DefaultWorkers
		}
		n.queue = make(chan task, size)
		n.kick = make(chan struct{}, 1)
		n.idle = sync.NewCond(&n.mu)
		n.ctx, n.cancel = context.WithCancel(context.Background())
		for range workers {
			n.workers.Add(1)
			go n.work()
		}
	})
}

// ImportEnded queues the notifications of an import that ended and
// returns at once; ctx is not used for the deliveries, which outlive the
// call. It fits a jobs.Worker's OnEnd hook.
func (n *Notifier) ImportEnded(ctx context.Context, imp *roster.Import) {
	if imp == nil {
		return
	}
	n.init()
	// A copy: the caller may go on changing its import.
	n.enqueue(task{kind: "webhook", imp: *imp})
	if n.SMTP != nil {
		if to, ok := Recipient(imp.RequestedBy); ok {
			n.enqueue(task{kind: "email", imp: *imp, to: to})
		}
	}
}

// Recipient returns the email address in requestedBy, if it is one.
func Recipient(requestedBy string) (*mail.Address, bool) {
	s := strings.TrimSpace(requestedBy)
	if s == "" || !strings.Contains(s, "@") {
		return nil, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || !strings.Contains(a.Address, "@") {
		return nil, false
	}
	return a, true
}

func (n *Notifier) enqueue(t task) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		n.Log.Warn("notification dropped: the notifier is closed", "kind", t.kind, "tenant_id", t.imp.TenantID, "import_id", t.imp.ID)
		return
	}
	select {
	case n.queue <- t:
		n.pending++
	default:
		n.Log.Warn("notification dropped: the queue is full", "kind", t.kind, "tenant_id", t.imp.TenantID, "import_id", t.imp.ID, "queue", cap(n.queue))
	}
}

func (n *Notifier) work() {
	defer n.workers.Done()
	for t := range n.queue {
		if n.ctx.Err() != nil {
			n.Log.Warn("notification dropped: the notifier is closed", "kind", t.kind, "tenant_id", t.imp.TenantID, "import_id", t.imp.ID)
		} else {
			n.deliver(t)
		}
		n.mu.Lock()
		n.pending--
		if n.pending == 0 {
			n.idle.Broadcast()
		}
		n.mu.Unlock()
	}
}

func (n *Notifier) deliver(t task) {
	switch t.kind {
	case "webhook":
		n.sendWebhook(n.ctx, &t.imp)
	case "email":
		n.sendEmail(n.ctx, &t.imp, t.to)
	case "ended":
		n.sendWebhook(n.ctx, &t.imp)
		if to, ok := Recipient(t.imp.RequestedBy); ok && n.SMTP != nil {
			n.sendEmail(n.ctx, &t.imp, to)
		}
		if n.ctx.Err() != nil {
			return // closing: cut short, it is claimed again later
		}
		if err := n.Store.MarkNotified(n.ctx, t.imp.ID); err != nil {
			n.Log.Error("cannot mark an import told of", "import_id", t.imp.ID, "error", err)
		}
	}
}

// Wait blocks until every notification queued so far was delivered or
// given up: tests use it, and a graceful shutdown may before Close.
func (n *Notifier) Wait() {
	n.init()
	n.mu.Lock()
	for n.pending > 0 {
		n.idle.Wait()
	}
	n.mu.Unlock()
}

// Shutdown lets the notifications queued so far finish until ctx is done,
// then closes the notifier: a graceful stop that a dead receiver cannot hold up.
func (n *Notifier) Shutdown(ctx context.Context) error {
	idle := make(chan struct{})
	go func() { n.Wait(); close(idle) }() // returns at the latest once Close has run
	select {
	case <-idle:
	case <-ctx.Done():
	}
	return n.Close()
}

// Close stops taking notifications, abandons those queued or waiting to
// retry (each with a log line) and returns when no delivery runs any more.
func (n *Notifier) Close() error {
	n.init()
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.queue)
	}
	n.mu.Unlock()
	n.cancel()
	n.workers.Wait()
	return nil
}

func (n *Notifier) retries() int {
	switch {
	case n.Retries < 0:
		return 0
	case n.Retries == 0:
		return DefaultRetries
	}
	return n.Retries
}

func (n *Notifier) timeout() time.Duration {
	if n.Timeout <= 0 {
		return DefaultTimeout
	}
	return n.Timeout
}

// errFinal marks a failure that trying again would not fix.
type errFinal struct{ error }

func (e errFinal) Unwrap() error { return e.error }

// retry calls attempt until it succeeds, fails finally (errFinal), or the
// retries are spent; each attempt gets its own time-out.
func (n *Notifier) retry(ctx context.Context, log *slog.Logger, attempt func(ctx context.Context) error) (attempts int, err error) {
	wait := n.Backoff
	if wait <= 0 {
		wait = DefaultBackoff
	}
	for attempts = 1; ; attempts++ {
		actx, cancel := context.WithTimeout(ctx, n.timeout())
		err = attempt(actx)
		cancel()
		var final errFinal
		if err == nil || errors.As(err, &final) || attempts > n.retries() || ctx.Err() != nil {
			return attempts, err
		}
		log.Info("notification attempt failed; retrying", "attempt", attempts, "in", wait, "error", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return attempts, ctx.Err()
		}
		wait = min(2*wait, maxBackoff)
	}
}

// tenantName finds the name of the import's tenant for the message.
func (n *Notifier) tenantName(ctx context.Context, id int64) string {
	ts, err := n.Store.ListTenants(ctx)
	if err != nil {
		return ""
	}
	for _, t := range ts {
		if t.ID == id {
			return t.Name
		}
	}
	return ""
}
