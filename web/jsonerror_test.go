package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"roster"
)

// A bad JSON body is explained in the API's words, naming the field.
func TestJSONBodyErrors(t *testing.T) {
	var v struct {
		Name  string   `json:"name"`
		Seats int      `json:"seats"`
		Tags  []string `json:"tags"`
	}
	for _, tc := range []struct{ body, want, field string }{
		{`[]`, "want an object, not array", ""},
		{`{"name": 3}`, "name: want a string, not number", "name"},
		{`{"seats": "x"}`, "seats: want a number, not string", "seats"},
		{`{"tags": "a"}`, "tags: want a list, not string", "tags"},
		{`{"colour": "red"}`, `unknown field "colour"`, "colour"},
		{`{"name": `, "invalid JSON body", ""},
		{`{"name" "x"}`, "invalid JSON body at byte", ""},
		{``, "it is empty", ""},
	} {
		err := decode(httptest.NewRequest("POST", "/", bytes.NewBufferString(tc.body)), &v)
		e, ok := err.(*roster.Error)
		if !ok || e.Code != roster.EINVALID || !strings.Contains(e.Message, tc.want) || strings.Contains(e.Message, "Go value") {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
			continue
		}
		if got, _ := e.Details["field"].(string); got != tc.field {
			t.Errorf("%s: field %q, want %q", tc.body, got, tc.field)
		}
	}
}
