package normalize

import (
	"fmt"
	"strings"
)

// maxListedChoices limits how many allowed values an error message lists.
const maxListedChoices = 10

// Choice matches s against choices ignoring case and surrounding spaces and
// returns the canonical spelling from choices.
func Choice(s string, choices []string) (string, error) {
	t := strings.TrimSpace(s)
	for _, c := range choices {
		if strings.EqualFold(t, strings.TrimSpace(c)) {
			return c, nil
		}
	}
	return "", errorf(CodeInvalidChoice, "%q is not one of the allowed values: %s", s, listChoices(choices))
}

func listChoices(choices []string) string {
	n := min(len(choices), maxListedChoices)
	quoted := make([]string, n)
	for i := range n {
		quoted[i] = fmt.Sprintf("%q", choices[i])
	}
	list := strings.Join(quoted, ", ")
	if len(choices) > n {
		list += fmt.Sprintf(" and %d more", len(choices)-n)
	}
	return list
}
