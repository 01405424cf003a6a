package importer

import "testing"

// Salesforce's documented example, 001D000000IqhSL and its 18-character
// form 001D000000IqhSLIAZ, and ids of other systems that take no other form.
func TestSalesforceAlt(t *testing.T) {
	for in, want := range map[string]string{
		"001D000000IqhSL":    "001D000000IqhSLIAZ",
		"001D000000IqhSLIAZ": "001D000000IqhSL",
		"0015g00000AbCdE":    "0015g00000AbCdEAAV", // A, C and E of the last five: 1+4+16 = V
		"001D000000IqhSLAAA": "",                   // 18 characters, but not their checksum
		"CRM-0000000000017":  "",
		"ACME-1":             "",
		"001d000000iqhsl-x":  "",
		"":                   "",
	} {
		if got := salesforceAlt(in); got != want {
			t.Errorf("salesforceAlt(%q) = %q, want %q", in, got, want)
		}
	}
}
