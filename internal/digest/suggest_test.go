package digest

import (
	"fmt"
	"testing"

	"github.com/herald-news/herald"
)

func TestSuggest(t *testing.T) {
	var arts []*herald.Article
	for i := range 6 {
		arts = append(arts, &herald.Article{
			Title: fmt.Sprintf("Update %d on the works", i),
			Lead:  "Engineers in Port Ellery said the Harbour Board would meet Ruth Pennock again on Monday.",
		})
	}
	arts = append(arts, &herald.Article{Title: "Elsewhere", Lead: "A fair opened in Kingsbridge on Sunday."})
	topics := []*herald.Topic{{Name: "Port Ellery", Rules: herald.TopicRules{Match: []string{"Port Ellery"}}}}

	got := Suggest(arts, topics, 3, 10)
	want := map[string]bool{"harbour board": true, "ruth pennock": true}
	for _, s := range got {
		switch {
		case s.Phrase == "port ellery" || s.Phrase == "port" || s.Phrase == "ellery":
			t.Errorf("suggested %q, which a topic covers", s.Phrase)
		case s.Phrase == "kingsbridge":
			t.Errorf("suggested %q, which one article uses", s.Phrase)
		case s.Phrase == "harbour" || s.Phrase == "ruth":
			t.Errorf("suggested the word %q beside its phrase", s.Phrase)
		}
		if s.Articles < 3 {
			t.Errorf("%q is used by %d articles, below the minimum", s.Phrase, s.Articles)
		}
		delete(want, s.Phrase)
	}
	if len(want) > 0 {
		t.Errorf("Suggest = %+v; missing %v", got, want)
	}
}
