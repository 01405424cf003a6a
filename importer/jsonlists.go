package importer

import (
	"encoding/json"
	"slices"
	"strings"

	"roster/mapping"
	"roster/normalize"
)

// Some CRMs (Krayin, and others built on JSON columns) export a contact's
// emails and numbers as a JSON list in one cell:
//
//	[{"label": "work", "value": "ann@example.com"}, {"label": "home", "value": "ann@home.example"}]
//
// Such a cell reads as its values: the first email is the email and the
// rest other emails; numbers labelled as mobile go to mobile where the
// file has no mobile column, the others to the column's own field, and
// the report warns of numbers beyond what phone and mobile hold.

// labeled is one value of a JSON list cell.
type labeled struct{ label, value string }

// jsonValues reads a cell that is a JSON list of strings, numbers or
// objects with a "value"; false if it is not one.
func jsonValues(v string) ([]labeled, bool) {
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal([]byte(v), &items) != nil {
		return nil, false
	}
	out := make([]labeled, 0, len(items))
	for _, it := range items {
		var l labeled
		var obj struct {
			Label string          `json:"label"`
			Value json.RawMessage `json:"value"`
		}
		switch {
		case jsonScalar(it, &l.value):
		case json.Unmarshal(it, &obj) == nil && obj.Value != nil && jsonScalar(obj.Value, &l.value):
			l.label = obj.Label
		default:
			return nil, false
		}
		if l.value = strings.TrimSpace(l.value); l.value != "" {
			out = append(out, l)
		}
	}
	return out, true
}

// plainValues reads a cell of several values written out: Google
// Contacts' "ann@x.com ::: ann@y.com" and "+1 650 ::: +1 651", and an
// email cell of several addresses ("ann@x.com; ann.lee@y.com"), which
// reads as the email and other emails. false if it is one value.
func plainValues(key, v string) ([]labeled, bool) {
	var parts []string
	switch {
	case strings.Contains(v, " ::: "):
		parts = strings.Split(v, " ::: ")
	case key == "email" && strings.Count(v, "@") > 1:
		es, err := normalize.Emails(v)
		if err != nil || len(es) < 2 {
			return nil, false
		}
		parts = es
	default:
		return nil, false
	}
	out := make([]labeled, 0, len(parts))
	for _, part := range parts {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, labeled{value: part})
		}
	}
	return out, true
}

// jsonScalar reads a JSON string or number into dst.
func jsonScalar(raw json.RawMessage, dst *string) bool {
	if json.Unmarshal(raw, dst) == nil {
		return true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		*dst = n.String()
		return true
	}
	return false
}

// listKeys are the fields whose cells may be JSON lists.
var listKeys = map[string]bool{"email": true, "other_emails": true, "phone": true, "mobile": true}

// fromList reads a JSON list cell of a contact's key, and returns what the
// cell stands for in the field itself ("" for nothing).
func (p *parser) fromList(r *record, col int, key string, values []labeled) string {
	switch key {
	case "email":
		if len(values) == 0 {
			return ""
		}
		for _, l := range values[1:] {
			r.moreEmails = append(r.moreEmails, l.value)
		}
		r.moreEmailsCol = col
		return values[0].value
	case "other_emails":
		vs := make([]string, len(values))
		for i, l := range values {
			vs[i] = l.value
		}
		return strings.Join(vs, ",")
	}
	var own []string
	for _, l := range values {
		if key == "phone" && mobileLabel(l.label) && !p.mapped("mobile") && !r.has("mobile") {
			r.filled |= keyBits["mobile"]
			p.contactValue(r, col, "mobile", l.value)
			continue
		}
		own = append(own, l.value)
	}
	if len(own) > 1 {
		r.leftOut = append(r.leftOut, leftOut{leftMoreNumbers, col})
	}
	if len(own) == 0 {
		return ""
	}
	return own[0]
}

// mobileLabels are the labels (folded, mapping.Fold) that say a list
// value is a mobile.
var mobileLabels = map[string]bool{}

func init() {
	for _, l := range []string{"mobile", "cell", "cellular", "cell phone", "mobile phone", "handy", "mobil", "mobilní", "portable", "móvil", "celular", "휴대폰", "手机", "携帯"} {
		mobileLabels[mapping.Fold(l)] = true
	}
}

func mobileLabel(label string) bool { return mobileLabels[mapping.Fold(label)] }

// addMoreEmails adds the email list's other values to the other emails.
func (p *parser) addMoreEmails(r *record) {
	if len(r.moreEmails) == 0 || r.failed() {
		return
	}
	c := &r.contact
	for _, v := range r.moreEmails {
		e, err := normalize.Email(v)
		if err != nil {
			p.failErr(r, r.moreEmailsCol, err)
			return
		}
		if e != c.Email && !slices.Contains(c.OtherEmails, e) {
			c.OtherEmails = append(c.OtherEmails, e)
		}
	}
	if p.tooManyOthers(r, r.moreEmailsCol, len(c.OtherEmails)) {
		return
	}
	r.filled |= keyBits["other_emails"]
}

// listText is a tags or domains cell that is a JSON list (["vip", "beta"],
// as Zendesk's API exports tags and domain_names turned into CSV) written
// as the comma-separated values such a cell is split into; any other cell
// is returned as it is. Read as text, the list made tags of its brackets
// and quotes (`["vip"`).
func listText(v string) string {
	values, ok := jsonValues(v)
	if !ok {
		return v
	}
	parts := make([]string, len(values))
	for i, l := range values {
		parts[i] = l.value
	}
	return strings.Join(parts, ",")
}
