package herald

import (
	"context"
	"fmt"
	"strings"
)

// CheckService checks a store: the database's own integrity, and the
// invariants Herald keeps across its tables, which constraints alone do not
// hold (a copy points at a shown article, a story is listed by its newest
// article, the search index follows the articles…). It repairs what can be
// rebuilt from the articles. herald check calls it.
type CheckService interface {
	// Check runs every check, each on its own, and returns their results
	// in a fixed order. A check that cannot run, as on a damaged file, is
	// a result that failed with the reason; an error means the store
	// could not be read at all. Check writes nothing.
	Check(ctx context.Context) (*CheckReport, error)
	// Repair rebuilds what a check of the kind found wrong, in one
	// transaction, and returns what it changed: nothing on a sound store.
	Repair(ctx context.Context, kind RepairKind) (*Repaired, error)
}

// The names of the checks both stores run; each store runs its own
// integrity checks before them.
const (
	CheckCopies         = "copies"          // a copy's shown copy exists and is shown
	CheckArticleStories = "article stories" // an article's story exists and was not merged away
	CheckCopyStories    = "copy stories"    // a copy is in the story of its shown copy
	CheckStoryLatest    = "story latest"    // a story is listed by its newest article
	CheckSearch         = "search rows"     // one search row per article, none for missing ones
	CheckRelated        = "related lists"   // related lists and the queue name existing articles
	CheckTopicTags      = "topic tags"      // tags name existing articles and topics
	CheckDigestPoints   = "digest points"   // digest points name existing articles and topics
	CheckPictures       = "pictures"        // article pictures name addresses, stored ones media
	CheckAuditLog       = "audit log"       // entries have an actor, a kind.verb and JSON values
	CheckTakedowns      = "takedowns"       // a taken-down slug or id is not a live article's
)

// RepairKind names what Repair can rebuild.
type RepairKind string

// What Repair rebuilds.
const (
	// RepairSearch indexes the articles missing from the search index,
	// brings out-of-date rows up to date, and removes rows of articles
	// that do not exist; a damaged index is rebuilt whole.
	RepairSearch RepairKind = "search"
	// RepairRelated removes related-list items that name missing
	// articles and queues their lists to be computed again.
	RepairRelated RepairKind = "related"
	// RepairStories lists again every story by its newest article.
	RepairStories RepairKind = "stories"
)

// RepairKinds are the kinds Repair accepts, in the order herald check
// runs them.
var RepairKinds = []RepairKind{RepairSearch, RepairRelated, RepairStories}

// CheckMaxExamples bounds the examples a result keeps: a report names a few
// rows to look at, never all of a large problem.
const CheckMaxExamples = 5

// CheckReport is what Check found.
type CheckReport struct {
	Results []*CheckResult
}

// OK reports whether every check passed.
func (r *CheckReport) OK() bool {
	for _, res := range r.Results {
		if !res.OK() {
			return false
		}
	}
	return true
}

// Result returns the result of the check named name, or nil.
func (r *CheckReport) Result(name string) *CheckResult {
	for _, res := range r.Results {
		if res.Name == name {
			return res
		}
	}
	return nil
}

// Repairs returns the repair kinds that would fix what failed, each once,
// in the order of RepairKinds.
func (r *CheckReport) Repairs() []RepairKind {
	var kinds []RepairKind
	for _, k := range RepairKinds {
		for _, res := range r.Results {
			if !res.OK() && res.Repair == k {
				kinds = append(kinds, k)
				break
			}
		}
	}
	return kinds
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Name string
	// Problems counts the rows found wrong; Examples names the first few.
	Problems int64
	Examples []string
	// Failed is why the check could not run, "" when it ran.
	Failed string
	// Repair is what would fix the problems, "" when Repair cannot.
	Repair RepairKind
}

// OK reports whether the check ran and found nothing wrong.
func (r *CheckResult) OK() bool { return r.Problems == 0 && r.Failed == "" }

// Add counts one problem, keeping its description among the examples
// while there is room.
func (r *CheckResult) Add(example string) {
	r.Problems++
	if len(r.Examples) < CheckMaxExamples {
		r.Examples = append(r.Examples, example)
	}
}

// String is the result as one line of herald check's report.
func (r *CheckResult) String() string {
	switch {
	case r.Failed != "":
		return fmt.Sprintf("FAILED  %s: could not check: %s", r.Name, r.Failed)
	case r.Problems == 0:
		return fmt.Sprintf("ok      %s", r.Name)
	}
	s := fmt.Sprintf("WRONG   %s: %d problem(s), such as %s", r.Name, r.Problems, strings.Join(r.Examples, "; "))
	if r.Repair != "" {
		s += fmt.Sprintf(" (--repair rebuilds %s)", r.Repair)
	}
	return s
}

// Repaired is what Repair changed: rows added (indexed, queued), removed
// and updated.
type Repaired struct {
	Kind                    RepairKind
	Added, Removed, Updated int64
}

// Changed reports whether the repair changed anything.
func (r *Repaired) Changed() bool { return r.Added+r.Removed+r.Updated > 0 }

// String is the repair as one line of herald check's report.
func (r *Repaired) String() string {
	return fmt.Sprintf("repaired %s: %d added, %d removed, %d updated", r.Kind, r.Added, r.Removed, r.Updated)
}
