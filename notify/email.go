package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"roster"
	"roster/importer"
)

// SMTPConfig is the mail server notifications are sent through.
type SMTPConfig struct {
	// Addr is host:port; port 465 speaks TLS from the start, any other
	// upgrades with STARTTLS when the server offers it.
	Addr string
	// From is the sender, "roster@example.com" or "Roster <roster@example.com>".
	From string
	// Username and Password log in with AUTH PLAIN, only when Username is
	// set (and only over TLS, or to localhost).
	Username, Password string
}

// Validate checks that Addr is host:port and From an email address.
func (c *SMTPConfig) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil || strings.HasPrefix(c.Addr, ":") {
		return fmt.Errorf("SMTP address %q is not host:port", c.Addr)
	}
	if _, ok := Recipient(c.From); !ok {
		return fmt.Errorf("SMTP sender %q is not an email address", c.From)
	}
	return nil
}

// asciiDomain writes an address's internationalized domain in its ASCII
// (punycode) form. Roster stores emails with the domain in Unicode
// (normalize.Email), which a mail server that does not speak SMTPUTF8
// refuses in RCPT TO and in headers; the A-label form reaches the same
// mailbox through any server. An address IDNA refuses is left as it is.
func asciiDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	d, err := idna.Lookup.ToASCII(addr[at+1:])
	if err != nil {
		return addr
	}
	return addr[:at+1] + d
}

// maxAttachment caps the failed-rows file an email carries; a bigger one
// is left out and the email says how to get it.
const maxAttachment = 8 << 20

// sendEmail emails the import's summary, with its failed rows, to to.
func (n *Notifier) sendEmail(ctx context.Context, imp *roster.Import, to *mail.Address) {
	log := n.Log.With("kind", "email", "tenant_id", imp.TenantID, "import_id", imp.ID)
	to = &mail.Address{Name: to.Name, Address: asciiDomain(to.Address)}
	msg, err := n.message(ctx, imp, to, time.Now())
	if err != nil {
		log.Error("email not sent", "error", err)
		return
	}
	attempts, err := n.retry(ctx, log, func(ctx context.Context) error {
		return n.SMTP.send(ctx, to.Address, msg)
	})
	if err != nil {
		log.Error("email delivery failed; gave up", "attempts", attempts, "error", err)
		return
	}
	log.Info("email sent", "attempts", attempts)
}

