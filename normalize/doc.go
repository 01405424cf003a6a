// Package normalize validates and normalizes single cell values (e-mail
// addresses, phone numbers, URLs, dates, choices, tags, numbers, text) for
// the import pipeline and the HTTP API.
//
// Every function is pure and safe for concurrent use. Validation failures
// are always returned as *Error, whose Code is stable and whose Message can
// be shown to the user.
package normalize
