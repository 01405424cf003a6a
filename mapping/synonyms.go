package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// phrases lists the header phrases that mean one key, by language: ISO 639-1
// codes, "zh-Hant" for traditional Chinese, and "export" for the literal
// headers of particular systems' exports (Freshdesk, HubSpot, Salesforce,
// Zendesk, Genesys, RAYNET, Krayin, Thunderbird, datablist samples).
// Phrases are written as people type them; they are folded at init.
type phrases map[string][]string

// Shared by contacts and companies: the words are the same for both.
var (
	phonePhrases = phrases{
		"en":      {"Phone", "Work Phone", "Phone Number", "Telephone", "Telephone Number", "Business Phone", "Office Phone", "Tel", "Landline", "Direct Phone", "Contact Number", "Contact Numbers"},
		"export":  {"Phone - Work", "Person - Phone - Work", "Person - Phone"},
		"cs":      {"Telefon", "Telefonní číslo", "Tel. číslo", "Pevná linka", "Telefon do práce"},
		"de":      {"Telefonnummer", "Telefon geschäftlich", "Festnetz", "Rufnummer"},
		"fr":      {"Téléphone", "Numéro de téléphone", "Téléphone fixe", "Téléphone professionnel", "Tél. professionnel"},
		"es":      {"Teléfono", "Número de teléfono", "Teléfono fijo", "Teléfono del trabajo", "Teléfono de trabajo"},
		"ko":      {"전화", "전화번호", "직장 전화", "회사 전화", "유선 전화", "연락처"},
		"zh":      {"电话", "电话号码", "联系电话", "座机", "办公电话", "工作电话"},
		"zh-Hant": {"電話", "電話號碼", "聯絡電話", "辦公電話"},
		"ja":      {"電話番号", "固定電話", "勤務先電話", "会社電話"},
	}
	tagPhrases = phrases{
		"en":      {"Tags", "Tag", "Labels", "Label"},
		"cs":      {"Štítky", "Štítek", "Tagy"},
		"de":      {"Schlagwörter", "Schlagworte", "Stichwörter", "Etiketten"},
		"fr":      {"Étiquettes", "Mots-clés"},
		"es":      {"Etiquetas"},
		"ko":      {"태그", "라벨"},
		"zh":      {"标签"},
		"zh-Hant": {"標籤", "標簽"},
		"ja":      {"タグ", "ラベル"},
	}
	addressPhrases = phrases{
		// Home addresses are deliberately absent: in a support directory the
		// work address is the one wanted, and Thunderbird exports both. The
		// parts of an address (city, postal code, country) are joined into
		// it, in the file's column order.
		"en": {"Address", "Work Address", "Business Address", "Street Address", "Street", "Mailing Address", "Mailing Street", "Billing Address", "Billing Street", "Postal Address", "Full Address", "Address Line", "Address Line 1",
			"City", "Town", "Postal Code", "Postcode", "Zip", "Zip Code", "ZIP/Postal Code", "State/Province", "State/Region", "Country", "Country/Region",
			"Mailing City", "Mailing State", "Mailing Zip", "Mailing Postal Code", "Mailing Country", "Billing City", "Billing State", "Billing Zip", "Billing Code", "Billing Postal Code", "Billing Country",
			"Business City", "Business State", "Business Postal Code", "Business Country/Region", "Work City", "Work State", "Work ZipCode", "Work Country", "Address 1 - City", "Address 1 - Postal Code", "Address 1 - Region", "Address 1 - Country"},
		"cs":      {"Adresa", "Ulice", "Sídlo", "Poštovní adresa", "Město", "Obec", "PSČ", "Země"},
		"de":      {"Adresse", "Anschrift", "Straße", "Postanschrift", "Ort", "Stadt", "PLZ", "Postleitzahl", "Land"},
		"fr":      {"Adresse postale", "Rue", "Ville", "Code postal", "Pays"},
		"es":      {"Dirección", "Domicilio", "Calle", "Dirección postal", "Ciudad", "Código postal", "País"},
		"ko":      {"주소", "회사 주소", "도시", "우편번호", "국가"},
		"zh":      {"地址", "联系地址", "通讯地址", "详细地址", "城市", "邮编", "邮政编码", "国家"},
		"zh-Hant": {"聯絡地址", "通訊地址", "郵遞區號", "國家"},
		"ja":      {"住所", "所在地", "郵便番号", "都道府県", "市区町村"},
	}
	descriptionPhrases = phrases{
		"en":      {"Description", "Notes", "Note", "Comments", "Comment", "Details", "About", "Remarks", "Background Information"},
		"cs":      {"Popis", "Poznámka", "Poznámky", "Komentář"},
		"de":      {"Beschreibung", "Notizen", "Notiz", "Bemerkung", "Bemerkungen", "Anmerkungen", "Kommentar"},
		"fr":      {"Remarques", "Commentaire", "Commentaires"},
		"es":      {"Descripción", "Notas", "Nota", "Comentarios", "Observaciones"},
		"ko":      {"설명", "메모", "비고", "노트"},
		"zh":      {"描述", "备注", "说明", "简介"},
		"zh-Hant": {"備註", "說明", "簡介"},
		"ja":      {"説明", "備考", "メモ", "詳細"},
	}
)

