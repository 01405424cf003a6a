package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	"roster"
	"roster/notify"
)

func (m *Main) webhooks(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("webhooks", "set --url URL [--secret SECRET|-] | show | remove", &c)
	url := fs.String("url", "", "set: the http(s) URL Roster POSTs to when an import of the tenant ends")
	secret := fs.String("secret", "", "set: the secret that signs each request, - to read it from stdin (default: a new random one, printed once)")
	asJSON := fs.Bool("json", false, "show: print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "set" && pos[0] != "show" && pos[0] != "remove") {
		return usagef("webhooks: want set --url URL, show or remove")
	}
	if pos[0] == "set" && *url == "" {
		return usagef("webhooks set: want --url URL")
	}
	generated := false
	switch *secret {
	case "":
		if pos[0] == "set" {
			*secret, generated = roster.NewWebhookSecret(), true
		}
	case "-": // kept off the command line, where other users of the machine see it
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return usagef("webhooks set: --secret -: no secret on stdin")
		}
		*secret = strings.TrimRight(line, "\r\n")
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch pos[0] {
	case "set":
		w := &roster.Webhook{TenantID: t.ID, URL: *url, Secret: *secret}
		if err := s.SetWebhook(ctx, w); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "webhook of tenant %q set: Roster POSTs %s to %s when an import ends\n", t.Name, notify.EventImportEnded, w.URL)
		if generated {
			fmt.Fprintf(m.Stdout, "\nIts signing secret, shown only this once:\n\n    %s\n\n", w.Secret)
		}
		fmt.Fprintf(m.Stdout, "Each request carries %s: sha256=<hex HMAC-SHA256 of the body keyed with the secret>.\n", notify.HeaderSignature)
		return nil
	case "show":
		w, err := s.FindWebhook(ctx, t.ID)
		if err != nil {
			return err
		}
		if *asJSON {
			return m.printJSON(w) // without the secret
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "URL\t%s\n", w.URL)
		fmt.Fprintf(tw, "SECRET\t(set; shown only when made)\n")
		fmt.Fprintf(tw, "CREATED\t%s\n", w.CreatedAt.Format("2006-01-02 15:04"))
		fmt.Fprintf(tw, "UPDATED\t%s\n", w.UpdatedAt.Format("2006-01-02 15:04"))
		return tw.Flush()
	default: // remove
		if err := s.DeleteWebhook(ctx, t.ID); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "removed the webhook of tenant %q\n", t.Name)
		return nil
	}
}

// smtpConfig reads the mail server notifications go through from the
// environment: ROSTER_SMTP_ADDR (host:port; unset means no email),
// ROSTER_SMTP_FROM, ROSTER_SMTP_USER and ROSTER_SMTP_PASSWORD.
func smtpConfig(getenv func(string) string) (*notify.SMTPConfig, error) {
	addr := getenv("ROSTER_SMTP_ADDR")
	if addr == "" {
		return nil, nil
	}
	c := &notify.SMTPConfig{Addr: addr, From: getenv("ROSTER_SMTP_FROM"),
		Username: getenv("ROSTER_SMTP_USER"), Password: getenv("ROSTER_SMTP_PASSWORD")}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("ROSTER_SMTP_*: %w", err)
	}
	return c, nil
}

// newNotifier returns the notifier of ended imports: webhooks always, email
// when ROSTER_SMTP_ADDR is set. Close it after the workers have stopped.
func (m *Main) newNotifier(store roster.Store, log *slog.Logger) (*notify.Notifier, error) {
	smtp, err := smtpConfig(m.Getenv)
	if err != nil {
		return nil, err
	}
	return &notify.Notifier{Store: store, SMTP: smtp, Log: log.With("component", "notify")}, nil
}
