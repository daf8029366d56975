package ingest_test

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// TestPipelineNotesCorrections stores an article that carries a
// correction, and finds the correction recorded with it.
func TestPipelineNotesCorrections(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	pipe := ingest.NewPipeline(db)
	a, _, err := pipe.Add(ctx, ingest.Item{URL: "https://gazette.example/wall", Title: "Council approves harbour wall",
		Source: "Gazette", Licence: "full",
		HTML: "<p>The council approved the harbour wall on Tuesday after a long debate.</p>" +
			"<p>Correction: an earlier version of this article gave the day of the vote as Monday.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := db.FindCorrections(ctx, herald.CorrectionFilter{ArticleID: a.ID})
	if err != nil || len(list) != 1 || list[0].Text != "Correction: an earlier version of this article gave the day of the vote as Monday." {
		t.Fatalf("corrections: %+v, %v", list, err)
	}
}

// TestPipelineNotesDeclaredCorrections records the notes a page declares
// in its metadata (JSON-LD correction) with those of its text.
func TestPipelineNotesDeclaredCorrections(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	a, _, err := ingest.NewPipeline(db).Add(ctx, ingest.Item{URL: "https://gazette.example/ferry", Title: "Ferry returns",
		Source: "Gazette", Licence: "full", HTML: "<p>The ferry to Kestrel returned to service on Monday morning after repairs.</p>",
		Corrections: []string{"An earlier version of this article gave the wrong day."}})
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := db.FindCorrections(ctx, herald.CorrectionFilter{ArticleID: a.ID})
	if err != nil || len(list) != 1 || list[0].Text != "An earlier version of this article gave the wrong day." {
		t.Fatalf("corrections: %+v, %v", list, err)
	}
}
