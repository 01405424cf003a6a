package web

import (
	"net/http"

	"roster"
	"roster/importer"
)

// profileInput is the body of POST and PUT /import-profiles.
type profileInput struct {
	Name    string               `json:"name"`
	Options roster.ImportOptions `json:"options"`
}

func (s *Server) profileList(w http.ResponseWriter, r *http.Request, c *caller) {
	ps, err := s.store.ListProfiles(r.Context(), c.tenant.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[*roster.Profile]{Data: ps})
}

// readProfile decodes a profile body; its options get the import defaults
// (contacts default to creating the companies they name, as in the CLI).
func readProfile(r *http.Request) (*roster.Profile, error) {
	in := profileInput{Options: roster.ImportOptions{CreateCompanies: true}}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	opts, err := checkOptions(in.Options)
	if err != nil {
		return nil, err
	}
	return &roster.Profile{Name: in.Name, Options: opts}, nil
}

func (s *Server) profileCreate(w http.ResponseWriter, r *http.Request, c *caller) {
	p, err := readProfile(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if p.Name == "" {
		s.error(w, r, roster.Errorf(roster.EINVALID, "name: a profile needs a name").With("field", "name"))
		return
	}
	if err := importer.CheckProfile(r.Context(), s.store, c.tenant.ID, p); err != nil {
		s.error(w, r, err)
		return
	}
	switch _, err := s.store.FindProfile(r.Context(), c.tenant.ID, p.Name); {
	case err == nil:
		s.error(w, r, roster.Errorf(roster.ECONFLICT, "import profile %q exists; PUT /api/v1/import-profiles/{name} replaces it", p.Name).With("field", "name"))
		return
	case roster.ErrorCode(err) != roster.ENOTFOUND:
		s.error(w, r, err)
		return
	}
	if err := s.store.SaveProfile(r.Context(), c.tenant.ID, p); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/import-profiles/"+p.Name)
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) profileGet(w http.ResponseWriter, r *http.Request, c *caller) {
	p, err := s.store.FindProfile(r.Context(), c.tenant.ID, r.PathValue("name"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// profilePut creates or replaces the profile the path names.
func (s *Server) profilePut(w http.ResponseWriter, r *http.Request, c *caller) {
	p, err := readProfile(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	name := r.PathValue("name")
	if p.Name != "" && p.Name != name {
		s.error(w, r, roster.Errorf(roster.EINVALID, "name: the body names %q but the path %q; a profile is not renamed", p.Name, name).With("field", "name"))
		return
	}
	p.Name = name
	if err := importer.CheckProfile(r.Context(), s.store, c.tenant.ID, p); err != nil {
		s.error(w, r, err)
		return
	}
	status := http.StatusOK
	switch _, err := s.store.FindProfile(r.Context(), c.tenant.ID, name); {
	case roster.ErrorCode(err) == roster.ENOTFOUND:
		status = http.StatusCreated
	case err != nil:
		s.error(w, r, err)
		return
	}
	if err := s.store.SaveProfile(r.Context(), c.tenant.ID, p); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, status, p)
}

func (s *Server) profileDelete(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := s.store.DeleteProfile(r.Context(), c.tenant.ID, r.PathValue("name")); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