// contactSynonyms: header phrases per contact key.
//
// Decisions: 名字 is taken in its Chinese sense (a person's name) and so maps
// to name, not to last_name as Japanese 名字 (myōji) would; an ID column from a
// foreign system ("Contact ID", "Customer Id", "User Id", "ID") is that
// system's record id and maps to external_id; a bare "Title" is a job title
// (Salesforce), while Czech "Titul" and German "Titel" (Ing., Dr.) are not.
var contactSynonyms = map[string]phrases{
	"name": {
		"en":      {"Full Name", "Contact Name", "Display Name", "Customer Name", "Person Name", "Contact Full Name"},
		"cs":      {"Jméno a příjmení", "Celé jméno", "Název kontaktu"},
		"de":      {"Vollständiger Name", "Kontaktname"},
		"fr":      {"Nom complet", "Nom et prénom", "Nom du contact"},
		"es":      {"Nombre completo", "Nombre y apellidos", "Nombre del contacto"},
		"ko":      {"이름", "성명", "성함", "고객명", "담당자", "담당자명"},
		"zh":      {"姓名", "名字", "全名", "联系人", "联系人姓名", "客户姓名"},
		"zh-Hant": {"聯絡人", "聯繫人", "聯絡人姓名"},
		"ja":      {"氏名", "名前", "フルネーム", "表示名", "担当者名"},
		"export":  {"Person - Name"},
	},
	"first_name": {
		"en":     {"First Name", "Given Name", "Forename", "First"},
		"export": {"Contact First Name"}, // Genesys Cloud
		"cs":     {"Jméno", "Křestní jméno"},
		"de":     {"Vorname"},
		"fr":     {"Prénom"},
		"es":     {"Nombre", "Nombre de pila"},
		// 名 is the given name in both Chinese and Japanese.
		"zh": {"名"},
		"ja": {"下の名前", "ファーストネーム"},
	},
	"last_name": {
		"en":     {"Last Name", "Surname", "Family Name", "Last"},
		"export": {"Contact Last Name"},
		"cs":     {"Příjmení"},
		"de":     {"Nachname", "Familienname"},
		// French "Nom" alone is the family name.
		"fr": {"Nom", "Nom de famille"},
		"es": {"Apellido", "Apellidos", "Primer apellido"},
		"ko": {"성"},
		"zh": {"姓", "姓氏"},
		"ja": {"苗字", "ラストネーム"},
	},
	"email": {
		"en": {"E-mail", "Email Address", "E-mail Address", "Primary Email", "Work Email", "Business Email", "Mail", "Emails", "Email ID"},
		// Pipedrive ("Person - Email - Work") and Apple ("Email (work)").
		"export":  {"Email - Work", "Person - Email - Work", "Person - Email", "Contact Work Email"},
		"cs":      {"E-mailová adresa", "Emailová adresa"},
		"de":      {"E-Mail-Adresse", "Mailadresse"},
		"fr":      {"Courriel", "Adresse e-mail", "Adresse électronique", "Adresse mail", "Mél"},
		"es":      {"Correo electrónico", "Correo", "Correo-e", "Dirección de correo electrónico", "Dirección de correo"},
		"ko":      {"이메일", "이메일 주소", "전자우편", "메일", "메일 주소"},
		"zh":      {"电子邮件", "邮箱", "电子邮箱", "邮件", "邮件地址", "电邮", "电子邮件地址", "邮箱地址"},
		"zh-Hant": {"電子郵件", "郵箱", "電子郵箱", "電郵", "電子郵件地址", "郵件"},
		"ja":      {"メールアドレス", "メール", "Eメール", "Eメールアドレス", "電子メール", "電子メールアドレス"},
	},
	"other_emails": {
		"en":      {"Other Emails", "Other Email", "Secondary Email", "Secondary Emails", "Additional Emails", "Additional Email", "Alternate Email", "Alternative Email", "Personal Email", "Additional email addresses"},
		"cs":      {"Další e-maily", "Další e-mail", "Ostatní e-maily"},
		"de":      {"Weitere E-Mails", "Weitere E-Mail-Adressen", "Weitere E-Mail"},
		"fr":      {"Autres e-mails", "Autres courriels", "Autres adresses e-mail"},
		"es":      {"Otros correos", "Otros correos electrónicos", "Otro correo"},
		"ko":      {"기타 이메일", "보조 이메일", "추가 이메일"},
		"zh":      {"其他邮箱", "其他电子邮件", "备用邮箱"},
		"zh-Hant": {"其他郵箱", "其他電子郵件", "備用郵箱"},
		"ja":      {"その他のメールアドレス", "他のメールアドレス", "予備メールアドレス"},
	},
	"phone": with(phonePhrases, phrases{"export": {"Contact Work Phone"}}),
	"mobile": {
		"en":      {"Mobile", "Mobile Phone", "Mobile Phone Number", "Mobile Number", "Mobile No", "Cell", "Cell Phone", "Cellphone", "Cell Number", "Cell Phone Number"},
		"export":  {"Phone - Mobile", "Person - Phone - Mobile", "Contact Cell Phone"},
		"cs":      {"Mobil", "Mobilní telefon", "Mobilní číslo", "Číslo mobilu"},
		"de":      {"Handy", "Handynummer", "Mobiltelefon", "Mobilnummer", "Mobilfunknummer"},
		"fr":      {"Portable", "Téléphone portable", "Téléphone mobile", "Numéro de portable"},
		"es":      {"Móvil", "Celular", "Teléfono móvil", "Teléfono celular", "Número de móvil"},
		"ko":      {"휴대폰", "휴대전화", "휴대폰 번호", "휴대전화 번호", "핸드폰", "핸드폰 번호", "모바일"},
		"zh":      {"手机", "手机号", "手机号码", "移动电话"},
		"zh-Hant": {"手機", "手機號碼", "行動電話", "流動電話"},
		"ja":      {"携帯電話", "携帯", "携帯番号", "携帯電話番号"},
	},
	"company": {
		"en": {"Company Name", "Account Name", "Organization", "Organisation", "Organization Name", "Organisation Name", "Associated Company", "Employer", "Business Name"},
		// HubSpot: the primary one of "Associated Company" (lists.go).
		"export":  {"Associated Company (Primary)"},
		"cs":      {"Společnost", "Firma", "Klient", "Organizace", "Název firmy", "Název společnosti"},
		"de":      {"Unternehmen", "Firmenname", "Arbeitgeber"},
		"fr":      {"Société", "Entreprise", "Nom de l'entreprise", "Nom de la société"},
		"es":      {"Empresa", "Compañía", "Organización", "Nombre de la empresa"},
		"ko":      {"회사", "회사명", "회사 이름", "조직", "조직명", "소속", "기업명"},
		"zh":      {"公司", "公司名称", "组织", "组织名称", "单位", "单位名称", "企业", "企业名称", "所属公司"},
		"zh-Hant": {"公司名稱", "組織", "組織名稱", "單位", "企業名稱"},
		"ja":      {"会社名", "会社", "企業名", "所属", "勤務先", "組織名", "社名"},
	},
	"company_external_id": {
		"en": {"Company External ID", "External Company ID", "Company ID", "Organization ID", "Organisation ID", "Organization External ID", "Account ID", "Associated Company ID"},
		// HubSpot's ids of the companies a contact is associated with.
		"export":  {"Associated Company IDs", "Associated Company IDs (Primary)", "Primary Associated Company ID"},
		"cs":      {"ID společnosti", "ID firmy", "Externí ID společnosti", "ID klienta"},
		"de":      {"Firmen-ID", "Unternehmens-ID", "Externe Firmen-ID"},
		"fr":      {"ID de l'entreprise", "ID externe de l'entreprise", "ID société"},
		"es":      {"ID de la empresa", "ID externo de la empresa"},
		"ko":      {"회사 ID", "회사 외부 ID", "조직 ID"},
		"zh":      {"外部组织ID", "组织ID", "公司ID", "公司外部ID"},
		"zh-Hant": {"外部組織ID", "組織ID", "公司外部ID"},
		"ja":      {"会社ID", "会社外部ID", "組織ID"},
	},
	"view_all_tickets": {
		"en":      {"View all tickets", "Can see all tickets", "Can see all tickets from this company", "Can view all tickets", "See all tickets"},
		"cs":      {"Vidí všechny tikety", "Zobrazit všechny tikety", "Vidí všechny požadavky"},
		"de":      {"Alle Tickets sehen", "Kann alle Tickets sehen", "Alle Tickets anzeigen"},
		"fr":      {"Voir tous les tickets", "Peut voir tous les tickets"},
		"es":      {"Ver todos los tickets", "Puede ver todos los tickets"},
		"ko":      {"모든 티켓 보기", "전체 티켓 보기"},
		"zh":      {"查看所有工单", "可查看所有工单"},
		"zh-Hant": {"查看所有工單", "可查看所有工單"},
		"ja":      {"すべてのチケットを表示", "全チケット閲覧"},
	},
	"job_title": {
		"en":      {"Job Title", "Title", "Position", "Job Position", "Designation", "Job", "Organization Title"},
		"export":  {"Contact Title"},
		"cs":      {"Funkce", "Pozice", "Pracovní pozice", "Pracovní funkce"},
		"de":      {"Berufsbezeichnung", "Jobtitel", "Funktion", "Stellenbezeichnung"},
		"fr":      {"Poste", "Fonction", "Titre", "Titre du poste", "Intitulé du poste"},
		"es":      {"Cargo", "Puesto", "Título del puesto"},
		"ko":      {"직함", "직책", "직위", "직급"},
		"zh":      {"职位", "职务", "头衔", "职称"},
		"zh-Hant": {"職位", "職務", "頭銜", "職稱"},
		"ja":      {"役職", "肩書き", "肩書"},
	},
	"tags": tagPhrases,
	"external_id": {
		"en":      {"External ID", "Unique External ID", "ID", "Contact ID", "Customer ID", "User ID", "Person ID", "Record ID"},
		"cs":      {"Externí ID", "ID kontaktu", "ID osoby"},
		"de":      {"Externe ID", "Kontakt-ID", "Kunden-ID", "Kundennummer"},
		"fr":      {"ID externe", "Identifiant externe", "ID du contact", "ID client"},
		"es":      {"ID externo", "ID del contacto", "ID de cliente"},
		"ko":      {"외부 ID", "외부 아이디", "고객 ID"},
		"zh":      {"外部ID", "外部编号", "客户ID", "联系人ID"},
		"zh-Hant": {"外部編號", "客戶ID", "聯絡人ID"},
		"ja":      {"顧客ID"},
	},
	"username": {
		"en":      {"User Name", "Login", "Login Name", "Login ID", "User Login"},
		"cs":      {"Uživatelské jméno", "Přihlašovací jméno", "Login"},
		"de":      {"Benutzername", "Anmeldename"},
		"fr":      {"Nom d'utilisateur", "Identifiant de connexion"},
		"es":      {"Nombre de usuario", "Usuario"},
		"ko":      {"사용자 이름", "사용자명", "아이디", "로그인", "로그인 ID"},
		"zh":      {"用户名", "登录名", "账号"},
		"zh-Hant": {"用戶名", "使用者名稱", "登入名稱", "帳號"},
		"ja":      {"ユーザー名", "ユーザ名", "ログインID", "ログイン名"},
	},
	"role": {
		"en":      {"User Role", "Contact Role"},
		"de":      {"Rolle"},
		"fr":      {"Rôle"},
		"es":      {"Rol"},
		"ko":      {"역할", "권한"},
		"zh":      {"角色"},
		"zh-Hant": {"角色"},
		"ja":      {"役割", "ロール"},
	},
	"language": {
		"en":      {"Preferred Language", "Locale"},
		"cs":      {"Jazyk"},
		"de":      {"Sprache"},
		"fr":      {"Langue"},
		"es":      {"Idioma"},
		"ko":      {"언어", "사용 언어"},
		"zh":      {"语言"},
		"zh-Hant": {"語言"},
		"ja":      {"言語", "使用言語"},
	},
	"time_zone": {
		"en":      {"Timezone", "TZ"},
		"cs":      {"Časové pásmo"},
		"de":      {"Zeitzone"},
		"fr":      {"Fuseau horaire"},
		"es":      {"Zona horaria"},
		"ko":      {"시간대", "표준 시간대"},
		"zh":      {"时区"},
		"zh-Hant": {"時區"},
		"ja":      {"タイムゾーン", "標準時"},
	},
	// Genesys Cloud's contact address, beside its organization's.
	"address":     with(addressPhrases, phrases{"export": {"Contact Address", "Contact Address 1", "Contact City", "Contact State", "Contact Postal Code", "Contact Country Code"}}),
	"description": descriptionPhrases,
}

