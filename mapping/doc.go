// Package mapping maps the header names of an uploaded contacts or companies
// file to Roster's canonical field keys (and to a tenant's custom fields),
// either automatically from a multilingual synonym table or from an explicit
// "--map 'Header=key,…'" specification.
package mapping
