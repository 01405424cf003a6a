package storetest

import (
	"testing"
	"time"

	"roster"
)

func testWebhooks(t *testing.T, open Opener) {
	e := newEnv(t, open)
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if s, ok := e.s.(interface{ SetNow(func() time.Time) }); ok {
		s.SetNow(func() time.Time { return clock })
	}

	t.Run("none set is not found", func(t *testing.T) {
		_, err := e.s.FindWebhook(e.ctx, e.tenant.ID)
		wantCode(t, err, roster.ENOTFOUND)
		wantCode(t, e.s.DeleteWebhook(e.ctx, e.tenant.ID), roster.ENOTFOUND)
	})

	w := &roster.Webhook{TenantID: e.tenant.ID, URL: "https://hooks.example.com/roster?x=1", Secret: roster.NewWebhookSecret()}
	if err := e.s.SetWebhook(e.ctx, w); err != nil {
		t.Fatal(err)
	}
	if !w.CreatedAt.Equal(clock) || !w.UpdatedAt.Equal(clock) {
		t.Fatalf("SetWebhook stamped %v / %v, want %v", w.CreatedAt, w.UpdatedAt, clock)
	}
	got, err := e.s.FindWebhook(e.ctx, e.tenant.ID)
	if err != nil || got.URL != w.URL || got.Secret != w.Secret || got.TenantID != e.tenant.ID ||
		!got.CreatedAt.Equal(clock) || !got.UpdatedAt.Equal(clock) {
		t.Fatalf("FindWebhook = %+v, %v; want %+v", got, err, w)
	}

	t.Run("set again replaces, keeping the creation time", func(t *testing.T) {
		later := clock.Add(time.Hour)
		if s, ok := e.s.(interface{ SetNow(func() time.Time) }); ok {
			s.SetNow(func() time.Time { return later })
			defer s.SetNow(func() time.Time { return clock })
		}
		w2 := &roster.Webhook{TenantID: e.tenant.ID, URL: "http://10.0.0.7:8080/hook", Secret: "another-secret-0123456789"}
		if err := e.s.SetWebhook(e.ctx, w2); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.FindWebhook(e.ctx, e.tenant.ID)
		if err != nil || got.URL != w2.URL || got.Secret != w2.Secret || !got.CreatedAt.Equal(clock) || !got.UpdatedAt.Equal(later) {
			t.Fatalf("after replace: %+v, %v", got, err)
		}
		if !w2.CreatedAt.Equal(clock) {
			t.Errorf("SetWebhook filled CreatedAt %v, want the original %v", w2.CreatedAt, clock)
		}
	})

	for name, bad := range map[string]roster.Webhook{
		"ftp URL":          {URL: "ftp://example.com/x", Secret: "0123456789abcdef"},
		"relative URL":     {URL: "/hook", Secret: "0123456789abcdef"},
		"no host":          {URL: "https:///hook", Secret: "0123456789abcdef"},
		"credentials":      {URL: "https://u:p@example.com/hook", Secret: "0123456789abcdef"},
		"short secret":     {URL: "https://example.com/hook", Secret: "short"},
		"blank secret":     {URL: "https://example.com/hook"},
		"padded secret":    {URL: "https://example.com/hook", Secret: " 0123456789abcdef "},
		"not a URL at all": {URL: "hooks example com", Secret: "0123456789abcdef"},
	} {
		t.Run("invalid: "+name, func(t *testing.T) {
			bad.TenantID = e.tenant.ID
			wantCode(t, e.s.SetWebhook(e.ctx, &bad), roster.EINVALID)
		})
	}
	t.Run("an invalid one leaves the stored one alone", func(t *testing.T) {
		got, err := e.s.FindWebhook(e.ctx, e.tenant.ID)
		if err != nil || got.URL != "http://10.0.0.7:8080/hook" {
			t.Fatalf("FindWebhook = %+v, %v", got, err)
		}
	})

	t.Run("one per tenant, isolated", func(t *testing.T) {
		other := e.mustTenant("other")
		_, err := e.s.FindWebhook(e.ctx, other.ID)
		wantCode(t, err, roster.ENOTFOUND)
		ow := &roster.Webhook{TenantID: other.ID, URL: "https://other.example.com/", Secret: roster.NewWebhookSecret()}
		if err := e.s.SetWebhook(e.ctx, ow); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteWebhook(e.ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := e.s.FindWebhook(e.ctx, e.tenant.ID); err != nil || got.URL != "http://10.0.0.7:8080/hook" {
			t.Fatalf("deleting another tenant's webhook touched ours: %+v, %v", got, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := e.s.DeleteWebhook(e.ctx, e.tenant.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.FindWebhook(e.ctx, e.tenant.ID)
		wantCode(t, err, roster.ENOTFOUND)
		wantCode(t, e.s.DeleteWebhook(e.ctx, e.tenant.ID), roster.ENOTFOUND)
	})
}