// companySynonyms: header phrases per company key. A company file's
// "Company Name" or "Account Name" is the company's own name, and its
// "Company ID" its own external id.
//
// Decision: the Czech registration number (IČO, IČ) is not mapped to
// external_id: it is a legal attribute, not the source system's record id,
// and RAYNET exports it next to a real "ID" column it would compete with.
// Admins who want it can say --map 'IČO=external_id'.
var companySynonyms = map[string]phrases{
	"name": {
		"en":      {"Company Name", "Company", "Account Name", "Account", "Organization", "Organisation", "Organization Name", "Organisation Name", "Business Name", "Customer Name"},
		"cs":      {"Společnost", "Název", "Název firmy", "Název společnosti", "Firma", "Klient", "Organizace"},
		"de":      {"Unternehmen", "Firmenname", "Unternehmensname"},
		"fr":      {"Société", "Entreprise", "Nom", "Nom de l'entreprise", "Nom de la société", "Raison sociale"},
		"es":      {"Empresa", "Nombre", "Nombre de la empresa", "Compañía", "Razón social", "Organización"},
		"ko":      {"회사", "회사명", "회사 이름", "조직", "조직명", "기업명", "이름", "상호"},
		"zh":      {"公司", "公司名称", "组织", "组织名称", "企业", "企业名称", "单位名称", "名称"},
		"zh-Hant": {"公司名稱", "組織", "組織名稱", "企業名稱", "名稱"},
		"ja":      {"会社名", "会社", "企業名", "組織名", "社名", "名前"},
	},
	"external_id": {
		"en":      {"External ID", "Unique External ID", "ID", "Company ID", "Organization ID", "Organisation ID", "Account ID", "Record ID", "Customer ID", "Company External ID"},
		"cs":      {"Externí ID", "ID společnosti", "ID firmy", "ID klienta"},
		"de":      {"Externe ID", "Firmen-ID", "Unternehmens-ID", "Kundennummer"},
		"fr":      {"ID externe", "Identifiant externe", "ID de l'entreprise", "ID société"},
		"es":      {"ID externo", "ID de la empresa"},
		"ko":      {"외부 ID", "외부 아이디", "회사 ID", "조직 ID"},
		"zh":      {"外部ID", "外部编号", "外部组织ID", "组织ID", "公司ID"},
		"zh-Hant": {"外部編號", "外部組織ID", "組織ID"},
		"ja":      {"会社ID", "組織ID"},
	},
	"domains": {
		"en":      {"Domain", "Domain Name", "Domain Names", "Company Domain Name", "Email Domain", "Email Domains", "Domains for this company", "Additional Domains"},
		"cs":      {"Doména", "Domény"},
		"de":      {"Domäne", "Domänen"},
		"fr":      {"Domaine", "Domaines", "Nom de domaine"},
		"es":      {"Dominio", "Dominios"},
		"ko":      {"도메인"},
		"zh":      {"域名"},
		"zh-Hant": {"網域"},
		"ja":      {"ドメイン"},
	},
	"website": {
		"en":      {"Web", "Web Site", "Website URL", "URL", "Web Page", "Homepage", "Home Page", "Company Website"},
		"export":  {"Account Url", "Account Website"},
		"cs":      {"Webové stránky", "Webová stránka", "WWW"},
		"de":      {"Webseite", "Internetseite", "Internetadresse"},
		"fr":      {"Site web", "Site internet"},
		"es":      {"Sitio web", "Página web"},
		"ko":      {"웹사이트", "홈페이지", "웹 사이트"},
		"zh":      {"网站", "网址", "官网", "主页"},
		"zh-Hant": {"網站", "網址", "官網"},
		"ja":      {"ウェブサイト", "ホームページ", "URL"},
	},
	"phone": with(phonePhrases, phrases{
		"en":     {"Company Phone", "Main Phone"},
		"export": {"Account Phone"},
	}),
	"description": descriptionPhrases,
	"industry": {
		"en":      {"Industry", "Sector", "Business Type"},
		"export":  {"Account Industry"},
		"cs":      {"Odvětví", "Obor", "Obor podnikání"},
		"de":      {"Branche", "Wirtschaftszweig"},
		"fr":      {"Secteur", "Secteur d'activité", "Industrie"},
		"es":      {"Industria", "Sector", "Sector industrial"},
		"ko":      {"업종", "산업", "업태"},
		"zh":      {"行业", "所属行业"},
		"zh-Hant": {"行業", "產業"},
		"ja":      {"業種", "業界"},
	},
	"address": with(addressPhrases, phrases{"export": {"Account Address", "Account Address 1", "Account City", "Account State", "Account Postal Code", "Account Country Code"}}),
	"tags":    tagPhrases,
}

