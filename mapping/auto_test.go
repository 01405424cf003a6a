package mapping

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// mapsTo checks that each header alone maps to key.
func mapsTo(t *testing.T, kind Kind, key string, headers ...string) {
	t.Helper()
	for _, h := range headers {
		t.Run(h, func(t *testing.T) {
			m := Auto(kind, []string{h}, nil)
			if m.Columns[0] != key {
				t.Errorf("%s header %q maps to %q, want %q", kind, h, m.Columns[0], key)
			}
		})
	}
}

func TestAutoContactSynonyms(t *testing.T) {
	tests := []struct {
		key     string
		headers []string
	}{
		{"email", []string{"이메일", "E-mail", "Email", "Email Address", "电子邮件", "邮箱", "電子郵件", "メールアドレス", "Ｅメール", "Courriel", "Correo electrónico", "E-Mail-Adresse", "Primary Email", "emails"}},
		{"name", []string{"이름", "Full Name", "Contact Name", "Name", "姓名", "氏名", "Jméno a příjmení", "Display Name", "名字", "Nom complet", "Vollständiger Name"}},
		{"first_name", []string{"Jméno", "First Name", "Vorname", "Prénom", "名", "Nombre", "first_name", "FirstName"}},
		{"last_name", []string{"Příjmení", "Last Name", "Nachname", "Nom", "Apellido(s)", "Apellido", "Apellidos", "姓", "Surname"}},
		{"company", []string{"회사", "회사명", "Company", "Company Name", "Account Name", "Organization", "Společnost", "Firma", "Klient", "Unternehmen", "Société", "Entreprise", "Empresa", "公司", "组织名称", "会社名", "組織名稱"}},
		{"company_external_id", []string{"外部组织ID", "Company External ID", "Company ID", "Account ID", "organization_id", "Organization Id"}},
		{"phone", []string{"Phone", "Work Phone", "Telefon", "Téléphone", "Teléfono", "전화", "전화번호", "电话", "電話番号", "Telefonní číslo", "Phone Number", "contact_numbers"}},
		{"mobile", []string{"Mobile", "Mobile Phone", "Mobile Phone Number", "Mobile Number", "Cell", "Handy", "Mobil", "Portable", "Móvil", "휴대폰", "휴대전화", "手机", "手機", "携帯電話"}},
		{"job_title", []string{"Job Title", "Title", "Position", "Funkce", "Pozice", "Berufsbezeichnung", "Poste", "Cargo", "직함", "직책", "职位", "役職", "job_title"}},
		{"tags", []string{"Tags", "Štítky", "태그", "标签", "標籤", "タグ", "Schlagwörter", "Étiquettes", "Etiquetas"}},
		{"external_id", []string{"External ID", "Contact ID", "Customer Id", "User Id", "user_id", "ID", "외부 ID", "外部ID", "ＩＤ", "Unique External ID", "Record ID"}},
		{"time_zone", []string{"Time Zone", "Timezone", "Zeitzone", "시간대", "时区", "Časové pásmo", "Fuseau horaire", "Zona horaria", "タイムゾーン"}},
		{"language", []string{"Language", "Sprache", "Jazyk", "언어", "语言", "言語", "Langue", "Idioma"}},
		{"address", []string{"Address", "Adresa", "Adresse", "Dirección", "주소", "地址", "住所", "Work Address", "Mailing Street"}},
		{"description", []string{"Description", "Notes", "Popis", "Poznámka", "Beschreibung", "설명", "描述", "备注", "説明"}},
		{"other_emails", []string{"Other Emails", "Secondary Emails", "Secondary Email", "Další e-maily"}},
		{"view_all_tickets", []string{"Can see all tickets", "View all tickets", "Can see all tickets from this company", "view_all_tickets"}},
		{"role", []string{"Role", "Rolle", "역할", "角色", "Rôle", "Rol"}},
		{"username", []string{"Username", "User Name", "Login", "사용자 이름", "用户名", "Benutzername", "ユーザー名"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) { mapsTo(t, Contacts, tt.key, tt.headers...) })
	}
}

