package mapping

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"lower case", "EMAIL", "email"},
		{"hyphen removed", "E-mail", "email"},
		{"spaces removed", "Email Address", "emailaddress"},
		{"underscores removed", "first_name", "firstname"},
		{"dots removed", "Tel.", "tel"},
		{"punctuation removed", "Apellido(s)", "apellidos"},
		{"apostrophe removed", "Nom d'utilisateur", "nomdutilisateur"},
		{"czech accents", "Příjmení", "prijmeni"},
		{"czech ring and caron", "Štítky Ů", "stitkyu"},
		{"french accents", "Prénom Société", "prenomsociete"},
		{"spanish accents", "Correo electrónico", "correoelectronico"},
		{"german umlaut", "Schlagwörter", "schlagworter"},
		{"german eszett kept", "Straße", "straße"},
		{"unicode upper case", "ÉTIQUETTES", "etiquettes"},
		{"turkish dotted I", "İD", "id"},
		{"full-width latin", "ＥＭＡＩＬ", "email"},
		{"full-width mixed with katakana", "Ｅメール", "eメール"},
		{"half-width katakana", "ﾒｰﾙｱﾄﾞﾚｽ", "メールアドレス"},
		{"katakana voicing kept", "データ", "データ"},
		{"hiragana kept", "すべての", "すべての"},
		{"hangul kept", "이메일 주소", "이메일주소"},
		{"hangul with latin", "외부 ID", "외부id"},
		{"han kept", "电子邮件", "电子邮件"},
		{"traditional han kept", "電子郵件", "電子郵件"},
		{"full-width digits", "Phone １", "phone1"},
		{"ideographic space and punctuation", "会社名　（正式）", "会社名正式"},
		{"byte order mark dropped", "\ufeffName", "name"},
		{"digits kept", "Phone 2", "phone2"},
		{"only punctuation", " - # ", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	contacts := []string{"name", "first_name", "last_name", "email", "other_emails", "phone", "mobile",
		"company", "company_external_id", "view_all_tickets", "job_title", "tags", "external_id",
		"username", "role", "language", "time_zone", "address", "description"}
	companies := []string{"name", "external_id", "domains", "website", "phone", "description", "industry", "address", "tags"}
	for _, tt := range []struct {
		kind Kind
		want []string
	}{{Contacts, contacts}, {Companies, companies}, {"people", nil}} {
		t.Run(string(tt.kind), func(t *testing.T) {
			got := Keys(tt.kind)
			if len(got) != len(tt.want) {
				t.Fatalf("Keys(%q) = %v, want %v", tt.kind, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Keys(%q) = %v, want %v", tt.kind, got, tt.want)
				}
			}
		})
	}
	t.Run("returns a copy", func(t *testing.T) {
		Keys(Contacts)[0] = "broken"
		if Keys(Contacts)[0] != "name" {
			t.Fatal("Keys exposes its table")
		}
	})
}