// with returns base with extra's phrases added, leaving both unchanged.
func with(base, extra phrases) phrases {
	out := phrases{}
	for lang, list := range base {
		out[lang] = append([]string(nil), list...)
	}
	for lang, list := range extra {
		out[lang] = append(out[lang], list...)
	}
	return out
}

// secondary are contact columns that fill a key only when no other column
// does, as a numbered repeat would ("Phone 2"): a home phone or a private
// email is the one to keep when it is the only one, and otherwise goes to
// mobile or other emails, or is reported.
var secondary = map[string]phrases{
	"email": {"export": {"Email - Home", "Email - Other", "Person - Email - Home", "Person - Email - Other", "Contact Personal Email", "Contact Other Email"}},
	"phone": {"en": {"Home Phone", "Other Phone"}, "export": {"Phone - Home", "Phone - Other", "Person - Phone - Home", "Person - Phone - Other", "Contact Home Phone", "Contact Other Phone"}},
}

// synonymTables holds the phrase table of each kind.
var synonymTables = map[Kind]map[string]phrases{
	Contacts:  contactSynonyms,
	Companies: companySynonyms,
}

// synonymIndex maps, per kind, a folded phrase to its key; built at init.
var synonymIndex = map[Kind]map[string]string{}

// secondaryIndex maps a folded secondary phrase to its contact key.
var secondaryIndex map[string]string

