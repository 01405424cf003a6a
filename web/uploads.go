package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"roster"
)

// Uploaded files live under Config.DataDir, named by random ids, never by
// what the client called them:
//
//	uploads/<tenant>/<id>       a previewed file awaiting its import (upload_id)
//	uploads/<tenant>/<id>.json  its name and size
//	imports/<tenant>/<id>       the file of an import job, read by workers
const uploadTTL = 24 * time.Hour

var uploadIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// upload is a file the client sent, stored on disk.
type upload struct {
	ID     string `json:"-"`
	Path   string `json:"-"`
	Name   string `json:"file_name"` // as the client named it, for the journal
	Size   int64  `json:"file_size"`
	SHA256 string `json:"file_sha256"`
}

// importForm is an import request: its option fields and its file.
type importForm struct {
	fields map[string]string          // multipart or urlencoded fields
	json   map[string]json.RawMessage // or a JSON body
	file   *upload                    // the file part, stored, if any
}

// field returns a form field or a JSON string/bool/number field as text.
func (f *importForm) field(name string) (string, bool) {
	if v, ok := f.fields[name]; ok {
		return v, true
	}
	raw, ok := f.json[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return strings.TrimSpace(string(raw)), true
}

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Server) tenantDir(kind string, tenant *roster.Tenant) (string, error) {
	dir := filepath.Join(s.cfg.DataDir, kind, strconv.FormatInt(tenant.ID, 10))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	return dir, nil
}

func (s *Server) tooLarge() error {
	max := s.cfg.Limits.MaxFileBytes
	return roster.Errorf(roster.ETOOLARGE, "the file is larger than this server's upload limit of %s", byteSize(max)).
		With("limit", "max_file_bytes").With("max_file_bytes", max)
}

// readImportForm reads a multipart/form-data, urlencoded or JSON request.
// The file part is streamed to a new file in dir, hashed as it goes; the
// caller owns it (and removes it on error).
func (s *Server) readImportForm(w http.ResponseWriter, r *http.Request, dir string) (*importForm, error) {
	max := s.cfg.Limits.MaxFileBytes
	const formSlack = 1 << 20 // the option fields beside the file
	if r.ContentLength > max+formSlack {
		return nil, s.tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, max+formSlack)
	f := &importForm{fields: map[string]string{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		if err := decode(r, &f.json); err != nil {
			return nil, err
		}
		return f, nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, roster.Errorf(roster.EINVALID, "invalid form: %v", err)
		}
		for k, v := range r.PostForm {
			f.fields[k] = v[0]
		}
		return f, nil
	case "multipart/form-data":
	default:
		return nil, roster.Errorf(roster.EINVALID, "send the file as multipart/form-data (or upload_id as JSON), not %q", ct)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, roster.Errorf(roster.EINVALID, "invalid multipart body: %v", err)
	}
	fail := func(err error) (*importForm, error) {
		if f.file != nil {
			os.Remove(f.file.Path)
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, s.tooLarge()
		}
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(roster.Errorf(roster.EINVALID, "invalid multipart body: %v", err))
		}
		name := part.FormName()
		if name == "file" {
			if f.file != nil {
				return fail(roster.Errorf(roster.EINVALID, "send one file per request"))
			}
			f.file, err = s.storePart(part, dir)
			if err != nil {
				return fail(err)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10+1))
		if err != nil {
			return fail(err)
		}
		if len(b) > 64<<10 {
			return fail(roster.Errorf(roster.EINVALID, "form field %q is longer than 64 KiB", name).With("field", name))
		}
		f.fields[name] = string(b)
	}
	return f, nil
}

// storePart writes the file part to a new file named by a random id.
func (s *Server) storePart(part *multipart.Part, dir string) (*upload, error) {
	up := &upload{ID: randomID(), Name: filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))}
	if up.Name == "." || up.Name == "/" {
		up.Name = ""
	}
	up.Path = filepath.Join(dir, up.ID)
	out, err := os.OpenFile(up.Path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	max := s.cfg.Limits.MaxFileBytes
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(part, max+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = s.tooLarge()
	}
	if err != nil {
		os.Remove(up.Path)
		return nil, err
	}
	up.Size, up.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	if up.Size == 0 {
		os.Remove(up.Path)
		return nil, roster.Errorf(roster.EINVALID, "the file is empty").With("field", "file")
	}
	return up, nil
}

// keepUpload records a previewed file's metadata so upload_id finds it.
func keepUpload(up *upload) error {
	b, _ := json.Marshal(up)
	return os.WriteFile(up.Path+".json", b, 0o640)
}

// findUpload returns the previewed file upload_id names, of this tenant.
func (s *Server) findUpload(tenant *roster.Tenant, id string) (*upload, error) {
	notFound := roster.Errorf(roster.ENOTFOUND, "upload %q not found: it was imported already, expired after %s or never existed; upload the file again", id, uploadTTL).With("field", "upload_id")
	if !uploadIDRE.MatchString(id) {
		return nil, notFound
	}
	dir := filepath.Join(s.cfg.DataDir, "uploads", strconv.FormatInt(tenant.ID, 10))
	up := &upload{ID: id, Path: filepath.Join(dir, id)}
	b, err := os.ReadFile(up.Path + ".json")
	if errors.Is(err, os.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, up); err != nil {
		return nil, err
	}
	if st, err := os.Stat(up.Path); err != nil || time.Since(st.ModTime()) > uploadTTL {
		return nil, notFound
	}
	return up, nil
}

// sweepUploads removes the tenant's previewed files older than uploadTTL.
func sweepUploads(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > uploadTTL {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