// message returns the whole email: a plain-text summary and, when rows
// failed, a CSV of them attached.
func (n *Notifier) message(ctx context.Context, imp *roster.Import, to *mail.Address, now time.Time) ([]byte, error) {
	from, ok := Recipient(n.SMTP.From)
	if !ok {
		return nil, fmt.Errorf("SMTP sender %q is not an email address", n.SMTP.From)
	}
	attachment, rows, complete, err := n.failedRowsCSV(ctx, imp)
	if err != nil {
		return nil, fmt.Errorf("failed rows: %w", err)
	}
	filename := fmt.Sprintf("import-%d-failed-rows.csv", imp.ID)
	if !complete {
		attachment = nil
	}

	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	id := make([]byte, 12)
	rand.Read(id)
	for _, h := range [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", subject(imp))},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "multipart/mixed; boundary=" + strconv.Quote(mw.Boundary())},
	} {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")

	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	qp := quotedprintable.NewWriter(part)
	io.WriteString(qp, summary(imp, n.tenantName(ctx, imp.TenantID), rows, complete, filename))
	qp.Close()

	if attachment != nil {
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType("text/csv", map[string]string{"charset": "utf-8", "name": filename})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": filename})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(attachment)
		for len(enc) > 76 {
			io.WriteString(part, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		io.WriteString(part, enc+"\r\n")
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func subject(imp *roster.Import) string {
	what := "import"
	if imp.DryRun {
		what = "dry run"
	}
	s := fmt.Sprintf("Roster %s #%d of %s: %s", what, imp.ID, imp.FileName, imp.Status)
	if c := imp.Counts; c.Failed > 0 {
		s += fmt.Sprintf(", %d of %d rows failed", c.Failed, c.Rows)
	}
	return s
}

// summary is the email's text.
func summary(imp *roster.Import, tenant string, failedRows int, attached bool, filename string) string {
	var b strings.Builder
	if imp.DryRun {
		fmt.Fprintf(&b, "Dry run #%d (%s) of %s has ended: %s.\r\nNothing was written to the directory: the counts are what an import of the file would do now.\r\n\r\n", imp.ID, imp.Label, imp.FileName, imp.Status)
	} else {
		fmt.Fprintf(&b, "Import #%d (%s) of %s has ended: %s.\r\n\r\n", imp.ID, imp.Label, imp.FileName, imp.Status)
	}
	if imp.Message != "" {
		fmt.Fprintf(&b, "%s\r\n\r\n", imp.Message)
	}
	c := imp.Counts
	line := func(k string, v any) { fmt.Fprintf(&b, "%-18s %v\r\n", k+":", v) }
	if tenant != "" {
		line("Tenant", tenant)
	}
	line("Kind", imp.Kind)
	line("Status", imp.Status)
	line("Started", imp.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	if imp.FinishedAt != nil {
		line("Finished", imp.FinishedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	line("Rows", c.Rows)
	line("Created", c.Created)
	line("Updated", c.Updated)
	line("Unchanged", c.Unchanged)
	line("Failed", c.Failed)
	if c.CompaniesCreated > 0 {
		line("Companies created", c.CompaniesCreated)
	}
	if c.Merged > 0 {
		line("Merged", c.Merged)
	}
	switch {
	case failedRows > 0 && attached:
		fmt.Fprintf(&b, "\r\nThe failed rows are attached as %s, with the reason in its error column:\r\nfix them and import the file again.\r\n", filename)
	case failedRows > 0:
		fmt.Fprintf(&b, "\r\nThe failed rows are too many to attach; get them with: roster imports errors %d\r\n", imp.ID)
	}
	return b.String()
}

// failedRowsCSV returns the import's failed rows as the CSV an import's
// --errors writes (UTF-8 with a BOM, the file's columns and an error
// column), the number of rows, and false if they exceed maxAttachment.
// Without the original file (removed after the job) the header is "row",
// "column 1"… instead, so each row can still be found.
func (n *Notifier) failedRowsCSV(ctx context.Context, imp *roster.Import) ([]byte, int, bool, error) {
	header, _ := importer.HeaderOf(imp) // without it, the columns are counted
	var rows []roster.FailedRow
	size, width := 0, 0
	errTooBig := errors.New("too big")
	err := n.Store.FailedRows(ctx, imp.TenantID, imp.ID, func(fr roster.FailedRow) error {
		rows = append(rows, fr)
		width = max(width, len(fr.Cells))
		for _, c := range fr.Cells {
			size += len(c) + 1
		}
		if size > maxAttachment {
			return errTooBig
		}
		return nil
	})
	if errors.Is(err, errTooBig) {
		return nil, imp.Counts.Failed, false, nil
	}
	if err != nil || len(rows) == 0 {
		return nil, 0, true, err
	}
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true // MIME text is CRLF, as RFC 4180 wants
	if header != nil {
		layout := roster.NewFailedRowsFile(header)
		w.Write(layout.Header)
		for _, fr := range rows {
			w.Write(layout.Cells(fr))
		}
	} else {
		h := []string{"row"}
		for i := range width {
			h = append(h, fmt.Sprintf("column %d", i+1))
		}
		w.Write(append(h, "error"))
		for _, fr := range rows {
			cells := make([]string, 1+width, 2+width)
			cells[0] = strconv.Itoa(fr.Row)
			copy(cells[1:], fr.Cells)
			w.Write(append(cells, roster.FailedRowMessage(fr)))
		}
	}
	w.Flush()
	if b.Len() > maxAttachment {
		return nil, len(rows), false, w.Error()
	}
	return b.Bytes(), len(rows), true, w.Error()
}

// send makes one attempt at sending msg to to.
func (c *SMTPConfig) send(ctx context.Context, to string, msg []byte) error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return errFinal{err}
	}
	from, ok := Recipient(c.From)
	if !ok {
		return errFinal{fmt.Errorf("SMTP sender %q is not an email address", c.From)}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	tlsConfig := &tls.Config{ServerName: host}
	secure := port == "465"
	if secure {
		conn = tls.Client(conn, tlsConfig)
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return smtpError(err)
	}
	defer cl.Close()
	if err := cl.Hello("localhost"); err != nil {
		return smtpError(err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok && !secure {
		if err := cl.StartTLS(tlsConfig); err != nil {
			return smtpError(err)
		}
	}
	if c.Username != "" {
		if ok, _ := cl.Extension("AUTH"); !ok {
			return errFinal{errors.New("the SMTP server offers no AUTH, but a username is set")}
		}
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return smtpError(err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return smtpError(err)
	}
	if err := cl.Rcpt(to); err != nil {
		return smtpError(err)
	}
	w, err := cl.Data()
	if err != nil {
		return smtpError(err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpError(err)
	}
	if err := w.Close(); err != nil {
		return smtpError(err)
	}
	cl.Quit()
	return nil
}

// smtpError marks what retrying cannot fix: a 5xx reply, or an error of
// the client (PLAIN auth refused over plain text), as final; a 4xx reply
// and network errors are worth another try.
func smtpError(err error) error {
	var te *textproto.Error
	var ne net.Error
	switch {
	case errors.As(err, &te):
		if te.Code >= 400 && te.Code < 500 {
			return err
		}
		return errFinal{err}
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return err
	default:
		return errFinal{err}
	}
}
