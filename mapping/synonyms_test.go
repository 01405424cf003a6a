package mapping

import (
	"strings"
	"testing"
)

func TestSynonymTablesHaveNoCollisions(t *testing.T) {
	for kind, table := range synonymTables {
		t.Run(string(kind), func(t *testing.T) {
			if _, err := buildIndex(kind, table); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSynonymCollisionIsDetected(t *testing.T) {
	tests := []struct {
		name  string
		table map[string]phrases
		want  string
	}{
		{"two keys share a folded phrase", map[string]phrases{
			"email":  {"en": {"E-mail"}},
			"mobile": {"en": {"EMAIL"}},
		}, `"EMAIL" (en) for mobile folds to "email"`},
		{"phrase folds to another canonical key", map[string]phrases{
			"mobile": {"en": {"Phone"}},
		}, `"Phone" (en) for mobile folds to "phone", like "phone" for phone`},
		{"across languages", map[string]phrases{
			"name":      {"zh": {"名字"}},
			"last_name": {"ja": {"名字"}},
		}, "名字"},
		{"phrase folds to nothing", map[string]phrases{
			"email": {"en": {"--"}},
		}, "folds to nothing"},
		{"unknown key", map[string]phrases{
			"industry": {"en": {"Industry"}},
		}, `"industry": not a contacts key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildIndex(Contacts, tt.table)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("buildIndex error = %v, want one containing %q", err, tt.want)
			}
			defer func() {
				if recover() == nil {
					t.Fatal("mustIndex did not panic")
				}
			}()
			mustIndex(Contacts, tt.table)
		})
	}
	t.Run("same key twice is fine", func(t *testing.T) {
		if _, err := buildIndex(Contacts, map[string]phrases{"email": {"en": {"Email"}, "es": {"E-mail"}}}); err != nil {
			t.Fatal(err)
		}
	})
}
