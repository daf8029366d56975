package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// Damager is implemented by stores that can break themselves the ways the
// checks must find, through SQL only their own tests reach (their
// export_test.go), with foreign keys off. The checks of CheckService are
// skipped for a store without it.
type Damager interface {
	// Damage writes the damage named kind (one of the Damage constants)
	// with the ids it takes.
	Damage(ctx context.Context, kind string, ids ...int64) error
}

// The kinds of damage a Damager writes, and the ids each takes. A missing
// row is named by MissingID.
const (
	DamageCopyOf        = "copy of"        // article, the article it becomes a copy of
	DamageStory         = "story"          // article, the story it is put in
	DamageStoryBehind   = "story behind"   // story, listed at the earliest time
	DamageUnindexed     = "unindexed"      // article, taken out of the search index
	DamageSearchOrphan  = "search orphan"  // none: a search row for MissingID
	DamageRelatedGhost  = "related ghost"  // article, whose list gains MissingID
	DamageTopicGhost    = "topic ghost"    // topic, which tags MissingID
	DamageDigestGhost   = "digest ghost"   // topic, whose digest names MissingID
	DamagePictureGhost  = "picture ghost"  // article, whose pictures name address MissingID
	DamageAuditNotJSON  = "audit not json" // none: an entry whose before is not JSON
	DamageTakedownAlive = "takedown alive" // article, taken down while it stays
)

// MissingID is the id of no row: damage names it.
const MissingID = 999999

// sharedChecks are the checks every store runs by the same name.
var sharedChecks = []string{
	herald.CheckCopies, herald.CheckArticleStories, herald.CheckCopyStories, herald.CheckStoryLatest,
	herald.CheckSearch, herald.CheckRelated, herald.CheckTopicTags, herald.CheckDigestPoints,
	herald.CheckPictures, herald.CheckAuditLog, herald.CheckTakedowns,
}

// checkFixture is a sound store: a story of an article and its copy,
// another story of one article, and a topic.
type checkFixture struct {
	shown, copy, other *herald.Article
	topic              *herald.Topic
}

func newCheckFixture(t *testing.T, s herald.Store) checkFixture {
	t.Helper()
	f := checkFixture{
		shown: NewArticle(1, "Harbour Gazette"),
		copy:  newCopy(2, "Kestrel Times", herald.LicenceExcerpt, 0, fingerprint(7)),
		other: NewArticle(3, "Northfield Observer"),
	}
	addPlaced(t, s, f.shown, "quake")
	f.copy.DuplicateOf = f.shown.ID
	addPlaced(t, s, f.copy, "quake")
	addPlaced(t, s, f.other, "strike")
	f.topic = mustAddTopic(t, s, "Harbour", "harbour")
	return f
}

