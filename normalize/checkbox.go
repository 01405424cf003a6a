package normalize

import "strings"

// truthy holds lower-cased words read as a ticked checkbox, in the languages
// our customers' exports come in.
var truthy = map[string]bool{
	"1": true, "x": true, "✓": true, "✔": true, "☑": true,
	"yes": true, "y": true, "true": true, "t": true, "on": true, "checked": true,
	"ano": true,            // cs
	"예":   true, "네": true, // ko
	"是": true, "是的": true, "对": true, "對": true, // zh
	"ja": true, "wahr": true, // de, nl, sv, da, no
	"oui": true, "vrai": true, // fr
	"sí": true, "si": true, "verdadero": true, // es
	"はい":  true,                     // ja
	"da":  true,                     // ro, hr, sr, sl
	"sim": true, "verdadeiro": true, // pt
	"tak": true, "prawda": true, // pl
	"evet":  true,              // tr
	"igen":  true,              // hu
	"kyllä": true,              // fi
	"да":    true, "так": true, // ru, bg, uk
	"ναι": true,              // el
	"כן":  true,              // he
	"نعم": true,              // ar
	"हाँ": true, "हां": true, // hi
	"ya":   true, // id, ms
	"có":   true, // vi
	"ใช่":  true, // th
	"áno":  true, // sk
	"jah":  true, // et
	"jā":   true, // lv
	"taip": true, // lt
}

// Checkbox reports whether s reads as a ticked checkbox: yes/true/1/y/on/x/
// checked or a common translation of "yes" (ano, 예, 是, ja, oui, sí, はい,
// da, sim, tak, evet, ...). Anything else, including blank, is false.
func Checkbox(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 16 {
		return false
	}
	return truthy[strings.ToLower(s)]
}