func TestAutoCompanySynonyms(t *testing.T) {
	tests := []struct {
		key     string
		headers []string
	}{
		{"name", []string{"Name", "Company Name", "Company", "Account Name", "회사", "회사명", "Společnost", "Název", "Firma", "组织名称", "公司名称", "会社名", "Organization", "Nom", "Nombre", "Raison sociale"}},
		{"external_id", []string{"External ID", "Company ID", "Organization Id", "외부 ID", "外部组织ID", "ID", "Account ID"}},
		{"domains", []string{"Domains", "Domain", "도메인", "域名", "Doména", "Company Domain Name"}},
		{"website", []string{"Website", "Web", "URL", "웹사이트", "网站", "Webové stránky", "Website URL", "Site web", "Sitio web"}},
		{"industry", []string{"Industry", "Branche", "Odvětví", "업종", "行业", "業種", "Secteur"}},
		{"phone", []string{"Phone", "Company Phone", "Telefon", "电话"}},
		{"description", []string{"Description", "Popis", "备注"}},
		{"address", []string{"Address", "Billing Street", "Adresa", "住所"}},
		{"tags", []string{"Tags", "Štítky", "标签"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) { mapsTo(t, Companies, tt.key, tt.headers...) })
	}
}

func TestAutoLeavesUnmapped(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		header string
	}{
		{"registration number is not an external id", Companies, "IČO"},
		{"czech academic title is not a job title", Contacts, "Titul"},
		{"company file has no email", Companies, "Email"},
		{"contact file has no website", Contacts, "Website"},
		{"contact file has no industry", Contacts, "Industry"},
		{"unknown words", Contacts, "Subscription Date"},
		{"a number alone", Contacts, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Auto(tt.kind, []string{tt.header}, nil)
			if m.Columns[0] != "" || !reflect.DeepEqual(m.Unmapped, []string{tt.header}) {
				t.Errorf("Auto(%s, %q) = %+v, want it unmapped", tt.kind, tt.header, m)
			}
		})
	}
}