// mustCheck runs Check and fails the test on an error.
func mustCheck(t *testing.T, s herald.Store) *herald.CheckReport {
	t.Helper()
	r, err := s.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

// testCheck damages a sound store each way a Damager can, and checks that
// Check finds the damage under the right name and nothing else of
// Herald's, and that Repair rebuilds what it can, after which Check finds
// the store sound.
func testCheck(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name   string
		damage string
		ids    func(f checkFixture) []int64
		want   string
		also   []string // other checks the damage may break
		repair herald.RepairKind
	}{
		{"CopyOfMissing", DamageCopyOf, func(f checkFixture) []int64 { return []int64{f.copy.ID, MissingID} },
			herald.CheckCopies, nil, ""},
		{"CopyOfCopy", DamageCopyOf, func(f checkFixture) []int64 { return []int64{f.other.ID, f.copy.ID} },
			// A store that keeps whether an article is shown in its search
			// rows finds them out of date too.
			herald.CheckCopies, []string{herald.CheckCopyStories, herald.CheckSearch}, ""},
		{"MissingStory", DamageStory, func(f checkFixture) []int64 { return []int64{f.other.ID, MissingID} },
			herald.CheckArticleStories, nil, ""},
		{"CopyInAnotherStory", DamageStory, func(f checkFixture) []int64 { return []int64{f.copy.ID, f.other.StoryID} },
			herald.CheckCopyStories, nil, ""},
		{"StoryBehind", DamageStoryBehind, func(f checkFixture) []int64 { return []int64{f.other.StoryID} },
			herald.CheckStoryLatest, nil, herald.RepairStories},
		{"Unindexed", DamageUnindexed, func(f checkFixture) []int64 { return []int64{f.other.ID} },
			herald.CheckSearch, nil, herald.RepairSearch},
		{"SearchOrphan", DamageSearchOrphan, func(checkFixture) []int64 { return nil },
			herald.CheckSearch, nil, herald.RepairSearch},
		{"RelatedGhost", DamageRelatedGhost, func(f checkFixture) []int64 { return []int64{f.shown.ID} },
			herald.CheckRelated, nil, herald.RepairRelated},
		{"TopicGhost", DamageTopicGhost, func(f checkFixture) []int64 { return []int64{f.topic.ID} },
			herald.CheckTopicTags, nil, ""},
		{"DigestGhost", DamageDigestGhost, func(f checkFixture) []int64 { return []int64{f.topic.ID} },
			herald.CheckDigestPoints, nil, ""},
		{"PictureGhost", DamagePictureGhost, func(f checkFixture) []int64 { return []int64{f.shown.ID} },
			herald.CheckPictures, nil, ""},
		{"AuditNotJSON", DamageAuditNotJSON, func(checkFixture) []int64 { return nil },
			herald.CheckAuditLog, nil, ""},
		{"TakedownAlive", DamageTakedownAlive, func(f checkFixture) []int64 { return []int64{f.other.ID} },
			herald.CheckTakedowns, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t)
			d, ok := s.(Damager)
			if !ok {
				t.Skip("the store cannot damage itself (storetest.Damager)")
			}
			f := newCheckFixture(t, s)
			f.other.StoryID, f.shown.StoryID = storyOf(t, s, f.other.ID), storyOf(t, s, f.shown.ID)
			if r := mustCheck(t, s); !r.OK() {
				t.Fatalf("sound store: %v", failed(r))
			}
			if err := d.Damage(ctx, tc.damage, tc.ids(f)...); err != nil {
				t.Fatalf("damage: %v", err)
			}
			r := mustCheck(t, s)
			if res := r.Result(tc.want); res == nil || res.Problems == 0 || len(res.Examples) == 0 {
				t.Fatalf("Check found no %q problem: %v", tc.want, failed(r))
			}
			if res := r.Result(tc.want); res.Repair != tc.repair {
				t.Errorf("%q repaired by %q, want %q", tc.want, res.Repair, tc.repair)
			}
			for _, name := range sharedChecks {
				res := r.Result(name)
				if res == nil {
					t.Errorf("Check ran no %q", name)
					continue
				}
				if name != tc.want && !slices.Contains(tc.also, name) && !res.OK() {
					t.Errorf("Check found %q wrong too: %s", name, res)
				}
			}
			if tc.repair == "" {
				return
			}
			done, err := s.Repair(ctx, tc.repair)
			if err != nil || !done.Changed() {
				t.Fatalf("Repair(%s) = %v, %v; want a change", tc.repair, done, err)
			}
			if r := mustCheck(t, s); !r.OK() {
				t.Fatalf("after repair: %v", failed(r))
			}
			if again, err := s.Repair(ctx, tc.repair); err != nil || again.Changed() {
				t.Errorf("second Repair(%s) = %v, %v; want nothing to change", tc.repair, again, err)
			}
			checkRepaired(t, s, f, tc.damage)
		})
	}
	t.Run("UnknownRepair", func(t *testing.T) {
		_, err := open(t).Repair(context.Background(), "everything")
		wantCode(t, "Repair(everything)", err, herald.EINVALID)
	})
}

// checkRepaired checks through the API that what was repaired works again.
func checkRepaired(t *testing.T, s herald.Store, f checkFixture, damage string) {
	ctx := context.Background()
	switch damage {
	case DamageUnindexed:
		if got, _ := mustSearch(t, s, "article 3", herald.SearchFilter{}); !slices.Contains(got, f.other.ID) {
			t.Errorf("search after repair = %v; want article %d found again", got, f.other.ID)
		}
	case DamageRelatedGhost:
		// Queued again, and due at once.
		list, err := s.ClaimRelatedWork(ctx, 10, time.Minute)
		if err != nil || !slices.Contains(articleIDs(list), f.shown.ID) {
			t.Errorf("ClaimRelatedWork after repair = %v, %v; want article %d queued", articleIDs(list), err, f.shown.ID)
		}
	case DamageStoryBehind:
		stories, _, err := s.FindStories(ctx, herald.StoryFilter{})
		if err != nil || len(stories) != 2 || stories[0].ID != f.other.StoryID {
			t.Errorf("FindStories after repair = %d stories, %v; want the strike story listed first again", len(stories), err)
		}
	}
}

// failed lists the results that are not OK.
func failed(r *herald.CheckReport) []string {
	var out []string
	for _, res := range r.Results {
		if !res.OK() {
			out = append(out, res.String())
		}
	}
	return out
}