func init() {
	for kind, table := range synonymTables {
		synonymIndex[kind] = mustIndex(kind, table)
	}
	secondaryIndex = mustIndex(Contacts, secondary)
	for _, k := range canonicalKeys[Contacts] {
		delete(secondaryIndex, Fold(k))
	}
	for f := range secondaryIndex {
		if _, ok := synonymIndex[Contacts][f]; ok {
			panic(fmt.Sprintf("secondary phrase %q is a synonym too", f))
		}
	}
}

// mustIndex is buildIndex that panics, so a synonym added with a clash fails
// every test run at once instead of mapping columns by map-iteration luck.
func mustIndex(kind Kind, table map[string]phrases) map[string]string {
	idx, err := buildIndex(kind, table)
	if err != nil {
		panic(err)
	}
	return idx
}

// buildIndex folds every phrase of table and reports phrases that fold to
// nothing, belong to no canonical key of kind, or fold to the same form as a
// phrase or canonical key of a different key.
func buildIndex(kind Kind, table map[string]phrases) (map[string]string, error) {
	type origin struct{ key, phrase string }
	seen := map[string]origin{}
	for _, k := range canonicalKeys[kind] {
		seen[Fold(k)] = origin{k, k}
	}
	var problems []string
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic error messages
	for _, key := range keys {
		if !isKey(kind, key) {
			problems = append(problems, fmt.Sprintf("synonyms for %q: not a %s key", key, kind))
			continue
		}
		langs := make([]string, 0, len(table[key]))
		for lang := range table[key] {
			langs = append(langs, lang)
		}
		sort.Strings(langs)
		for _, lang := range langs {
			for _, p := range table[key][lang] {
				f := Fold(p)
				if f == "" {
					problems = append(problems, fmt.Sprintf("%s synonym %q (%s) for %s folds to nothing", kind, p, lang, key))
					continue
				}
				if o, ok := seen[f]; ok && o.key != key {
					problems = append(problems, fmt.Sprintf("%s synonym %q (%s) for %s folds to %q, like %q for %s", kind, p, lang, key, f, o.phrase, o.key))
					continue
				}
				if _, ok := seen[f]; !ok {
					seen[f] = origin{key, p}
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("mapping: bad synonym table:\n%s", strings.Join(problems, "\n"))
	}
	idx := make(map[string]string, len(seen))
	for f, o := range seen {
		idx[f] = o.key
	}
	return idx, nil
}
