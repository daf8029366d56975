package store

import (
	"encoding/json"
	"fmt"

	"github.com/herald-news/herald"
)

// AuditProblem describes what is wrong with entry e as read back from the
// audit log, "" when nothing: both stores check the log with it, so that
// PostgreSQL, which keeps before and after as text, is held to JSON too.
func AuditProblem(e *herald.AuditEntry) string {
	if err := e.Validate(); err != nil {
		return fmt.Sprintf("entry %d: %s", e.ID, herald.ErrorMessage(err))
	}
	for _, v := range []struct{ name, value string }{{"before", e.Before}, {"after", e.After}} {
		if v.value != "" && !json.Valid([]byte(v.value)) {
			return fmt.Sprintf("entry %d: %s is not JSON", e.ID, v.name)
		}
	}
	return ""
}
