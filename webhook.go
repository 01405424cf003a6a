package roster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

// Webhook is where a tenant wants to hear that its imports ended: Roster
// POSTs a JSON summary to URL, signed with Secret (HMAC-SHA256) so the
// receiver can tell it came from Roster. One per tenant.
type Webhook struct {
	TenantID int64  `json:"-"`
	URL      string `json:"url"`
	// Secret signs the deliveries. Unlike an API token it is stored as is:
	// Roster needs it to sign, not only to compare.
	Secret    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// webhookSecretPrefix makes webhook secrets recognisable to people and secret scanners.
const webhookSecretPrefix = "whsec_"

// NewWebhookSecret returns a fresh random webhook secret.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	rand.Read(b) // never fails (crypto/rand panics on a broken system source)
	return webhookSecretPrefix + hex.EncodeToString(b)
}

// Validate checks the URL (absolute http or https, with a host) and the
// secret (16 to 256 characters), returning an EINVALID error naming the field.
func (w *Webhook) Validate() error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || len(w.URL) > 2048 {
		return Errorf(EINVALID, "a webhook URL is an absolute http:// or https:// URL, not %q", w.URL).With("field", "url")
	}
	if u.User != nil {
		// Credentials in the URL would be shown by "webhooks show"; the signature authenticates.
		return Errorf(EINVALID, "a webhook URL must not contain a user or password").With("field", "url")
	}
	if n := len(w.Secret); n < 16 || n > 256 || strings.TrimSpace(w.Secret) != w.Secret {
		return Errorf(EINVALID, "a webhook secret has 16 to 256 characters and no surrounding spaces").With("field", "secret")
	}
	return nil
}

// WebhookStore keeps each tenant's webhook.
type WebhookStore interface {
	// SetWebhook creates or replaces the tenant's webhook (w.TenantID),
	// keeping its creation time when it replaces one; EINVALID for a bad
	// URL or secret.
	SetWebhook(ctx context.Context, w *Webhook) error
	// FindWebhook returns the tenant's webhook or ENOTFOUND.
	FindWebhook(ctx context.Context, tenantID int64) (*Webhook, error)
	// DeleteWebhook removes the tenant's webhook, or returns ENOTFOUND.
	DeleteWebhook(ctx context.Context, tenantID int64) error
}
