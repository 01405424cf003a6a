package web

import (
	"net/http"

	"roster"
)

func (s *Server) companyList(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	p, err := page(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := roster.CompanyFilter{Query: q.Get("q"), Name: q.Get("name"), Tag: q.Get("tag"), ExternalID: q.Get("external_id"), Page: p}
	cs, next, err := s.store.ListCompanies(r.Context(), c.tenant.ID, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[*roster.Company]{Data: cs, NextCursor: next})
}

func (s *Server) companyGet(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err == nil {
		var co *roster.Company
		if co, err = s.store.FindCompany(r.Context(), c.tenant.ID, id); err == nil {
			writeJSON(w, http.StatusOK, co)
			return
		}
	}
	s.error(w, r, err)
}

func (s *Server) companyCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	co := &roster.Company{}
	if err := s.readCompany(r, co); err != nil {
		s.error(w, r, err)
		return
	}
	co.ID = 0
	if err := s.store.CreateCompany(r.Context(), c.tenant.ID, co); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, co)
}

// companyUpdate merges the body into the stored company, as contactUpdate does.
func (s *Server) companyUpdate(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	co, err := s.store.FindCompany(r.Context(), c.tenant.ID, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.readCompany(r, co); err != nil {
		s.error(w, r, err)
		return
	}
	co.ID = id
	if err := s.store.UpdateCompany(r.Context(), c.tenant.ID, co); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, co)
}

func (s *Server) readCompany(r *http.Request, co *roster.Company) error {
	if err := decode(r, co); err != nil {
		return err
	}
	var err error
	co.Phone, err = s.phone("phone", co.Phone)
	return err
}

func (s *Server) companyDelete(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := pathID(r)
	if err == nil {
		if err = s.store.DeleteCompany(r.Context(), c.tenant.ID, id); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.error(w, r, err)
}
