package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"roster"
)

// EventImportEnded is the event a webhook receives when an import ends,
// whatever its status: done, failed or cancelled.
const EventImportEnded = "import.ended"

// The headers of a webhook request.
const (
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256 of the body
	// keyed with the webhook's secret.
	HeaderSignature = "X-Roster-Signature"
	// HeaderEvent names the event, as the body's "event" does.
	HeaderEvent = "X-Roster-Event"
	// HeaderDelivery is the same for every attempt of one delivery, so a
	// receiver can ignore a retry of what it already handled.
	HeaderDelivery = "X-Roster-Delivery"
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	Event  string        `json:"event"`
	Import ImportSummary `json:"import"`
	Tenant TenantSummary `json:"tenant"`
}

// ImportSummary is what a webhook is told about an import.
type ImportSummary struct {
	ID         int64               `json:"id"`
	Label      string              `json:"label"`
	Kind       roster.Kind         `json:"kind"`
	FileName   string              `json:"file_name"`
	Status     string              `json:"status"`
	DryRun     bool                `json:"dry_run"` // nothing was written: the counts are what an import would do
	Counts     roster.ImportCounts `json:"counts"`
	Message    string              `json:"message"`
	StartedAt  time.Time           `json:"started_at"`
	FinishedAt *time.Time          `json:"finished_at"`
}

// TenantSummary names the tenant an import belongs to.
type TenantSummary struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// NewPayload returns the webhook body for an import that ended.
func NewPayload(imp *roster.Import, tenantName string) Payload {
	return Payload{
		Event: EventImportEnded,
		Import: ImportSummary{ID: imp.ID, Label: imp.Label, Kind: imp.Kind, FileName: imp.FileName, Status: imp.Status,
			DryRun: imp.DryRun, Counts: imp.Counts, Message: imp.Message, StartedAt: imp.StartedAt, FinishedAt: imp.FinishedAt},
		Tenant: TenantSummary{ID: imp.TenantID, Name: tenantName},
	}
}

// DeliveryID is the X-Roster-Delivery of the end of imp: the same for
// every attempt and every process, so that a receiver can drop a repeat
// (a notifier that died mid-delivery leaves the end to be told again).
func DeliveryID(imp *roster.Import) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d/%d", EventImportEnded, imp.TenantID, imp.ID))
	return hex.EncodeToString(sum[:16])
}

// Sign returns the X-Roster-Signature value of body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret. A receiver computes the same over
// the raw body it got and compares with hmac.Equal.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// sendWebhook delivers the import's summary to its tenant's webhook, if it has one.
func (n *Notifier) sendWebhook(ctx context.Context, imp *roster.Import) {
	log := n.Log.With("kind", "webhook", "tenant_id", imp.TenantID, "import_id", imp.ID)
	hook, err := n.Store.FindWebhook(ctx, imp.TenantID)
	if roster.ErrorCode(err) == roster.ENOTFOUND {
		return
	}
	if err != nil {
		log.Error("webhook not sent: cannot read it", "error", err)
		return
	}
	// Log the host only: a webhook URL often carries a token in its path or query.
	if u, err := url.Parse(hook.URL); err == nil {
		log = log.With("host", u.Host)
	}
	body, err := json.Marshal(NewPayload(imp, n.tenantName(ctx, imp.TenantID)))
	if err != nil {
		log.Error("webhook not sent", "error", err)
		return
	}
	delivery := DeliveryID(imp)
	attempts, err := n.retry(ctx, log, func(ctx context.Context) error {
		return n.post(ctx, hook, delivery, body)
	})
	if err != nil {
		log.Error("webhook delivery failed; gave up", "attempts", attempts, "error", err)
		return
	}
	log.Info("webhook delivered", "attempts", attempts)
}

// post makes one attempt at a delivery.
func (n *Notifier) post(ctx context.Context, hook *roster.Webhook, delivery string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return errFinal{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Roster-Webhook/1")
	req.Header.Set(HeaderEvent, EventImportEnded)
	req.Header.Set(HeaderDelivery, delivery)
	req.Header.Set(HeaderSignature, Sign(hook.Secret, body))
	res, err := n.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL and its possible token
		}
		return err
	}
	// Read a little of the answer so the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("the webhook answered %s", res.Status)
	default:
		return errFinal{fmt.Errorf("the webhook answered %s", res.Status)}
	}
}
