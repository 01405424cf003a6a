package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"roster"
)

func (s *Server) contactList(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	p, err := page(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := roster.ContactFilter{Query: q.Get("q"), Email: q.Get("email"), Tag: q.Get("tag"),
		ExternalID: q.Get("external_id"), Username: q.Get("username"), Page: p}
	if f.Phone, err = s.phone("phone", q.Get("phone")); err != nil {
		s.error(w, r, err)
		return
	}
	if v := q.Get("company_id"); v != "" {
		if f.CompanyID, err = strconv.ParseInt(v, 10, 64); err != nil {
			s.error(w, r, roster.Errorf(roster.EINVALID, "company_id must be a number"))
			return
		}
	}
	cs, next, err := s.store.ListContacts(r.Context(), c.tenant.ID, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[*roster.Contact]{Data: cs, NextCursor: next})
}

func (s *Server) contactGet(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err == nil {
		var ct *roster.Contact
		if ct, err = s.store.FindContact(r.Context(), c.tenant.ID, id); err == nil {
			writeJSON(w, http.StatusOK, ct)
			return
		}
	}
	s.error(w, r, err)
}

func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	ct := &roster.Contact{}
	if err := s.readContact(r, ct); err != nil {
		s.error(w, r, err)
		return
	}
	ct.ID = 0
	if err := s.store.CreateContact(r.Context(), c.tenant.ID, ct); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ct)
}

// contactUpdate applies the fields present in the body to the stored
// contact (JSON merge: absent fields stay, lists are replaced whole,
// custom_fields are merged key by key and null removes one).
func (s *Server) contactUpdate(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ct, err := s.store.FindContact(r.Context(), c.tenant.ID, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.readContact(r, ct); err != nil {
		s.error(w, r, err)
		return
	}
	ct.ID = id
	if err := s.store.UpdateContact(r.Context(), c.tenant.ID, ct); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ct)
}

// readContact decodes the body over ct and normalizes phones and emails
// the way the import does, so every write path stores the same forms.
func (s *Server) readContact(r *http.Request, ct *roster.Contact) error {
	// encoding/json decodes array elements over the ones already in the
	// slice, so on PATCH a membership sent without view_all_tickets would
	// inherit it from the stored membership at the same position. The
	// shadowing field gets the memberships into fresh memory instead.
	body := struct {
		*roster.Contact
		Companies json.RawMessage `json:"companies"`
	}{Contact: ct}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Companies != nil {
		var ms []roster.Membership
		dec := json.NewDecoder(bytes.NewReader(body.Companies))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ms); err != nil {
			return roster.Errorf(roster.EINVALID, "invalid JSON body: companies: %v", err).With("field", "companies")
		}
		ct.Companies = ms
	}
	var err error
	if ct.Phone, err = s.phone("phone", ct.Phone); err != nil {
		return err
	}
	if ct.Mobile, err = s.phone("mobile", ct.Mobile); err != nil {
		return err
	}
	if ct.Email, err = email("email", ct.Email); err != nil {
		return err
	}
	for i, e := range ct.OtherEmails {
		if ct.OtherEmails[i], err = email("other_emails", e); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err == nil {
		if err = s.store.DeleteContact(r.Context(), c.tenant.ID, id); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.error(w, r, err)
}
