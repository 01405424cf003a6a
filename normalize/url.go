package normalize

import (
	"net/url"
	"strings"
)

// URL validates an absolute http or https URL with a host and returns it
// trimmed, with scheme and host lower-cased.
func URL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errorf(CodeInvalidURL, "not a valid URL: %q", s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		// "www.example.com" parses as a relative path; say what to do.
		if !strings.Contains(s, "://") && strings.Contains(s, ".") && !strings.ContainsAny(s, " \t") {
			return "", errorf(CodeInvalidURL, "URL %q has no scheme; add https:// (e.g. https://%s)", s, s)
		}
		return "", errorf(CodeInvalidURL, "not a valid URL: %q", s)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		// "example.com:8080" parses with scheme "example.com".
		if strings.Contains(u.Scheme, ".") {
			return "", errorf(CodeInvalidURL, "URL %q has no scheme; add https:// (e.g. https://%s)", s, s)
		}
		return "", errorf(CodeInvalidURL, "URL %q must start with http:// or https://", s)
	}
	if u.Host == "" || u.Hostname() == "" || u.Opaque != "" || strings.ContainsAny(s, " \t\r\n") {
		return "", errorf(CodeInvalidURL, "not a valid URL: %q", s)
	}
	// Rewrite only the prefix so the rest stays exactly as given (url.URL's
	// String would re-escape paths and queries).
	prefix := u.Scheme + "://"
	rest := s[len(prefix):]
	if u.User != nil {
		return scheme + "://" + rest, nil
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	return scheme + "://" + strings.ToLower(rest[:hostEnd]) + rest[hostEnd:], nil
}

// Website is URL for a company's website, where a bare host is the
// site's address: HubSpot, RAYNET and most CRMs keep "acme.com" or
// "www.acme.cz" in that field, and an import of their export should not
// fail for it. Such a cell gets https://; anything else is URL's.
func Website(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") && !strings.ContainsAny(s, " \t@") && strings.Contains(s, ".") {
		host, _, _ := strings.Cut(s, "/")
		host, _, _ = strings.Cut(host, "?")
		if i := strings.LastIndexByte(host, '.'); i > 0 && i < len(host)-1 {
			return URL("https://" + s)
		}
	}
	return URL(s)
}
