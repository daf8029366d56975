package store_test

import (
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/herald-news/herald/internal/storetest"
)

func TestCheckArticles(t *testing.T) {
	good := func(i int) *herald.Article { return storetest.NewArticle(i, "Outlet") }
	untitled := good(9)
	untitled.Title = ""
	tests := []struct {
		name    string
		batch   []*herald.Article
		wantErr bool
	}{
		{"empty", nil, false},
		{"all valid", []*herald.Article{good(1), good(2)}, false},
		{"one without a title", []*herald.Article{good(1), untitled, good(2)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bands, err := store.CheckArticles(tt.batch)
			if tt.wantErr {
				if herald.ErrorCode(err) != herald.EINVALID {
					t.Fatalf("CheckArticles = %v; want an EINVALID error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(bands) != len(tt.batch) {
				t.Fatalf("got %d band lists for %d articles", len(bands), len(tt.batch))
			}
			for i, a := range tt.batch {
				want, err := store.CheckArticle(a)
				if err != nil || len(bands[i]) != len(want) {
					t.Errorf("article %d: %d band keys; CheckArticle gives %d (%v)", i, len(bands[i]), len(want), err)
				}
			}
		})
	}
}
