package importer

// Salesforce writes a record's id in two forms: 15 characters, case
// sensitive, in reports and its classic pages, and 18, whose last 3 spell
// the case of the first 15, from its API and Data Loader. Accounts loaded
// with one form and contacts whose "Account ID" has the other name the
// same accounts, so a company named by external id is looked for by the
// other form too. Another system's id takes that form only by chance: an
// 18-character one must end in the checksum of its first 15, and a
// company must already hold the other form.

// salesforceAlt returns the other form of a Salesforce id, or "".
func salesforceAlt(id string) string {
	switch len(id) {
	case 15:
		if alnum(id) {
			return id + salesforceSuffix(id)
		}
	case 18:
		if alnum(id) && id[15:] == salesforceSuffix(id[:15]) {
			return id[:15]
		}
	}
	return ""
}

// salesforceSuffix is the 3 characters that make a 15-character id 18:
// one for each 5, its bits saying which of them are capitals.
func salesforceSuffix(id string) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var out [3]byte
	for i := range out {
		bits := 0
		for j := range 5 {
			if c := id[5*i+j]; 'A' <= c && c <= 'Z' {
				bits |= 1 << j
			}
		}
		out[i] = digits[bits]
	}
	return string(out[:])
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
