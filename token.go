package roster

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// Token is an API token of a tenant. Only its SHA-256 hash is stored; the
// secret is shown once, when it is made.
type Token struct {
	ID        int64     `json:"id"`
	TenantID  int64     `json:"tenant_id"`
	Name      string    `json:"name"`
	ReadOnly  bool      `json:"read_only"`
	CreatedAt time.Time `json:"created_at"`
}

// tokenPrefix makes Roster tokens recognisable to people and secret scanners.
const tokenPrefix = "roster_"

// NewTokenSecret returns a fresh random token secret.
func NewTokenSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics on a broken system source)
	return tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// HashToken returns the form a token secret is stored and looked up in.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken stores t with the hash of secret.
	CreateToken(ctx context.Context, t *Token, secret string) error
	// Authenticate returns the token and tenant a secret belongs to, or EUNAUTHORIZED.
	Authenticate(ctx context.Context, secret string) (*Token, *Tenant, error)
}
