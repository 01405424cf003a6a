package web

import (
	"net/http"

	"roster"
)

func (s *Server) fieldList(w http.ResponseWriter, r *http.Request, c *caller) {
	kind, err := roster.ParseKind(r.PathValue("kind"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	fs, err := s.store.ListFields(r.Context(), c.tenant.ID, kind)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[*roster.FieldDef]{Data: fs})
}

func (s *Server) fieldCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	kind, err := roster.ParseKind(r.PathValue("kind"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := &roster.FieldDef{}
	if err := decode(r, f); err != nil {
		s.error(w, r, err)
		return
	}
	f.Kind, f.ID = kind, 0
	if err := s.store.CreateField(r.Context(), c.tenant.ID, f); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, f)
}

func (s *Server) fieldDelete(w http.ResponseWriter, r *http.Request, c *caller) {
	kind, err := roster.ParseKind(r.PathValue("kind"))
	if err == nil {
		if err = s.store.DeleteField(r.Context(), c.tenant.ID, kind, r.PathValue("key")); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.error(w, r, err)
}