func TestAutoRules(t *testing.T) {
	custom := []Custom{{Key: "loyalty_tier", Label: "Loyalty Tier"}, {Key: "salutation", Label: "Title"}}
	tests := []struct {
		name     string
		kind     Kind
		header   []string
		custom   []Custom
		want     []string
		unmapped []string
		warnings []string
	}{
		{name: "exact canonical key", kind: Contacts, header: []string{"email", "company_external_id"},
			want: []string{"email", "company_external_id"}},
		{name: "custom field by key", kind: Contacts, header: []string{"loyalty_tier"}, custom: custom,
			want: []string{"loyalty_tier"}},
		{name: "custom field by folded label", kind: Contacts, header: []string{"LOYALTY-TIER"}, custom: custom,
			want: []string{"loyalty_tier"}},
		{name: "custom label beats synonym", kind: Contacts, header: []string{"Title"}, custom: custom,
			want: []string{"salutation"}},
		{name: "canonical key beats custom label", kind: Contacts, header: []string{"Email"},
			custom: []Custom{{Key: "work_mail", Label: "Email"}}, want: []string{"email"}},
		{name: "second email column goes to other emails", kind: Contacts, header: []string{"E-mail", "Email Address"},
			want:     []string{"email", "other_emails"},
			warnings: []string{`columns "E-mail" and "Email Address" both map to email; "Email Address" goes to other_emails, which no other column fills`}},
		{name: "numbered repeat maps like its column", kind: Contacts, header: []string{"E-mail", "Email 2"},
			want:     []string{"email", "other_emails"},
			warnings: []string{`columns "E-mail" and "Email 2" both map to email; "Email 2" goes to other_emails, which no other column fills`}},
		{name: "a third email column is ignored", kind: Contacts, header: []string{"Email", "Email 2", "Email 3"},
			want: []string{"email", "other_emails", ""},
			warnings: []string{`columns "Email" and "Email 2" both map to email; "Email 2" goes to other_emails, which no other column fills`,
				`columns "Email" and "Email 3" both map to email; "Email 3" is ignored`}},
		{name: "address lines are joined", kind: Contacts, header: []string{"Address", "Address 2", "Email"},
			want:     []string{"address", "address", "email"},
			warnings: []string{`columns "Address" and "Address 2" both map to address; their cells are joined with a comma`}},
		{name: "notes join the description", kind: Companies, header: []string{"Name", "Description", "Notes"},
			want:     []string{"name", "description", "description"},
			warnings: []string{`columns "Description" and "Notes" both map to description; their cells are joined as paragraphs`}},
		{name: "second phone column goes to mobile", kind: Contacts, header: []string{"Phone 1", "Phone 2"},
			want:     []string{"phone", "mobile"},
			warnings: []string{`columns "Phone 1" and "Phone 2" both map to phone; "Phone 2" goes to mobile, which no other column fills`}},
		{name: "companies have no mobile", kind: Companies, header: []string{"Name", "Phone 1", "Phone 2"},
			want:     []string{"name", "phone", ""},
			warnings: []string{`columns "Phone 1" and "Phone 2" both map to phone; "Phone 2" is ignored`}},
		{name: "phone 2 does not steal mobile", kind: Contacts, header: []string{"Phone 1", "Phone 2", "Mobile"},
			want:     []string{"phone", "", "mobile"},
			warnings: []string{`columns "Phone 1" and "Phone 2" both map to phone; "Phone 2" is ignored`}},
		{name: "stronger match keeps the key", kind: Contacts, header: []string{"Email 1", "Email"},
			want:     []string{"other_emails", "email"},
			warnings: []string{`columns "Email 1" and "Email" both map to email; "Email 1" goes to other_emails, which no other column fills`}},
		{name: "canonical key beats earlier synonym", kind: Contacts, header: []string{"Work Email", "Email", "Other emails"},
			want:     []string{"", "email", "other_emails"},
			warnings: []string{`columns "Work Email" and "Email" both map to email; "Work Email" is ignored`}},
		{name: "blank header is a warning not unmapped", kind: Contacts, header: []string{"Email", " "},
			want: []string{"email", ""}, warnings: []string{"column 2 has no header name; it is ignored"}},
		{name: "unmapped in file order", kind: Contacts, header: []string{"Zeta", "Email", "Alpha"},
			want: []string{"", "email", ""}, unmapped: []string{"Zeta", "Alpha"}},
		{name: "czech RAYNET contact export", kind: Contacts, header: []string{"Jméno", "Příjmení", "E-mail", "Telefon", "Mobil", "Klient", "Pozice", "Štítky", "Poznámka"},
			want: []string{"first_name", "last_name", "email", "phone", "mobile", "company", "job_title", "tags", "description"}},
		{name: "unknown kind maps customs only", kind: "people", header: []string{"Email", "Loyalty Tier"}, custom: custom,
			want: []string{"", "loyalty_tier"}, unmapped: []string{"Email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Auto(tt.kind, tt.header, tt.custom)
			check(t, m, tt.want, tt.unmapped, tt.warnings)
		})
	}
}

func check(t *testing.T, m Mapping, want, unmapped, warnings []string) {
	t.Helper()
	if !reflect.DeepEqual(m.Columns, want) {
		t.Errorf("Columns = %q, want %q", m.Columns, want)
	}
	if len(m.Unmapped) != len(unmapped) || len(unmapped) > 0 && !reflect.DeepEqual(m.Unmapped, unmapped) {
		t.Errorf("Unmapped = %q, want %q", m.Unmapped, unmapped)
	}
	if len(m.Warnings) != len(warnings) || len(warnings) > 0 && !reflect.DeepEqual(m.Warnings, warnings) {
		t.Errorf("Warnings = %q, want %q", m.Warnings, warnings)
	}
}

// Every key is given once, but for the fields several columns join.
func TestAutoEveryKeyAtMostOnce(t *testing.T) {
	var header []string
	for _, table := range []map[string]phrases{contactSynonyms} {
		for _, byLang := range table {
			for _, list := range byLang {
				header = append(header, list...)
			}
		}
	}
	m := Auto(Contacts, header, nil)
	seen := map[string]bool{}
	for i, k := range m.Columns {
		if k == "" {
			continue
		}
		if _, joined := Joined[k]; seen[k] && !joined {
			t.Fatalf("key %s given twice (column %q)", k, header[i])
		}
		seen[k] = true
	}
	if len(seen) != len(Keys(Contacts)) || len(m.Unmapped) != 0 {
		t.Fatalf("mapped %d keys, unmapped %q", len(seen), m.Unmapped)
	}
	if !strings.Contains(strings.Join(m.Warnings, "\n"), "is ignored") {
		t.Fatal("no duplicate warnings")
	}
}

