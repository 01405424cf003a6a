package notify_test

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"reflect"
	"strings"
	"sync"
	"testing"

	"roster"
	"roster/importer"
	"roster/notify"
)

// smtpServer is a minimal SMTP server on loopback: it speaks EHLO, AUTH
// PLAIN, MAIL, RCPT, DATA and QUIT, and keeps what it was sent.
type smtpServer struct {
	addr string
	// auth makes it offer AUTH PLAIN; reject answers each MAIL FROM with
	// the next reply in the list, then 250.
	auth   bool
	reject []string

	mu    sync.Mutex
	conns int
	mails []smtpMail
}

// smtpMail is one message as the server received it.
type smtpMail struct {
	from, auth string
	rcpt       []string
	data       string
}

func newSMTPServer(t *testing.T, auth bool, reject ...string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), auth: auth, reject: reject}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(c)
			}()
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	r := bufio.NewReader(c)
	reply := func(lines ...string) { io.WriteString(c, strings.Join(lines, "\r\n")+"\r\n") }
	reply("220 test.local ESMTP")
	var m smtpMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			if s.auth {
				reply("250-test.local", "250-AUTH PLAIN", "250 HELP")
			} else {
				reply("250-test.local", "250 HELP")
			}
		case "AUTH":
			m.auth = line
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			s.mu.Lock()
			var rej string
			if len(s.reject) > 0 {
				rej, s.reject = s.reject[0], s.reject[1:]
			}
			s.mu.Unlock()
			if rej != "" {
				reply(rej)
				continue
			}
			m.from = line
			reply("250 OK")
		case "RCPT":
			m.rcpt = append(m.rcpt, line)
			reply("250 OK")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, ".")) // dot-unstuffing
			}
			m.data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			m = smtpMail{}
			reply("250 OK: queued")
		case "RSET", "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 Bye")
			return
		default:
			reply("502 Command not implemented")
		}
	}
}

func (s *smtpServer) received() (int, []smtpMail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, append([]smtpMail(nil), s.mails...)
}

// email is a parsed message.
type email struct {
	header     mail.Header
	subject    string
	text       string
	attachName string
	attachment []byte
}

func parseEmail(t *testing.T, data string) email {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	var e email
	e.header = msg.Header
	if e.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 0: // quoted-printable, decoded by the multipart reader
			if ct := p.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("text part Content-Type %q", ct)
			}
			b, _ := io.ReadAll(p)
			e.text = string(b)
		case 1:
			if mt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); mt != "text/csv" {
				t.Errorf("attachment Content-Type %q", p.Header.Get("Content-Type"))
			}
			if p.Header.Get("Content-Transfer-Encoding") != "base64" {
				t.Errorf("attachment encoding %q", p.Header.Get("Content-Transfer-Encoding"))
			}
			e.attachName = p.FileName()
			if e.attachment, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, p)); err != nil {
				t.Fatalf("attachment: %v", err)
			}
		default:
			t.Errorf("unexpected part %d: %v", i, p.Header)
		}
	}
	return e
}

// readCSV checks the UTF-8 BOM and returns the records after it.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	s, ok := strings.CutPrefix(string(b), "\ufeff")
	if !ok {
		t.Errorf("the CSV has no UTF-8 BOM: %q", b)
	}
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("CSV %q: %v", s, err)
	}
	return recs
}

func (e *env) emailNotifier(srv *smtpServer, user string) *notify.Notifier {
	n := e.notifier()
	n.SMTP = &notify.SMTPConfig{Addr: srv.addr, From: "Roster <roster@example.com>", Username: user, Password: "pw"}
	return n
}

func TestEmailWithFailedRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := newSMTPServer(t, false)
	n := e.emailNotifier(srv, "")
	imp := *e.imp
	imp.RequestedBy = "Alice Admin <alice@example.com>"
	imp.FilePath = e.path // the stored upload, still there: its header heads the CSV
	e.importEnded(n, &imp)
	n.Wait()

	_, mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1; log:\n%s", len(mails), e.log)
	}
	m := mails[0]
	if m.from != "MAIL FROM:<roster@example.com>" || !reflect.DeepEqual(m.rcpt, []string{"RCPT TO:<alice@example.com>"}) || m.auth != "" {
		t.Errorf("envelope %q %q, auth %q", m.from, m.rcpt, m.auth)
	}
	em := parseEmail(t, m.data)
	to, err := em.header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "alice@example.com" || to[0].Name != "Alice Admin" {
		t.Errorf("To %v, %v", to, err)
	}
	if from, err := em.header.AddressList("From"); err != nil || from[0].Address != "roster@example.com" {
		t.Errorf("From %v, %v", from, err)
	}
	if em.header.Get("Message-ID") == "" || em.header.Get("Date") == "" {
		t.Errorf("header %v", em.header)
	}
	if want := "Roster import #1 of people.csv: done, 1 of 3 rows failed"; em.subject != want {
		t.Errorf("subject %q, want %q", em.subject, want)
	}
	for _, want := range []string{"Import #1 (" + e.imp.Label + ") of people.csv has ended: done.", "Tenant:", "acme",
		"Created:           2", "Failed:            1", "Rows:              3", "import-1-failed-rows.csv"} {
		if !strings.Contains(em.text, want) {
			t.Errorf("the text lacks %q:\n%s", want, em.text)
		}
	}
	if em.attachName != "import-1-failed-rows.csv" {
		t.Errorf("attachment named %q", em.attachName)
	}
	recs := readCSV(t, em.attachment)
	if len(recs) != 2 || !reflect.DeepEqual(recs[0], []string{"Email", "Name", "Phone", "error"}) {
		t.Fatalf("CSV %q", recs)
	}
	if row := recs[1]; row[0] != "not-an-email" || row[1] != "Bob Brown" || row[2] != "" || !strings.HasPrefix(row[3], "Email: ") {
		t.Errorf("failed row %q", row)
	}
}

// A dry run's webhook and email say so: its counts wrote nothing.
func TestDryRunIsNamedAsSuch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, err := (&importer.Importer{Store: e.s}).Run(e.ctx, e.tenant, e.path, importer.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	imp := res.Import
	if !imp.DryRun || imp.Counts.Unchanged != 2 || imp.Counts.Failed != 1 { // the env imported the file already
		t.Fatalf("the dry run: %+v", imp)
	}
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusNoContent })
	e.setWebhook(rc.URL, roster.NewWebhookSecret())
	srv := newSMTPServer(t, false)
	n := e.emailNotifier(srv, "")
	imp.RequestedBy = "alice@example.com"
	e.importEnded(n, imp)
	n.Wait()

	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d webhook requests, want 1", len(reqs))
	}
	var p notify.Payload
	if err := json.Unmarshal(reqs[0].body, &p); err != nil || !p.Import.DryRun || p.Import.ID != imp.ID || p.Import.Counts != imp.Counts {
		t.Errorf("webhook body %s (%v)", reqs[0].body, err)
	}
	_, mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1; log:\n%s", len(mails), e.log)
	}
	em := parseEmail(t, mails[0].data)
	if want := fmt.Sprintf("Roster dry run #%d of people.csv: done, 1 of 3 rows failed", imp.ID); em.subject != want {
		t.Errorf("subject %q, want %q", em.subject, want)
	}
	if !strings.Contains(em.text, fmt.Sprintf("Dry run #%d", imp.ID)) || !strings.Contains(em.text, "Nothing was written to the directory") {
		t.Errorf("the text does not say it was a dry run:\n%s", em.text)
	}
}

// Roster keeps an internationalized domain in Unicode; the email goes to
// its punycode form, which any mail server takes without SMTPUTF8.
func TestEmailToAnInternationalizedDomain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := newSMTPServer(t, false)
	n := e.emailNotifier(srv, "")
	imp := *e.imp
	imp.RequestedBy = "Jan <jan@müller.de>"
	e.importEnded(n, &imp)
	n.Wait()
	_, mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1; log:\n%s", len(mails), e.log)
	}
	if want := []string{"RCPT TO:<jan@xn--mller-kva.de>"}; !reflect.DeepEqual(mails[0].rcpt, want) {
		t.Errorf("envelope %q, want %q", mails[0].rcpt, want)
	}
	to, err := parseEmail(t, mails[0].data).header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "jan@xn--mller-kva.de" {
		t.Errorf("To %v, %v", to, err)
	}
}

func TestEmailWithoutTheFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := newSMTPServer(t, true)
	n := e.emailNotifier(srv, "roster-user")
	imp := *e.imp
	imp.RequestedBy = "bob@example.com"
	imp.FilePath = e.path + ".gone" // the worker removed the upload
	imp.Header = nil                // and the journal has no header (an import from before headers were kept)
	e.importEnded(n, &imp)
	n.Wait()
	_, mails := srv.received()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1; log:\n%s", len(mails), e.log)
	}
	// PLAIN auth: "\x00user\x00password", base64.
	if want := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00roster-user\x00pw")); mails[0].auth != want {
		t.Errorf("auth %q, want %q", mails[0].auth, want)
	}
	em := parseEmail(t, mails[0].data)
	recs := readCSV(t, em.attachment)
	if len(recs) != 2 || !reflect.DeepEqual(recs[0], []string{"row", "column 1", "column 2", "column 3", "error"}) {
		t.Fatalf("CSV %q", recs)
	}
	if row := recs[1]; row[0] != "3" || row[1] != "not-an-email" || row[2] != "Bob Brown" || !strings.HasPrefix(row[4], "Email: ") {
		t.Errorf("failed row %q", row)
	}
}

func TestEmailRetriesTemporaryRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := newSMTPServer(t, false, "451 4.3.0 try again later")
	n := e.emailNotifier(srv, "")
	imp := *e.imp
	imp.RequestedBy = "carol@example.com"
	e.importEnded(n, &imp)
	n.Wait()
	conns, mails := srv.received()
	if conns != 2 || len(mails) != 1 {
		t.Fatalf("%d connections, %d emails; want 2 and 1; log:\n%s", conns, len(mails), e.log)
	}

	// A permanent refusal is not retried.
	srv = newSMTPServer(t, false, "550 5.7.1 relaying denied")
	n.SMTP.Addr = srv.addr
	e.importEnded(n, &imp)
	n.Wait()
	if conns, mails := srv.received(); conns != 1 || len(mails) != 0 || !strings.Contains(e.log.String(), "relaying denied") {
		t.Fatalf("%d connections, %d emails after a 550; log:\n%s", conns, len(mails), e.log)
	}
}

func TestNoEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := newSMTPServer(t, false)
	n := e.emailNotifier(srv, "")
	for _, by := range []string{"", "cli", "token:3", "alice@"} {
		imp := *e.imp
		imp.RequestedBy = by
		e.importEnded(n, &imp)
	}
	n.Wait()
	// And without SMTP configured, none to a real address either.
	n2 := e.notifier()
	imp := *e.imp
	imp.RequestedBy = "dave@example.com"
	e.importEnded(n2, &imp)
	n2.Wait()
	if conns, _ := srv.received(); conns != 0 {
		t.Fatalf("%d SMTP connections, want 0", conns)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	for cfg, ok := range map[notify.SMTPConfig]bool{
		{Addr: "smtp.example.com:587", From: "roster@example.com"}:          true,
		{Addr: "127.0.0.1:25", From: "Roster <roster@example.com>"}:         true,
		{Addr: "smtp.example.com", From: "roster@example.com"}:              false,
		{Addr: ":25", From: "roster@example.com"}:                           false,
		{Addr: "smtp.example.com:587", From: "roster"}:                      false,
		{Addr: "smtp.example.com:587", From: ""}:                            false,
		{Addr: "smtp.example.com:587", From: "a@b.c\r\nBcc: x@example.com"}: false,
	} {
		if err := cfg.Validate(); (err == nil) != ok {
			t.Errorf("%+v: Validate = %v, want ok %v", cfg, err, ok)
		}
	}
}