// Google Contacts' and Outlook's exports, as they come: their numbered
// columns map as their plain ones would, the second email and phone go to
// other emails and mobile, and labels, types and address parts stay out.
func TestAutoGoogleAndOutlookExports(t *testing.T) {
	google := []string{"First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title", "Notes", "Labels",
		"E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value",
		"Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
		"Website 1 - Label", "Website 1 - Value"}
	oldGoogle := []string{"Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
		"Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Title"}
	outlook := []string{"First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Business Phone", "Mobile Phone",
		"Company", "Job Title"}
	for _, tc := range []struct {
		header []string
		want   map[string]string // header -> key; the rest unmapped
	}{
		{google, map[string]string{"First Name": "first_name", "Last Name": "last_name", "Organization Name": "company",
			"Organization Title": "job_title", "Notes": "description", "Labels": "tags", "E-mail 1 - Value": "email",
			"E-mail 2 - Value": "other_emails", "Phone 1 - Value": "phone", "Phone 2 - Value": "mobile", "Address 1 - Formatted": "address", "Address 1 - City": "address"}},
		{oldGoogle, map[string]string{"Name": "name", "Given Name": "first_name", "Family Name": "last_name", "E-mail 1 - Value": "email",
			"Phone 1 - Value": "phone", "Organization 1 - Name": "company", "Organization 1 - Title": "job_title"}},
		{outlook, map[string]string{"First Name": "first_name", "Last Name": "last_name", "E-mail Address": "email",
			"E-mail 2 Address": "other_emails", "Business Phone": "phone", "Mobile Phone": "mobile", "Company": "company", "Job Title": "job_title"}},
	} {
		m := Auto(Contacts, tc.header, nil)
		for i, h := range tc.header {
			if got := m.Columns[i]; got != tc.want[h] {
				t.Errorf("%q maps to %q, want %q", h, got, tc.want[h])
			}
		}
	}
}

// "Name" and "이름" mean the whole name alone; beside a family-name column
// they are the given name, and German "Name" beside "Vorname" is the
// family name. The canonical key "name" always means the whole name.
func TestAutoNameBesideItsParts(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   []string
	}{
		{[]string{"Name", "E-mail"}, []string{"name", "email"}},
		{[]string{"이름", "이메일"}, []string{"name", "email"}},
		{[]string{"성", "이름", "이메일"}, []string{"last_name", "first_name", "email"}},
		{[]string{"Name", "Surname", "Email"}, []string{"first_name", "last_name", "email"}},
		{[]string{"Name", "Vorname", "E-Mail"}, []string{"last_name", "first_name", "email"}},
		{[]string{"Name", "First Name", "Last Name"}, []string{"name", "first_name", "last_name"}},
		{[]string{"name", "last_name", "email"}, []string{"name", "last_name", "email"}},
	} {
		if m := Auto(Contacts, tc.header, nil); !slices.Equal(m.Columns, tc.want) {
			t.Errorf("%q maps to %q, want %q", tc.header, m.Columns, tc.want)
		}
	}
}

// A home phone or a private email is the one to keep when it is the only
// one; beside a work one it goes where nothing else does, or is reported.
func TestAutoSecondaryColumns(t *testing.T) {
	for _, tc := range []struct {
		header, want []string
	}{
		{[]string{"Name", "Home Phone"}, []string{"name", "phone"}},
		{[]string{"Name", "Business Phone", "Home Phone"}, []string{"name", "phone", "mobile"}},
		{[]string{"Name", "Work Phone", "Mobile", "Home Phone"}, []string{"name", "phone", "mobile", ""}},
		{[]string{"Person - Name", "Person - Email - Work", "Person - Email - Home", "Person - Phone - Mobile"}, []string{"name", "email", "other_emails", "mobile"}},
		{[]string{"Name", "Email (home)"}, []string{"name", "email"}},
	} {
		if m := Auto(Contacts, tc.header, nil); !slices.Equal(m.Columns, tc.want) {
			t.Errorf("%q maps to %q, want %q", tc.header, m.Columns, tc.want)
		}
	}
}
